import Testing
@testable import Charts

/// Layout checked on the recording canvas: which tick labels, legend rows and colorbar ticks were
/// drawn, and where.
@Suite struct LayoutTests {
    func draw(_ ax: Axes, width: Double = 432, height: Double = 288) -> RecordingCanvas {
        var fig = Figure(width: width, height: height)
        fig.panels = [ax]
        let canvas = RecordingCanvas()
        fig.draw(on: canvas)
        return canvas
    }

    /// Text drawn upright and centred below the axes: the x tick labels, left to right.
    func xTickLabels(_ c: RecordingCanvas) -> [(text: String, at: Point, rotation: Double)] {
        let frame = axesFrame(c)
        return c.texts.filter { $0.rotation == 0 && abs($0.at.y - (frame.maxY + 7)) < 0.6 }.sorted { $0.at.x < $1.at.x }
    }

    func yTickLabels(_ c: RecordingCanvas) -> [(text: String, at: Point, rotation: Double)] {
        let frame = axesFrame(c)
        return c.texts.filter { $0.rotation == 0 && abs($0.at.x - (frame.minX - 7)) < 0.6 }.sorted { $0.at.y > $1.at.y }
    }

    /// The axes rectangle: the clip set before the data is drawn.
    func axesFrame(_ c: RecordingCanvas) -> Rect {
        for op in c.operations { if case .clip(let r?) = op { return r } }
        Issue.record("no clip rect recorded")
        return Rect(x: 0, y: 0, width: 0, height: 0)
    }

    @Test func linearTicksLandOnTheirValues() {
        var ax = Axes()
        ax.line(x: [0, 10], y: [0, 1])
        let c = draw(ax)
        let frame = axesFrame(c)
        let xs = xTickLabels(c)
        #expect(xs.map(\.text) == ["0", "2", "4", "6", "8", "10"])
        // view is 0…10 widened 5% each side: tick v sits at minX + (v + 0.5) / 11 * width
        for t in xs {
            let v = Double(t.text)!
            #expect(abs(t.at.x - (frame.minX + (v + 0.5) / 11 * frame.width)) < 1e-6)
        }
        let ys = yTickLabels(c)
        #expect(ys.map(\.text) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test func negativeTinyAndHugeRanges() {
        var neg = Axes(); neg.line(x: [0, 1], y: [-40, -10])
        #expect(yTickLabels(draw(neg)).map(\.text) == ["−40", "−35", "−30", "−25", "−20", "−15", "−10"])

        var tiny = Axes(); tiny.line(x: [0, 1], y: [1e-7, 3e-7])
        let t = draw(tiny)
        #expect(yTickLabels(t).map(\.text).first == "1.00")
        #expect(t.texts.contains { $0.text == "×10⁻⁷" })

        var huge = Axes(); huge.line(x: [0, 1], y: [0, 1.2e9])
        let h = draw(huge)
        #expect(h.texts.contains { $0.text == "×10⁹" })
        #expect(yTickLabels(h).map(\.text).contains("1.2"))
    }

    @Test func singleValueSeriesGetsAUsableRange() {
        var ax = Axes(); ax.line(x: [5], y: [2.3], marker: .circle)
        let c = draw(ax)
        #expect(yTickLabels(c).map(\.text) == ["2.20", "2.25", "2.30", "2.35", "2.40"])
        #expect(xTickLabels(c).count >= 2)
    }

    @Test func nanValuesAreSkippedAndTheStopIsMarked() {
        var ax = Axes(); ax.line(x: [0, 1, 2, 3], y: [1, 2, .nan, .infinity], label: "run")
        let c = draw(ax)
        // limits come from the finite points only
        #expect(yTickLabels(c).map(\.text).first == "1.0")
        #expect(yTickLabels(c).map(\.text).last == "2.0")
        #expect(c.texts.contains { $0.text == "stopped (non-finite)" })
        // the data line is one run (move + 1 line), nothing drawn through NaN
        let lines = c.operations.compactMap { op -> Path? in
            if case let .stroke(p, s) = op, s.round { return p } else { return nil }
        }
        #expect(lines.count == 1)
        #expect(lines.first?.elements.count == 2)
    }

    @Test func emptySeriesDrawsNoDataPanel() {
        var ax = Axes(); ax.line(x: [], y: [], label: "run")
        let c = draw(ax)
        #expect(c.texts.contains { $0.text == "no data" })
        #expect(!c.texts.contains { $0.text == "run" })
    }

    @Test func logAxisLabelsDecades() {
        var ax = Axes(xScale: .log); ax.line(x: [1e-4, 1e-2, 1], y: [0.5, 0.9, 0.7])
        let xs = xTickLabels(draw(ax))
        #expect(xs.map(\.text) == ["10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰"])
        // decades are evenly spaced
        let gaps = zip(xs.dropFirst(), xs).map { $0.at.x - $1.at.x }
        #expect(gaps.allSatisfy { abs($0 - gaps[0]) < 1e-6 })
    }

    @Test func logAxisSkipsNonPositiveValues() {
        var ax = Axes(yScale: .log); ax.line(x: [0, 1, 2], y: [0, -1, 10])
        let c = draw(ax)
        #expect(!c.texts.contains { $0.text == "no data" })
        var none = Axes(yScale: .log); none.line(x: [0, 1], y: [0, -1])
        #expect(draw(none).texts.contains { $0.text == "no data" })
    }

