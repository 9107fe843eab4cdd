/// Provenance written into PNG tEXt chunks, SVG `<title>`/`<desc>`/`<metadata>` and the PDF
/// document information (Title; Creator = Software; Subject = Source; Keywords = the rest), so
/// an embedded figure can be traced back.
public struct FigureMetadata: Sendable, Equatable {
    /// `Title`; defaults to the figure title.
    public var title: String?
    /// `Software`, e.g. "bnlab 0.1.0".
    public var software: String?
    /// `Source`: the config or run id that made the figure.
    public var source: String?
    /// Any further keyword/text pairs (Latin-1 keywords of 1–79 characters).
    public var extra: [String: String]

    public init(title: String? = nil, software: String? = nil, source: String? = nil, extra: [String: String] = [:]) {
        self.title = title; self.software = software; self.source = source; self.extra = extra
    }

    func pngText(defaultTitle: String?) -> [(String, String)] {
        var t: [(String, String)] = []
        if let v = title ?? defaultTitle { t.append(("Title", v)) }
        if let v = software { t.append(("Software", v)) }
        if let v = source { t.append(("Source", v)) }
        for k in extra.keys.sorted() { t.append((k, extra[k]!)) }
        return t
    }
}
