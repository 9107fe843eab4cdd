import Foundation
import PNGTestSupport
import Testing
@testable import Charts

/// Real PNGs rendered through Cairo and libpng, read back with libpng.
@Suite struct PNGOutputTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("charts-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    /// A red horizontal line at y = 0.5 across x 0…1 in fixed limits.
    func redLineFigure() -> Figure {
        var ax = Axes(title: "Line", xLabel: "x", yLabel: "y")
        ax.xLimits = 0...1; ax.yLimits = 0...1
        ax.line(x: [0, 1], y: [0.5, 0.5], color: Color(hex: 0xff0000), width: 3)
        var fig = Figure(widthInches: 4, heightInches: 3)
        fig.panels = [ax]
        return fig
    }

    @Test func sizeMetadataAndPixels() throws {
        let url = dir.appendingPathComponent("line.png")
        let meta = FigureMetadata(title: "Accuracy × LR", software: "bnlab 0.1.0", source: "run-42")
        try redLineFigure().render(to: url, format: .png, dpi: 100, metadata: meta)
        let png = try DecodedPNG(url: url)
        #expect(png.width == 400 && png.height == 300)
        #expect(png.text["Title"] == "Accuracy × LR")
        #expect(png.text["Software"] == "bnlab 0.1.0")
        #expect(png.text["Source"] == "run-42")

        // find the axes frame from the layout, then probe pixels in device space (100/72 px per pt)
        let canvas = RecordingCanvas()
        redLineFigure().draw(on: canvas, pixelsPerPoint: 100.0 / 72)
        var frame = Rect(x: 0, y: 0, width: 0, height: 0)
        for op in canvas.operations { if case .clip(let r?) = op { frame = r; break } }
        let s = 100.0 / 72
        let midY = Int(frame.midY * s), midX = Int(frame.midX * s)
        let onLine = png.pixel(midX, midY)
        #expect(onLine.r > 240 && onLine.g < 30 && onLine.b < 30)
        // background above the line, inside the axes, between grid lines
        let above = png.pixel(midX + 7, Int((frame.minY + frame.height * 0.3) * s))
        #expect(above.r > 245 && above.g > 245 && above.b > 245)
        // the figure corner is background
        #expect(png.pixel(1, 1) == (255, 255, 255))
    }

    @Test func doubleDensity() throws {
        let url = dir.appendingPathComponent("line2x.png")
        try redLineFigure().render(to: url, dpi: 200)
        let png = try DecodedPNG(url: url)
        #expect(png.width == 800 && png.height == 600)
    }

    @Test func heatmapCellsAreExact() throws {
        // 2×2 cells over a 4×4 in figure without frame: every pixel of a cell has its one colour
        var ax = Axes(); ax.showFrame = false
        ax.heatmap([0, 1, 1, 0], rows: 2, columns: 2, showColorbar: false)
        var fig = Figure(width: 200, height: 200)
        fig.panels = [ax]
        let url = dir.appendingPathComponent("cells.png")
        try fig.render(to: url, dpi: 72)
        let png = try DecodedPNG(url: url)
        let low = Colormap.viridis.color(at: 0), high = Colormap.viridis.color(at: 1)
        func near(_ p: (r: Int, g: Int, b: Int), _ c: Color) -> Bool {
            abs(p.r - Int(c.red * 255)) <= 1 && abs(p.g - Int(c.green * 255)) <= 1 && abs(p.b - Int(c.blue * 255)) <= 1
        }
        #expect(near(png.pixel(20, 20), low))
        #expect(near(png.pixel(180, 20), high))
        #expect(near(png.pixel(99, 99), low))     // last pixel of the top-left cell
        #expect(near(png.pixel(100, 99), high))   // first pixel of the next: no blended seam
        #expect(near(png.pixel(100, 100), low))
    }

    @Test func noisyHeatmapRoundTripsExactly() throws {
        // 40×40 pseudo-random cells, 5 px each, through Cairo's nearest-neighbour scaling and
        // libpng/zlib: every cell centre must read back as its colormap entry
        var state: UInt64 = 12345
        let values = (0..<1600).map { _ -> Double in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var ax = Axes(); ax.showFrame = false
        ax.heatmap(values, rows: 40, columns: 40, range: 0...1, showColorbar: false)
        var fig = Figure(width: 144, height: 144)   // 200 px at 100 dpi
        fig.panels = [ax]
        let url = dir.appendingPathComponent("noisy.png")
        try fig.render(to: url)
        let png = try DecodedPNG(url: url)
        let lut = Colormap.viridis.lookupTable()
        // the axes rectangle: find it on the recording canvas at the same scale
        let canvas = RecordingCanvas()
        fig.draw(on: canvas, pixelsPerPoint: 100.0 / 72)
        var rect = Rect(x: 0, y: 0, width: 0, height: 0)
        for op in canvas.operations { if case .image(_, let r) = op { rect = r } }
        var mismatches = 0
        for r in 0..<40 {
            for c in 0..<40 {
                let x = Int((rect.minX + (Double(c) + 0.5) * rect.width / 40) * 100 / 72)
                let y = Int((rect.minY + (Double(r) + 0.5) * rect.height / 40) * 100 / 72)
                let want = lut[max(0, min(255, Int((values[r * 40 + c] * 255).rounded())))]
                let got = png.pixel(x, y)
                if got.r != Int(want >> 16 & 0xff) || got.g != Int(want >> 8 & 0xff) || got.b != Int(want & 0xff) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func nonFiniteDataStillDraws() throws {
        var ax = Axes(yScale: .log)
        ax.line(x: [1, 2, 3, 4], y: [1, .nan, -.infinity, 0], color: Color(hex: 0x0000ff), marker: .circle)
        ax.line(x: [], y: [])
        var fig = Figure(width: 200, height: 150)
        fig.panels = [ax]
        let url = dir.appendingPathComponent("nan.png")
        try fig.render(to: url)
        let png = try DecodedPNG(url: url)
        // something besides white was drawn (frame, ticks, the one point)
        #expect(png.rgba.enumerated().contains { $0.offset % 4 == 2 && $0.element < 200 })
    }

    @Test func vectorFormats() throws {
        for format in [ImageFormat.svg, .pdf] {
            let url = dir.appendingPathComponent("line.\(format.rawValue)")
            try redLineFigure().render(to: url, format: format)
            let head = try Data(contentsOf: url).prefix(5)
            #expect(String(decoding: head, as: UTF8.self) == (format == .svg ? "<?xml" : "%PDF-"))
        }
    }

    @Test func badSizeThrows() {
        let fig = Figure(width: 0, height: 100)
        #expect(throws: ChartError.self) { try fig.render(to: dir.appendingPathComponent("bad.png")) }
    }
}
