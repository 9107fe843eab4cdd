import Foundation

/// Lays a `Figure` out in points and draws it on a `Canvas`: data limits → margins from the
/// measured tick labels → one aligned grid of axes → panels, shared legend, shared colorbar.
struct FigureRenderer {
    let figure: Figure
    let canvas: Canvas
    /// Device pixels per point, for snapping hairlines to pixel centres.
    let px: Double

    var data: [PanelData] = []
    var layouts: [PanelLayout] = []
    /// Shared colour range when the figure shares one colorbar.
    var sharedColorRange: ClosedRange<Double>?
    var sharedColormap: Colormap?

    // MARK: - Style (matplotlib's defaults, in points)

    var font: Font { Font(size: figure.fontSize) }
    var titleFont: Font { Font(size: figure.fontSize * 1.2) }
    let pad = 6.0, tickLength = 3.5, tickPad = 3.5, labelPad = 4.0
    let colorbarGap = 10.0, colorbarWidth = 12.0
    let legendInset = 6.0

    init(figure: Figure, canvas: Canvas, px: Double) {
        self.figure = figure; self.canvas = canvas; self.px = px
    }

    // MARK: - Pixel snapping

    /// The nearest pixel centre: 1-px hairlines land on one pixel row instead of blurring over two.
    func snap(_ v: Double) -> Double { ((v * px).rounded(.down) + 0.5) / px }
    /// The nearest pixel edge, for filled areas.
    func snapEdge(_ v: Double) -> Double { (v * px).rounded() / px }

    // MARK: - Per-panel geometry

    struct PanelLayout {
        var rect = Rect(x: 0, y: 0, width: 1, height: 1)
        var xTicks = AxisTicks()
        var yTicks = AxisTicks()
        var colorbarTicks = AxisTicks()
        var showXTickLabels = true, showYTickLabels = true, showXLabel = true, showYLabel = true
        var legendOutside = false
        var legendRect: Rect?
        var margins = (left: 0.0, right: 0.0, top: 0.0, bottom: 0.0)
    }

    var rows: Int { max(1, (figure.panels.count + columns - 1) / columns) }
    var columns: Int { max(1, min(figure.columns, max(1, figure.panels.count))) }

    // MARK: - Draw

    mutating func draw() {
        canvas.fill(Path(rect: Rect(x: 0, y: 0, width: figure.width, height: figure.height)), color: .white)
        prepareData()
        layout()
        // a legend that would hide data goes outside, which changes the layout once
        var moved = false
        for i in layouts.indices where figure.panels[i].legend == .best && !showsSharedLegend && data[i].hasData {
            if placeLegendInside(i) == nil, !data[i].legend.isEmpty { layouts[i].legendOutside = true; moved = true }
        }
        if moved { layout() }
        for i in layouts.indices { drawPanel(i) }
        if showsSharedLegend { drawSharedLegend() }
        if let range = sharedColorRange, let map = sharedColormap { drawSharedColorbar(range, map) }
        if let t = figure.title {
            canvas.drawText(t, at: Point(figure.width / 2, pad), font: Font(size: figure.fontSize * 1.3),
                            color: .ink, anchor: TextAnchor(.center, .top), rotation: 0)
        }
    }

    var showsSharedLegend: Bool { figure.sharedLegend && !sharedLegendEntries.isEmpty }

    /// Legend rows of all panels, merged by label (first wins).
    var sharedLegendEntries: [LegendEntry] {
        var seen = Set<String>(), out: [LegendEntry] = []
        for d in data { for e in d.legend where seen.insert(e.label).inserted { out.append(e) } }
        return out
    }

