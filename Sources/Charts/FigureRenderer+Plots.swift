import Foundation

// MARK: - Drawing the data of one panel (clipped to the axes)

extension FigureRenderer {
    /// Draw order: images, then filled areas (bars, histograms, bands), then lines, markers, stops.
    func drawPlots(_ i: Int, _ xm: AxisMap, _ ym: AxisMap) {
        let ax = figure.panels[i]
        for p in ax.plots { if case .heatmap(let h) = p { drawHeatmap(i, h, xm, ym) } }
        for (rect, color) in barRects(i, xm, ym) { canvas.fill(Path(rect: rect), color: color) }
        let hist = histogramRects(i, xm, ym)
        for (rect, color) in hist { canvas.fill(Path(rect: rect), color: color.withAlpha(histogramOpacity(i, color))) }
        drawHistogramOutlines(i, xm, ym)
        for p in ax.plots {
            switch p {
            case .band(let b): drawBand(b.x, b.lower, b.upper, b.color.withAlpha(b.opacity), ax, xm, ym)
            case .line(let l):
                if let s = l.spread {
                    drawBand(l.x, zip(l.y, s).map { $0 - $1 }, zip(l.y, s).map { $0 + $1 }, l.color.withAlpha(0.2), ax, xm, ym)
                }
            default: break
            }
        }
        for p in ax.plots { if case .line(let l) = p { drawLine(l, ax, xm, ym) } }
    }

    /// Markers are drawn unclipped (a marker on the last point is not cut in half by the frame),
    /// but only for points inside the axes.
    func drawMarkers(_ i: Int, _ xm: AxisMap, _ ym: AxisMap) {
        let ax = figure.panels[i], rect = layouts[i].rect.insetBy(-0.5)
        func mark(_ m: Marker, _ x: Double, _ y: Double, _ size: Double, _ color: Color) {
            let p = Point(xm(x), ym(y))
            if rect.contains(p) { m.draw(on: canvas, at: p, size: size, color: color) }
        }
        for p in ax.plots {
            switch p {
            case .line(let l):
                let n = min(l.x.count, l.y.count)
                let ok = { (k: Int) in ax.xScale.accepts(l.x[k]) && ax.yScale.accepts(l.y[k]) }
                if let m = l.marker { for k in 0..<n where ok(k) { mark(m, l.x[k], l.y[k], l.markerSize, l.color) } }
                // where the series stops on a non-finite value: mark its last drawable point
                for k in 0..<max(0, n - 1) where ok(k) && !l.y[k + 1].isFinite { mark(ax.stopMarker, l.x[k], l.y[k], 7, l.color) }
            case .markers(let m):
                for k in 0..<min(m.x.count, m.y.count) where ax.xScale.accepts(m.x[k]) && ax.yScale.accepts(m.y[k]) {
                    mark(m.marker, m.x[k], m.y[k], m.size, m.color)
                }
            default: break
            }
        }
    }

    // MARK: - Lines

    func drawLine(_ l: LineSeries, _ ax: Axes, _ xm: AxisMap, _ ym: AxisMap) {
        let n = min(l.x.count, l.y.count)
        let ok = { (k: Int) in ax.xScale.accepts(l.x[k]) && ax.yScale.accepts(l.y[k]) }
        if let e = l.errors {
            var p = Path()
            for k in 0..<min(n, e.count) where ok(k) && e[k].isFinite {
                let x = xm(l.x[k]), y0 = ym(l.y[k] - e[k]), y1 = ym(l.y[k] + e[k])
                let (a, b) = (y0.isFinite ? y0 : ym(l.y[k]), y1.isFinite ? y1 : ym(l.y[k]))
                p.move(to: Point(x, a)); p.line(to: Point(x, b))
                p.move(to: Point(x - 3, a)); p.line(to: Point(x + 3, a))
                p.move(to: Point(x - 3, b)); p.line(to: Point(x + 3, b))
            }
            canvas.stroke(p, style: StrokeStyle(color: l.color, width: 1))
        }
        // one path, broken wherever a value cannot be drawn
        if l.width > 0 {
            var p = Path(), pen = false
            for k in 0..<n {
                guard ok(k) else { pen = false; continue }
                let pt = Point(xm(l.x[k]), ym(l.y[k]))
                if pen { p.line(to: pt) } else { p.move(to: pt); pen = true }
            }
            canvas.stroke(p, style: StrokeStyle(color: l.color, width: l.width, dash: l.dashed ? [5, 2.5] : [], round: true))
        }
    }

    func drawBand(_ x: [Double], _ lower: [Double], _ upper: [Double], _ color: Color, _ ax: Axes, _ xm: AxisMap, _ ym: AxisMap) {
        let n = min(x.count, lower.count, upper.count)
        var path = Path(), run: [Int] = []
        func flush() {
            if run.count >= 2 {
                path.addPolygon(run.map { Point(xm(x[$0]), ym(upper[$0])) } + run.reversed().map { Point(xm(x[$0]), ym(lower[$0])) })
            }
            run.removeAll(keepingCapacity: true)
        }
        for k in 0..<n {
            if ax.xScale.accepts(x[k]) && ax.yScale.accepts(lower[k]) && ax.yScale.accepts(upper[k]) { run.append(k) } else { flush() }
        }
        flush()
        if !path.isEmpty { canvas.fill(path, color: color) }
    }

    // MARK: - Bars and histograms