    @Test func xTickLabelsNeverOverlap() {
        // a narrow axes forces thinning
        var ax = Axes(); ax.line(x: [0, 123456], y: [0, 1])
        let c = draw(ax, width: 150, height: 150)
        let xs = xTickLabels(c)
        #expect(xs.count >= 2)
        let canvas = RecordingCanvas()
        for (a, b) in zip(xs, xs.dropFirst()) {
            let wa = canvas.measureText(a.text, font: Font(size: 10)).width, wb = canvas.measureText(b.text, font: Font(size: 10)).width
            #expect(a.at.x + wa / 2 < b.at.x - wb / 2)
        }
    }

    @Test func longCategoryLabelsRotate() {
        var ax = Axes()
        ax.bars(categories: (1...8).map { "layer.\($0).conv.weight" }, series: [(label: nil, values: Array(repeating: 1, count: 8))])
        let c = draw(ax)
        let rotated = c.texts.filter { $0.rotation == 45 }
        #expect(rotated.count == 8)
        // and nothing is cut off at the bottom of the figure: the far end of each run is inside
        for t in rotated {
            let w = RecordingCanvas().measureText(t.text, font: Font(size: 10)).width
            #expect(t.at.y + w * 0.71 + 10 < 288)
            #expect(t.at.x - w * 0.71 > 0)
        }
    }

    @Test func legendEntriesInOrderAndOffTheData() {
        var ax = Axes()
        let x = (0..<50).map(Double.init)
        ax.line(x: x, y: x.map { $0 / 50 }, label: "with BN")
        ax.line(x: x, y: x.map { $0 / 100 }, label: "without BN", spread: x.map { _ in 0.01 })
        ax.markers(x: [40], y: [0.2], label: "diverged")
        let c = draw(ax)
        let labels = c.texts.map(\.text)
        let rows = ["with BN", "without BN", "diverged"].compactMap { l in c.texts.first { $0.text == l } }
        #expect(rows.count == 3)
        #expect(rows[0].at.y < rows[1].at.y && rows[1].at.y < rows[2].at.y)
        #expect(labels.filter { $0 == "with BN" }.count == 1)
        // lines rise to the upper right, so the legend goes upper left
        let frame = axesFrame(c)
        #expect(rows[0].at.x < frame.midX && rows[0].at.y < frame.midY)
    }

    @Test func legendMovesOutsideWhenEverySpotHidesData() {
        var ax = Axes()
        for k in 0..<12 {
            let x = (0..<100).map(Double.init)
            ax.line(x: x, y: x.map { sin($0 / 5 + Double(k)) + Double(k % 3) }, label: "series \(k)")
        }
        let c = draw(ax)
        let frame = axesFrame(c)
        let row = c.texts.first { $0.text == "series 0" }!
        #expect(row.at.x > frame.maxX)
    }

    @Test func colorbarTicksCoverTheDataRange() {
        var ax = Axes()
        ax.heatmap([0.1, 0.5, 0.9, 0.3], rows: 2, columns: 2, colormap: .viridis)
        let c = draw(ax)
        let frame = axesFrame(c)
        let ticks = c.texts.filter { $0.at.x > frame.maxX + 12 }.map(\.text)
        #expect(ticks == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"])
        // one cell per value in the image
        let image = c.operations.compactMap { if case .image(let im, _) = $0, im.width == 2 { im } else { nil } }.first
        #expect(image?.height == 2)
        #expect(image?.argb[0] == Colormap.viridis.lookupTable()[0])
        #expect(image?.argb[2] == Colormap.viridis.lookupTable()[255])
    }

    @Test func divergingColorbarIsCentredOnZero() {
        var ax = Axes()
        ax.heatmap([-0.2, 0.5], rows: 1, columns: 2, colormap: .rdBu)
        let c = draw(ax)
        let frame = axesFrame(c)
        let ticks = c.texts.filter { $0.at.x > frame.maxX + 12 }
        #expect(ticks.first?.text == "−0.4")
        #expect(ticks.last?.text == "0.4")
        let zero = ticks.first { $0.text == "0.0" }!
        #expect(abs(zero.at.y - frame.midY) < 1e-6)
    }

    @Test func annotationsPrintEveryCell() {
        var ax = Axes()
        ax.heatmap([0.91, 0.5, .nan, 0.1], rows: 2, columns: 2, rowLabels: ["2", "4"], columnLabels: ["1e-3", "1e-2"], annotationDecimals: 2)
        let texts = draw(ax).texts.map(\.text)
        for s in ["0.91", "0.50", "NaN", "0.10", "1e-3", "1e-2", "2", "4"] { #expect(texts.contains(s)) }
    }

    @Test func smallMultiplesShareOneLegendAndAxes() {
        var fig = Figure(width: 600, height: 400)
        fig.columns = 2; fig.sharedX = true; fig.sharedY = true; fig.sharedLegend = true
        for k in 0..<4 {
            var ax = Axes(title: "panel \(k)", xLabel: "step", yLabel: "loss")
            ax.line(x: [0, 1, 2], y: [3, 2, Double(k)], label: "with BN")
            ax.line(x: [0, 1, 2], y: [3, 2.5, 2], label: "without BN")
            fig.panels.append(ax)
        }
        let c = RecordingCanvas()
        fig.draw(on: c)
        #expect(c.texts.filter { $0.text == "with BN" }.count == 1)
        #expect(c.texts.filter { $0.text == "step" }.count == 2)      // bottom row only
        #expect(c.texts.filter { $0.text == "loss" }.count == 2)      // left column only
        #expect(c.texts.filter { $0.text == "3.0" }.count == 2)       // y tick labels on the left column
    }
}

#if canImport(Glibc)
import Glibc
#endif