    mutating func prepareData() {
        data = figure.panels.map(PanelData.init)
        // shared axes: one range for all panels
        if figure.sharedX, let lo = data.filter(\.hasData).map(\.xLower).min(), let hi = data.filter(\.hasData).map(\.xUpper).max(),
           !data.contains(where: \.hasHeatmap) {
            for i in data.indices { data[i].xLower = lo; data[i].xUpper = hi }
        }
        if figure.sharedY, let lo = data.filter(\.hasData).map(\.yLower).min(), let hi = data.filter(\.hasData).map(\.yUpper).max(),
           !data.contains(where: \.hasHeatmap) {
            for i in data.indices { data[i].yLower = lo; data[i].yUpper = hi }
        }
        if figure.sharedColorbar {
            let ranges = data.filter(\.sharesColorbar).compactMap(\.colorRange)
            if let lo = ranges.map(\.lowerBound).min(), let hi = ranges.map(\.upperBound).max() {
                sharedColorRange = lo...hi
                sharedColormap = data.filter(\.sharesColorbar).compactMap(\.colormap).first
                if sharedColormap?.isDiverging == true { let m = max(abs(lo), abs(hi)); sharedColorRange = -m...m }
                for i in data.indices where data[i].colorRange != nil && data[i].sharesColorbar {
                    data[i].colorRange = sharedColorRange; data[i].wantsColorbar = false
                }
            }
        }
    }

    // MARK: - Layout

    /// Width reserved on the right of the whole grid (shared legend, shared colorbar).
    func figureRightReserve() -> Double {
        var r = 0.0
        if showsSharedLegend { r += legendSize(sharedLegendEntries).width + pad * 2 }
        if let range = sharedColorRange {
            let ticks = TickLocator.linear(range.lowerBound, range.upperBound, maxBins: 8)
            let labels = TickFormatter.linear(ticks).labels
            r += colorbarReserve(labels: labels, label: figure.sharedColorbarLabel)
        }
        return r
    }

    func colorbarReserve(labels: [String], label: String?) -> Double {
        let w = labels.map { canvas.measureText($0, font: font).width }.max() ?? 0
        return colorbarGap + colorbarWidth + tickLength + tickPad + w + (label != nil ? font.size * 1.2 + labelPad : 0) + 4
    }

    /// Computes every panel's rectangle and ticks. Margins depend on tick labels and tick labels on
    /// the axes' lengths, so this settles in a few rounds; margins only grow, so nothing gets clipped.
    mutating func layout() {
        let n = figure.panels.count
        let keepOutside = layouts.map(\.legendOutside)
        layouts = (0..<n).map { i in
            var l = PanelLayout()
            let (r, c) = (i / columns, i % columns)
            l.showXTickLabels = !figure.sharedX || r == rows - 1 || i + columns >= n
            l.showYTickLabels = !figure.sharedY || c == 0
            l.showXLabel = l.showXTickLabels
            l.showYLabel = l.showYTickLabels
            l.legendOutside = i < keepOutside.count ? keepOutside[i] : figure.panels[i].legend == .outside
            if figure.panels[i].legend == .outside && !figure.sharedLegend { l.legendOutside = true }
            let p = figure.panelPadding
            l.margins = (p, p, p, p)
            return l
        }
        guard n > 0 else { return }
        for _ in 0..<3 {
            placeRects()
            for i in 0..<n {
                computeTicks(i)
                let m = margins(i)
                layouts[i].margins = (max(m.left, layouts[i].margins.left), max(m.right, layouts[i].margins.right),
                                      max(m.top, layouts[i].margins.top), max(m.bottom, layouts[i].margins.bottom))
            }
        }
        placeRects()
        for i in 0..<n { computeTicks(i) }
    }