    /// Grouped bars: category j spans j ± 0.4, split evenly between the series.
    func barRects(_ i: Int, _ xm: AxisMap, _ ym: AxisMap) -> [(rect: Rect, color: Color)] {
        let ax = figure.panels[i]
        var out: [(rect: Rect, color: Color)] = []
        let base = ax.yScale.isLogarithmic ? ym.start : ym(0)
        for p in ax.plots {
            guard case .bars(let g) = p, !g.series.isEmpty else { continue }
            let w = 0.8 / Double(g.series.count)
            for (s, series) in g.series.enumerated() {
                for (j, v) in series.values.prefix(g.categories.count).enumerated() where ax.yScale.accepts(v) {
                    let x0 = xm(Double(j) - 0.4 + Double(s) * w), x1 = xm(Double(j) - 0.4 + Double(s + 1) * w)
                    let y = ym(v)
                    out.append((Rect(x: x0, y: min(y, base), width: x1 - x0, height: abs(base - y)), series.color))
                }
            }
        }
        return out
    }

    func histogramRects(_ i: Int, _ xm: AxisMap, _ ym: AxisMap) -> [(rect: Rect, color: Color)] {
        let ax = figure.panels[i], d = data[i]
        let colors = ax.plots.compactMap { if case .histogram(let h) = $0 { h.color } else { nil } }
        let base = ax.yScale.isLogarithmic ? ym.start : ym(0)
        var out: [(rect: Rect, color: Color)] = []
        for (s, counts) in d.histogramCounts.enumerated() {
            for (b, c) in counts.enumerated() where c > 0 && ax.yScale.accepts(c) {
                let x0 = xm(d.histogramEdges[b]), x1 = xm(d.histogramEdges[b + 1]), y = ym(c)
                out.append((Rect(x: x0, y: min(y, base), width: x1 - x0, height: abs(base - y)), colors[s]))
            }
        }
        return out
    }

    func histogramOpacity(_ i: Int, _ color: Color) -> Double {
        for p in figure.panels[i].plots { if case .histogram(let h) = p, h.color == color { return h.opacity } }
        return 0.45
    }

    /// A solid step outline over each translucent histogram, so overlaps stay readable.
    func drawHistogramOutlines(_ i: Int, _ xm: AxisMap, _ ym: AxisMap) {
        let ax = figure.panels[i], d = data[i]
        let colors = ax.plots.compactMap { if case .histogram(let h) = $0 { h.color } else { nil } }
        let base = ax.yScale.isLogarithmic ? ym.start : ym(0)
        for (s, counts) in d.histogramCounts.enumerated() {
            var p = Path()
            p.move(to: Point(xm(d.histogramEdges[0]), base))
            for (b, c) in counts.enumerated() {
                let y = c > 0 && ax.yScale.accepts(c) ? ym(c) : base
                p.line(to: Point(xm(d.histogramEdges[b]), y)); p.line(to: Point(xm(d.histogramEdges[b + 1]), y))
            }
            p.line(to: Point(xm(d.histogramEdges.last!), base))
            canvas.stroke(p, style: StrokeStyle(color: colors[s], width: 1))
        }
    }

    // MARK: - Heatmaps

    func drawHeatmap(_ i: Int, _ h: Heatmap, _ xm: AxisMap, _ ym: AxisMap) {
        guard h.rows > 0, h.columns > 0, h.values.count >= h.rows * h.columns else { return }
        let range = data[i].colorRange ?? PanelData.colorRange(h)
        let lut = h.colormap.lookupTable()
        let (lo, span) = (range.lowerBound, range.upperBound - range.lowerBound)
        let missing = Color(hex: 0xdddddd).argb
        // pixels: [rows, columns], one per cell
        var px = [UInt32](repeating: missing, count: h.rows * h.columns)
        h.values.withUnsafeBufferPointer { v in
            px.withUnsafeMutableBufferPointer { out in
                for k in 0..<out.count where v[k].isFinite {
                    out[k] = lut[max(0, min(255, Int(((v[k] - lo) / span * 255).rounded())))]
                }
            }
        }
        let x0 = snapEdge(xm(-0.5)), x1 = snapEdge(xm(Double(h.columns) - 0.5))
        let y0 = snapEdge(ym(-0.5)), y1 = snapEdge(ym(Double(h.rows) - 0.5))
        let rect = Rect(x: min(x0, x1), y: min(y0, y1), width: abs(x1 - x0), height: abs(y1 - y0))
        canvas.drawImage(RasterImage(width: h.columns, height: h.rows, argb: px), in: rect)

        guard let decimals = h.annotationDecimals else { return }
        let cellW = rect.width / Double(h.columns), cellH = rect.height / Double(h.rows)
        let texts = h.values.prefix(h.rows * h.columns).map { TickFormatter.value($0, decimals: decimals) }
        let longest = Double(texts.map(\.count).max() ?? 1)
        let size = min(font.size, cellH * 0.45, cellW * 0.85 / (longest * 0.62))
        guard size >= 5 else { return }
        for r in 0..<h.rows {
            for c in 0..<h.columns {
                let v = h.values[r * h.columns + c]
                let fill = v.isFinite ? h.colormap.color(at: (v - lo) / span) : Color(hex: 0xdddddd)
                canvas.drawText(texts[r * h.columns + c], at: Point(rect.minX + (Double(c) + 0.5) * cellW, rect.minY + (Double(r) + 0.5) * cellH),
                                font: Font(size: size), color: fill.luminance < 0.5 ? .white : .ink,
                                anchor: TextAnchor(.center, .middle), rotation: 0)
            }
        }
    }
}
