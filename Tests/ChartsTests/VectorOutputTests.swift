import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Charts

/// SVG and PDF through Cairo: the PNG's metadata, and SVG text kept as text.
@Suite struct VectorOutputTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("charts-vector-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    func figure(title: String = "Loss & accuracy <per step>") -> Figure {
        var ax = Axes(title: "Training loss", xLabel: "step", yLabel: "loss")
        ax.line(x: [0, 1, 2, 3, 4], y: [2.3, 1.9, 1.2, 0.8, 0.7], label: "lr = 0.1")
        var fig = Figure(widthInches: 4, heightInches: 3, title: title)
        fig.panels = [ax]
        return fig
    }

    /// The character content of every `<text>` element, unescaped by an XML parser (which also
    /// checks that the document is well-formed).
    final class TextCollector: NSObject, XMLParserDelegate {
        var texts: [String] = [], title: String?, desc: String?
        private var current: String?, element = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            element = name
            if ["text", "title", "desc"].contains(name) { current = "" }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard let c = current else { return }
            switch name {
            case "text": texts.append(c)
            case "title": title = c
            case "desc": desc = c
            default: return
            }
            current = nil
        }
    }

    func parse(_ url: URL) throws -> TextCollector {
        let parser = XMLParser(data: try Data(contentsOf: url))
        let collector = TextCollector()
        parser.delegate = collector
        #expect(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        return collector
    }

    @Test func svgKeepsTextAsText() throws {
        let url = dir.appendingPathComponent("fig.svg")
        let fig = figure()
        try fig.render(to: url, format: .svg)
        let svg = try String(contentsOf: url, encoding: .utf8)
        // no glyph outlines: Cairo drew no text
        #expect(!svg.contains("glyph"))
        let found = try parse(url)
        // every run the layout draws (title, tick labels, axis labels, legend) is a <text> element
        let recording = RecordingCanvas()
        fig.draw(on: recording)
        let drawn = recording.texts.map(\.text)
        #expect(drawn.contains("Loss & accuracy <per step>"))
        #expect(drawn.contains("lr = 0.1"))
        #expect(drawn.count > 8)
        #expect(Set(found.texts) == Set(drawn))
        #expect(found.texts.count == drawn.count)
        for s in ["Loss & accuracy <per step>", "Training loss", "step", "loss", "lr = 0.1"] { #expect(found.texts.contains(s)) }
        // tick labels, e.g. "1.0"
        #expect(found.texts.filter { Double($0) != nil }.count >= 6)
    }

    @Test func svgCarriesTheMetadata() throws {
        let url = dir.appendingPathComponent("meta.svg")
        let meta = FigureMetadata(title: "Accuracy × LR \"quoted\"", software: "bnlab 0.1.0", source: "run <42> & co",
                                  extra: ["Comment": "line\u{1}break"])
        try figure().render(to: url, format: .svg, metadata: meta)
        let svg = try String(contentsOf: url, encoding: .utf8)
        let found = try parse(url)
        #expect(found.title == "Accuracy × LR \"quoted\"")
        #expect(found.desc?.contains("Source: run <42> & co") == true)
        #expect(found.desc?.contains("Software: bnlab 0.1.0") == true)
        #expect(found.desc?.contains("Comment: linebreak") == true)   // the control character is dropped
        #expect(svg.contains("<dc:source>run &lt;42&gt; &amp; co</dc:source>"))
        // <title> is the root element's first child
        let root = try #require(svg.range(of: "<svg"))
        let rootEnd = try #require(svg[root.upperBound...].firstIndex(of: ">"))
        #expect(svg[svg.index(after: rootEnd)...].trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<title>"))
    }

    @Test func svgWithoutMetadataUsesTheFigureTitle() throws {
        let url = dir.appendingPathComponent("plain.svg")
        try figure(title: "Plain").render(to: url, format: .svg)
        #expect(try parse(url).title == "Plain")
    }

    @Test func pdfCarriesTheMetadata() throws {
        let url = dir.appendingPathComponent("meta.pdf")
        let meta = FigureMetadata(title: "Accuracy vs LR", software: "bnlab 0.1.0", source: "run-42", extra: ["Profile": "quick"])
        try figure().render(to: url, format: .pdf, metadata: meta)
        let pdf = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(pdf.hasPrefix("%PDF-"))
        #expect(pdf.contains("/Title (Accuracy vs LR)"))
        #expect(pdf.contains("/Creator (bnlab 0.1.0)"))
        #expect(pdf.contains("/Subject (run-42)"))
        #expect(pdf.contains("/Keywords (Profile: quick)"))
    }

    @Test func xmlEscaping() {
        #expect(SVGDocument.escape("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;")
        #expect(SVGDocument.escape("tab\tnl\nbell\u{7}") == "tab\tnl\nbell")
        #expect(SVGDocument.escape("10⁻³ × ‖∇W‖") == "10⁻³ × ‖∇W‖")
        #expect(SVGDocument.number(1.0) == "1" && SVGDocument.number(-0.0001) == "0" && SVGDocument.number(2.3456) == "2.346")
    }
}