    /// Aligned grid: per-column left/right and per-row top/bottom margins, equal axes sizes.
    mutating func placeRects() {
        let n = layouts.count
        var left = [Double](repeating: 0, count: columns), right = left
        var top = [Double](repeating: 0, count: rows), bottom = top
        for i in 0..<n {
            let (r, c) = (i / columns, i % columns), m = layouts[i].margins
            left[c] = max(left[c], m.left); right[c] = max(right[c], m.right)
            top[r] = max(top[r], m.top); bottom[r] = max(bottom[r], m.bottom)
        }
        let titleH = figure.title != nil ? figure.fontSize * 1.3 * 1.25 + pad : 0
        let availW = figure.width - figureRightReserve() - left.reduce(0, +) - right.reduce(0, +)
        let availH = figure.height - titleH - top.reduce(0, +) - bottom.reduce(0, +)
        let w = max(10, availW / Double(columns)), h = max(10, availH / Double(rows))
        for i in 0..<n {
            let (r, c) = (i / columns, i % columns)
            var x = 0.0, y = titleH
            for k in 0..<c { x += left[k] + w + right[k] }
            for k in 0..<r { y += top[k] + h + bottom[k] }
            x += left[c]; y += top[r]
            var rect = Rect(x: snapEdge(x), y: snapEdge(y), width: snapEdge(x + w) - snapEdge(x), height: snapEdge(y + h) - snapEdge(y))
            // square cells: shrink to the matrix aspect, centred
            if data[i].squareCells, let cols = heatmapShape(i)?.columns, let rws = heatmapShape(i)?.rows, cols > 0, rws > 0 {
                let cell = min(rect.width / Double(cols), rect.height / Double(rws))
                let (sw, sh) = (cell * Double(cols), cell * Double(rws))
                rect = Rect(x: snapEdge(rect.midX - sw / 2), y: snapEdge(rect.midY - sh / 2), width: snapEdge(sw), height: snapEdge(sh))
            }
            layouts[i].rect = rect
        }
    }

    func heatmapShape(_ i: Int) -> (rows: Int, columns: Int)? {
        for p in figure.panels[i].plots { if case .heatmap(let h) = p { return (h.rows, h.columns) } }
        return nil
    }

    mutating func computeTicks(_ i: Int) {
        let ax = figure.panels[i], d = data[i], rect = layouts[i].rect
        let measure = { (s: String) in canvas.measureText(s, font: font).width }
        guard ax.showFrame, d.hasData else { layouts[i].xTicks = AxisTicks(); layouts[i].yTicks = AxisTicks(); return }
        if !d.hasHeatmap || d.xCategories != nil {
            layouts[i].xTicks = AxisTicks.choose(scale: ax.xScale, lower: d.xLower, upper: d.xUpper, categories: d.xCategories,
                                                 length: rect.width, horizontal: true, font: font, measure: measure)
        } else { layouts[i].xTicks = AxisTicks() }
        if !d.hasHeatmap || d.yCategories != nil {
            layouts[i].yTicks = AxisTicks.choose(scale: ax.yScale, lower: d.yLower, upper: d.yUpper, categories: d.yCategories,
                                                 length: rect.height, horizontal: false, font: font, measure: measure)
        } else { layouts[i].yTicks = AxisTicks() }
        if d.wantsColorbar, let range = d.colorRange {
            layouts[i].colorbarTicks = AxisTicks.choose(scale: .linear, lower: range.lowerBound, upper: range.upperBound,
                                                        categories: nil, length: rect.height, horizontal: false,
                                                        font: font, measure: measure)
        }
    }

