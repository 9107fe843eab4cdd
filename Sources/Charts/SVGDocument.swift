import Foundation

/// The SVG post-processing step: Cairo's SVG surface draws every line, fill and image, and this
/// adds what Cairo cannot: the figure's text as `<text>` elements, and its metadata.
///
/// Why not let Cairo draw the text: Cairo's SVG surface (1.16 here, 1.18 too) writes every glyph as
/// an outline (`<symbol id="glyph…">` + `<use>`), whatever API draws it, so labels could be neither
/// selected nor searched. The SVG `CairoCanvas` therefore measures text with Cairo (the layout is
/// the PNG's) but hands each run to `SVGText`, and `SVGDocument.finish` writes the runs as `<text>`
/// in DejaVu Sans after Cairo's drawing. Text is then painted over all other marks; in these
/// figures nothing is drawn over a label (legend boxes come before their labels, titles last).
/// Cairo ≥ 1.16 has no metadata setter for SVG either: `<title>`, `<desc>` and a Dublin Core
/// `<metadata>` block go right after the root element's start tag.
enum SVGDocument {
    /// `svg` (Cairo's document) with `metadata` after the root start tag and `texts` before its end.
    static func finish(_ svg: Data, texts: [SVGText.Run], metadata: [(String, String)]) throws -> Data {
        let doc = String(decoding: svg, as: UTF8.self)
        guard let open = doc.range(of: "<svg"), let openEnd = doc[open.upperBound...].firstIndex(of: ">"),
              let close = doc.range(of: "</svg>", options: .backwards) else {
            throw ChartError.cairo("unexpected SVG document from Cairo")
        }
        var out = String(doc[..<doc.index(after: openEnd)])
        out += "\n" + header(metadata)
        out += doc[doc.index(after: openEnd)..<close.lowerBound]
        if !texts.isEmpty {
            out += "<g font-family=\"'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif\">\n"
            for t in texts { out += element(t) + "\n" }
            out += "</g>\n"
        }
        out += doc[close.lowerBound...]
        return Data(out.utf8)
    }

    /// `<title>` (the Title), `<desc>` (every key: value line) and `<metadata>` (RDF, Dublin Core:
    /// title, creator = Software, source = Source).
    static func header(_ metadata: [(String, String)]) -> String {
        guard !metadata.isEmpty else { return "" }
        let value = { (key: String) in metadata.first { $0.0 == key }?.1 }
        var s = ""
        if let t = value("Title") { s += "<title>\(escape(t))</title>\n" }
        s += "<desc>" + metadata.map { escape("\($0.0): \($0.1)") }.joined(separator: "\n") + "</desc>\n"
        s += "<metadata><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        s += "<rdf:Description>"
        if let t = value("Title") { s += "<dc:title>\(escape(t))</dc:title>" }
        if let t = value("Software") { s += "<dc:creator>\(escape(t))</dc:creator>" }
        if let t = value("Source") { s += "<dc:source>\(escape(t))</dc:source>" }
        s += "</rdf:Description></rdf:RDF></metadata>\n"
        return s
    }

    /// One `<text>` element: baseline at (x, y) in points, rotated about its anchor.
    static func element(_ t: SVGText.Run) -> String {
        var a = ""
        if t.rotation != 0 {
            a += "transform=\"translate(\(number(t.x)) \(number(t.y))) rotate(\(number(-t.rotation)))\" x=\"0\" y=\"\(number(t.baselineOffset))\""
        } else {
            a += "x=\"\(number(t.x))\" y=\"\(number(t.y + t.baselineOffset))\""
        }
        a += " font-size=\"\(number(t.size))\""
        if t.bold { a += " font-weight=\"bold\"" }
        switch t.anchor {
        case .left: break
        case .center: a += " text-anchor=\"middle\""
        case .right: a += " text-anchor=\"end\""
        }
        let c = t.color
        a += String(format: " fill=\"#%02x%02x%02x\"", channel(c.red), channel(c.green), channel(c.blue))
        if c.alpha < 1 { a += " fill-opacity=\"\(number(c.alpha))\"" }
        return "<text \(a) xml:space=\"preserve\">\(escape(t.text))</text>"
    }

    /// XML character data or attribute value: markup characters escaped, characters XML 1.0 does
    /// not allow (C0 controls other than tab, LF, CR; lone surrogates cannot occur in a String;
    /// U+FFFE/U+FFFF) dropped.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                let v = u.value
                if (v < 0x20 && v != 0x09 && v != 0x0a && v != 0x0d) || v == 0xfffe || v == 0xffff { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// A coordinate with at most 3 decimals, no trailing zeros.
    static func number(_ v: Double) -> String {
        var s = String(format: "%.3f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    static func channel(_ v: Double) -> Int { Int(max(0, min(255, (v * 255).rounded()))) }
}

/// Text runs collected while Cairo draws an SVG (see `SVGDocument`).
final class SVGText {
    struct Run {
        var text: String
        /// The anchor point in points.
        var x: Double, y: Double
        /// From the anchor to the baseline, along the rotated vertical (points, down positive).
        var baselineOffset: Double
        var anchor: TextAnchor.Horizontal
        var rotation: Double
        var size: Double
        var bold: Bool
        var color: Color
    }
    var runs: [Run] = []
}
