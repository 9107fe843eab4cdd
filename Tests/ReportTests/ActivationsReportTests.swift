import Charts
import Foundation
import PNGTestSupport
@testable import Report
import Studies
import Testing

/// The activation study's feature-map grid, rendered to a real PNG and read back.
@Suite struct ActivationsReportTests {
    @Test func featureMapGridDrawsInputsInGreyAndMapsOnOneColourScale() throws {
        // 3 images of 8×8, 5 channels of 4×4; channel c of image i is the constant i + c (one scale: 0…6)
        let (n, c, h) = (3, 5, 4)
        var values: [Float] = []
        for i in 0..<n { for ch in 0..<c { values += [Float](repeating: Float(i + ch), count: h * h) } }
        let maps = FeatureMaps(layer: "conv1", values: values, images: n, channels: c, height: h, width: h)
        let images = CaptureImages(pixels: (0..<(n * 64)).map { Float($0 % 64) / 63 }, labels: [0, 2, 1], height: 8, width: 8)
        let figure = FeatureMapFigure.grid(maps, images: images, classNames: ["zero", "one", "two"], title: "test grid")
        #expect(figure.panels.count == n * (c + 1))
        #expect(figure.sharedColorbar && figure.columns == c + 1)

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("act-grid-\(UUID()).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try figure.render(to: url, format: .png, dpi: 200)
        let png = try DecodedPNG(url: url)
        #expect(png.width > 300 && png.height > 200)
        // grey pixels (the inputs) and strongly coloured ones (viridis maps) both appear
        var grey = 0, coloured = 0
        for y in stride(from: 0, to: png.height, by: 2) {
            for x in stride(from: 0, to: png.width, by: 2) {
                let p = png.pixel(x, y)
                if p.r == p.g && p.g == p.b && p.r > 20 && p.r < 235 { grey += 1 }
                if abs(p.g - p.b) > 40 || abs(p.r - p.g) > 60 { coloured += 1 }
            }
        }
        #expect(grey > 100 && coloured > 1000, "grey \(grey), coloured \(coloured)")
        // the darkest map (image 0, channel 0 = the minimum) is viridis' first colour #440154
        let viridisLow = png.rgba.withUnsafeBufferPointer { b in
            stride(from: 0, to: b.count, by: 4).contains { abs(Int(b[$0]) - 0x44) <= 2 && abs(Int(b[$0 + 1]) - 0x01) <= 2 && abs(Int(b[$0 + 2]) - 0x54) <= 2 }
        }
        #expect(viridisLow)
    }

    @Test func reportFiguresOfTheStudyRenderAndRenderWithoutMapsSaysSo() throws {
        let results = ReportFixture.results
        let study = ActivationsStudy(config: results.config[ActivationsStudy.self])
        let result = try #require(results.results[ActivationsStudy.self])
        let names = study.figures(of: result, in: results).map(\.name)
        #expect(names.contains("activations-ioffe") && names.filter { $0.hasPrefix("activations-maps-") }.count == 8)
        // from metrics.json the maps are gone: no map figures, and the page says why
        let decoded = try RunResults.read(from: {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("act-metrics-\(UUID()).json")
            try results.encoded().write(to: url)
            return url
        }())
        let reread = try #require(decoded.results[ActivationsStudy.self])
        #expect(study.figures(of: reread, in: decoded).allSatisfy { !$0.name.hasPrefix("activations-maps-") })
        let sentences = study.findings(of: reread, in: decoded)
        #expect(sentences.first?.text.contains("Ioffe & Szegedy found") == true)
    }
}
