/// A figure as an `<img>` (template partial `figure`): its source (relative path or data: URI),
/// pixel size on the page, alt text, caption and links to its files.
public struct FigureView: Sendable {
    public var src: String
    public var width: String
    public var height: String
    public var alt: String
    public var caption: String
    public var downloads: [LinkView]
    /// Stored, not computed: Mustache sees stored properties only.
    public var hasDownloads: Bool
}

/// A link: its text and target.
public struct LinkView: Sendable {
    public var label: String
    public var href: String
    public init(label: String, href: String) { self.label = label; self.href = href }
}