    /// Space each side of the axes rectangle for this panel's ticks, labels, title, legend, colorbar.
    func margins(_ i: Int) -> (left: Double, right: Double, top: Double, bottom: Double) {
        let ax = figure.panels[i], l = layouts[i], d = data[i]
        let width = { (s: String) in canvas.measureText(s, font: font).width }
        let tick = ax.showFrame && d.hasData ? tickLength : 0

        let pad = figure.panelPadding
        var left = pad + tick
        let yLabels = l.yTicks.major.compactMap(\.label)
        if l.showYTickLabels, !yLabels.isEmpty { left += tickPad + (yLabels.map(width).max() ?? 0) }
        if l.showYLabel, let s = ax.yLabel { left += labelPad + (ax.yLabelUpright ? width(s) : font.size * 1.2) }
        // rotated category labels run down-left from their tick: keep the first inside the figure
        if l.showXTickLabels, l.xTicks.rotated {
            let map = AxisMap(scale: ax.xScale, lower: d.xLower, upper: d.xUpper, start: 0, end: l.rect.width)
            for t in l.xTicks.major {
                guard let s = t.label else { continue }
                left = max(left, width(s) * 0.71 - map(t.value) - font.size * 0.3 + pad)
            }
        }

        var bottom = pad + tick
        let xLabels = l.xTicks.major.compactMap(\.label)
        if l.showXTickLabels, !xLabels.isEmpty {
            let h = l.xTicks.rotated ? (xLabels.map(width).max() ?? 0) * 0.71 + font.size * 0.9 : font.size * 1.0
            bottom += tickPad + h
        }
        if (l.showXLabel && ax.xLabel != nil) || l.xTicks.multiplier != nil { bottom += labelPad + font.size * 1.2 }

        var top = pad
        if ax.title != nil { top += titleFont.size * 1.25 + labelPad }
        if l.yTicks.multiplier != nil { top += font.size * 1.2 }

        var right = pad
        // the last x label is centred on its tick: it may hang past the axes
        if l.showXTickLabels, !l.xTicks.rotated, let last = l.xTicks.major.last(where: { $0.label != nil }) {
            let map = AxisMap(scale: ax.xScale, lower: d.xLower, upper: d.xUpper, start: 0, end: l.rect.width)
            right = max(right, map(last.value) + width(last.label!) / 2 - l.rect.width + 2)
        }
        if d.wantsColorbar, d.colorRange != nil {
            right += colorbarReserve(labels: l.colorbarTicks.major.compactMap(\.label), label: d.colorbarLabel)
        }
        if l.legendOutside, d.hasData, !d.legend.isEmpty, !figure.sharedLegend { right += legendSize(d.legend).width + legendInset + pad }
        return (left, right, top, bottom)
    }

    // MARK: - Legend geometry

    var legendRowHeight: Double { font.size * 1.45 }
    var legendHandleWidth: Double { font.size * 2 }

    func legendSize(_ entries: [LegendEntry]) -> (width: Double, height: Double) {
        let w = entries.map { canvas.measureText($0.label, font: font).width }.max() ?? 0
        return (8 + legendHandleWidth + 6 + w + 8, 6 + Double(entries.count) * legendRowHeight + 6)
    }

    /// Draws a legend box at `origin` (top-left).
    func drawLegend(_ entries: [LegendEntry], at box: Rect) {
        canvas.fill(Path(rect: box), color: Color.white.withAlpha(0.85))
        canvas.stroke(Path(rect: Rect(x: snap(box.minX), y: snap(box.minY), width: snapEdge(box.width), height: snapEdge(box.height))),
                      style: StrokeStyle(color: Color(hex: 0xcccccc), width: 0.8))
        for (k, e) in entries.enumerated() {
            let y = box.minY + 6 + (Double(k) + 0.5) * legendRowHeight
            e.drawHandle(on: canvas, in: Rect(x: box.minX + 8, y: y - legendRowHeight / 2, width: legendHandleWidth, height: legendRowHeight))
            canvas.drawText(e.label, at: Point(box.minX + 8 + legendHandleWidth + 6, y), font: font, color: .ink,
                            anchor: TextAnchor(.left, .middle), rotation: 0)
        }
    }

    func drawSharedLegend() {
        let entries = sharedLegendEntries
        let size = legendSize(entries)
        let rects = layouts.map(\.rect)
        let top = rects.map(\.minY).min() ?? 0, bottom = rects.map(\.maxY).max() ?? figure.height
        let x = (rects.map(\.maxX).max() ?? 0) + pad * 2
        let y = max(top, (top + bottom) / 2 - size.height / 2)
        drawLegend(entries, at: Rect(x: x, y: y, width: size.width, height: size.height))
    }
}
