import Foundation

// MARK: - Drawing one panel

extension FigureRenderer {
    func maps(_ i: Int) -> (x: AxisMap, y: AxisMap) {
        let ax = figure.panels[i], d = data[i], r = layouts[i].rect
        return (AxisMap(scale: ax.xScale, lower: d.xLower, upper: d.xUpper, start: r.minX, end: r.maxX),
                AxisMap(scale: ax.yScale, lower: d.yLower, upper: d.yUpper, start: r.maxY, end: r.minY))
    }

    func drawPanel(_ i: Int) {
        let ax = figure.panels[i], d = data[i], l = layouts[i], rect = l.rect
        let (xm, ym) = maps(i)

        if ax.showFrame, d.hasData, ax.grid {
            let style = StrokeStyle(color: Color(hex: 0xb0b0b0, alpha: 0.45), width: 0.8)
            var p = Path()
            for t in l.xTicks.major { let x = snap(xm(t.value)); p.move(to: Point(x, rect.minY)); p.line(to: Point(x, rect.maxY)) }
            for t in l.yTicks.major { let y = snap(ym(t.value)); p.move(to: Point(rect.minX, y)); p.line(to: Point(rect.maxX, y)) }
            canvas.stroke(p, style: style)
        }

        if d.hasData {
            canvas.setClip(rect)
            drawPlots(i, xm, ym)
            canvas.setClip(nil)
            drawMarkers(i, xm, ym)
        } else {
            canvas.drawText("no data", at: Point(rect.midX, rect.midY), font: Font(size: font.size * 1.2), color: .gray,
                            anchor: TextAnchor(.center, .middle), rotation: 0)
        }

        if ax.showFrame {
            let frame = Rect(x: snap(rect.minX), y: snap(rect.minY), width: snap(rect.maxX) - snap(rect.minX), height: snap(rect.maxY) - snap(rect.minY))
            canvas.stroke(Path(rect: frame), style: StrokeStyle(color: d.hasData ? .ink : .lightGray, width: 0.8))
            drawTicks(i, xm, ym)
        }
        drawLabels(i)
        if d.wantsColorbar, let range = d.colorRange, let map = d.colormap {
            drawColorbar(range: range, colormap: map, ticks: l.colorbarTicks, label: d.colorbarLabel,
                         x: rect.maxX + colorbarGap, top: rect.minY, bottom: rect.maxY)
        }
        if d.hasData, !d.legend.isEmpty, !figure.sharedLegend, ax.legend != .hidden { drawPanelLegend(i) }
    }

    // MARK: - Ticks and labels

    func drawTicks(_ i: Int, _ xm: AxisMap, _ ym: AxisMap) {
        let l = layouts[i], rect = l.rect
        var major = Path(), minor = Path()
        for t in l.xTicks.major { let x = snap(xm(t.value)); major.move(to: Point(x, rect.maxY)); major.line(to: Point(x, rect.maxY + tickLength)) }
        for v in l.xTicks.minor { let x = snap(xm(v)); minor.move(to: Point(x, rect.maxY)); minor.line(to: Point(x, rect.maxY + 2)) }
        for t in l.yTicks.major { let y = snap(ym(t.value)); major.move(to: Point(rect.minX, y)); major.line(to: Point(rect.minX - tickLength, y)) }
        for v in l.yTicks.minor { let y = snap(ym(v)); minor.move(to: Point(rect.minX, y)); minor.line(to: Point(rect.minX - 2, y)) }
        canvas.stroke(major, style: StrokeStyle(color: .ink, width: 0.8))
        canvas.stroke(minor, style: StrokeStyle(color: .ink, width: 0.6))

        if l.showXTickLabels {
            for t in l.xTicks.major {
                guard let s = t.label, !s.isEmpty else { continue }
                let p = Point(xm(t.value), rect.maxY + tickLength + tickPad)
                if l.xTicks.rotated {
                    canvas.drawText(s, at: Point(p.x + font.size * 0.3, p.y), font: font, color: .ink, anchor: TextAnchor(.right, .top), rotation: 45)
                } else {
                    canvas.drawText(s, at: p, font: font, color: .ink, anchor: TextAnchor(.center, .top), rotation: 0)
                }
            }
        }
        if l.showYTickLabels {
            for t in l.yTicks.major {
                guard let s = t.label, !s.isEmpty else { continue }
                canvas.drawText(s, at: Point(rect.minX - tickLength - tickPad, ym(t.value)), font: font, color: .ink,
                                anchor: TextAnchor(.right, .middle), rotation: 0)
            }
        }
        if let m = l.yTicks.multiplier, l.showYTickLabels {
            canvas.drawText(m, at: Point(rect.minX, rect.minY - 4), font: font, color: .ink, anchor: TextAnchor(.left, .bottom), rotation: 0)
        }
        if let m = l.xTicks.multiplier, l.showXTickLabels {
            canvas.drawText(m, at: Point(rect.maxX, xTickLabelsBottom(i) + labelPad), font: font, color: .ink,
                            anchor: TextAnchor(.right, .top), rotation: 0)
        }
    }

    /// The y where the x tick labels end (the x label goes below it).
    func xTickLabelsBottom(_ i: Int) -> Double {
        let l = layouts[i], ax = figure.panels[i]
        var y = l.rect.maxY + (ax.showFrame && data[i].hasData ? tickLength : 0)
        let labels = l.xTicks.major.compactMap(\.label)
        if l.showXTickLabels, !labels.isEmpty {
            y += tickPad + (l.xTicks.rotated ? (labels.map { canvas.measureText($0, font: font).width }.max() ?? 0) * 0.71 + font.size * 0.9 : font.size)
        }
        return y
    }

    func drawLabels(_ i: Int) {
        let ax = figure.panels[i], l = layouts[i], rect = l.rect
        if let t = ax.title {
            let y = rect.minY - labelPad - (l.yTicks.multiplier != nil ? font.size * 1.2 : 0)
            canvas.drawText(t, at: Point(rect.midX, y), font: titleFont, color: .ink, anchor: TextAnchor(.center, .bottom), rotation: 0)
        }
        if let s = ax.xLabel, l.showXLabel {
            canvas.drawText(s, at: Point(rect.midX, xTickLabelsBottom(i) + labelPad), font: font, color: .ink,
                            anchor: TextAnchor(.center, .top), rotation: 0)
        }
        if let s = ax.yLabel, l.showYLabel {
            let w = l.showYTickLabels ? (l.yTicks.major.compactMap(\.label).map { canvas.measureText($0, font: font).width }.max() ?? 0) : 0
            let tick = ax.showFrame && data[i].hasData ? tickLength + tickPad : 0
            let x = rect.minX - tick - w - labelPad
            if ax.yLabelUpright {
                canvas.drawText(s, at: Point(x, rect.midY), font: font, color: .ink, anchor: TextAnchor(.right, .middle), rotation: 0)
            } else {
                canvas.drawText(s, at: Point(x, rect.midY), font: font, color: .ink, anchor: TextAnchor(.center, .bottom), rotation: 90)
            }
        }
    }

    // MARK: - Colorbars

    func drawColorbar(range: ClosedRange<Double>, colormap: Colormap, ticks: AxisTicks, label: String?,
                      x: Double, top: Double, bottom: Double) {
        let bar = Rect(x: snapEdge(x), y: snapEdge(top), width: snapEdge(colorbarWidth), height: snapEdge(bottom) - snapEdge(top))
        // one pixel row per level, top = high values
        let lut = colormap.lookupTable()
        canvas.drawImage(RasterImage(width: 1, height: 256, argb: lut.reversed()), in: bar)
        canvas.stroke(Path(rect: Rect(x: snap(bar.minX), y: snap(bar.minY), width: snap(bar.maxX) - snap(bar.minX), height: snap(bar.maxY) - snap(bar.minY))),
                      style: StrokeStyle(color: .ink, width: 0.8))
        let map = AxisMap(scale: .linear, lower: range.lowerBound, upper: range.upperBound, start: bar.maxY, end: bar.minY)
        var p = Path()
        var widest = 0.0
        for t in ticks.major {
            let y = snap(map(t.value))
            p.move(to: Point(bar.maxX, y)); p.line(to: Point(bar.maxX + tickLength, y))
            if let s = t.label {
                canvas.drawText(s, at: Point(bar.maxX + tickLength + tickPad, map(t.value)), font: font, color: .ink,
                                anchor: TextAnchor(.left, .middle), rotation: 0)
                widest = max(widest, canvas.measureText(s, font: font).width)
            }
        }
        canvas.stroke(p, style: StrokeStyle(color: .ink, width: 0.8))
        if let m = ticks.multiplier {
            canvas.drawText(m, at: Point(bar.minX, bar.minY - 4), font: font, color: .ink, anchor: TextAnchor(.left, .bottom), rotation: 0)
        }
        if let label {
            canvas.drawText(label, at: Point(bar.maxX + tickLength + tickPad + widest + labelPad, bar.midY), font: font,
                            color: .ink, anchor: TextAnchor(.center, .top), rotation: 90)
        }
    }

    func drawSharedColorbar(_ range: ClosedRange<Double>, _ map: Colormap) {
        let rects = layouts.map(\.rect)
        guard let top = rects.map(\.minY).min(), let bottom = rects.map(\.maxY).max() else { return }
        var x = (rects.map(\.maxX).max() ?? 0) + colorbarGap
        if showsSharedLegend { x += legendSize(sharedLegendEntries).width + pad * 2 }
        let ticks = AxisTicks.choose(scale: .linear, lower: range.lowerBound, upper: range.upperBound, categories: nil,
                                     length: bottom - top, horizontal: false, font: font,
                                     measure: { canvas.measureText($0, font: font).width })
        drawColorbar(range: range, colormap: map, ticks: ticks, label: figure.sharedColorbarLabel, x: x, top: top, bottom: bottom)
    }

    // MARK: - Legends

    /// The first inside spot (matplotlib's "best" order) whose box covers no data, or nil.
    func placeLegendInside(_ i: Int) -> Rect? {
        let d = data[i], rect = layouts[i].rect
        guard !d.legend.isEmpty, !d.hasHeatmap else { return nil }
        let size = legendSize(d.legend)
        let (points, boxes) = obstacles(i)
        for box in legendCandidates(rect, size) {
            guard box.minX >= rect.minX, box.minY >= rect.minY else { continue }
            let grown = box.insetBy(-2)
            if !points.contains(where: grown.contains) && !boxes.contains(where: grown.intersects) { return box }
        }
        return nil
    }

    func legendCandidates(_ r: Rect, _ s: (width: Double, height: Double)) -> [Rect] {
        let (w, h, e) = (s.width, s.height, legendInset)
        let left = r.minX + e, right = r.maxX - e - w, cx = r.midX - w / 2
        let top = r.minY + e, bottom = r.maxY - e - h, cy = r.midY - h / 2
        // upper right, upper left, lower left, lower right, right, center left, center right,
        // lower center, upper center, center
        return [(right, top), (left, top), (left, bottom), (right, bottom), (right, cy), (left, cy), (right, cy),
                (cx, bottom), (cx, top), (cx, cy)].map { Rect(x: $0.0, y: $0.1, width: w, height: h) }
    }

    func drawPanelLegend(_ i: Int) {
        let ax = figure.panels[i], d = data[i], l = layouts[i], rect = l.rect
        let size = legendSize(d.legend)
        let box: Rect
        switch ax.legend {
        case .upperRight, .upperLeft, .lowerLeft, .lowerRight:
            let c = legendCandidates(rect, size)
            box = c[[LegendPlacement.upperRight, .upperLeft, .lowerLeft, .lowerRight].firstIndex(of: ax.legend)!]
        default:
            if !l.legendOutside, let inside = placeLegendInside(i) { box = inside }
            else {
                var x = rect.maxX + legendInset + (d.wantsColorbar ? colorbarReserve(labels: l.colorbarTicks.major.compactMap(\.label), label: d.colorbarLabel) : 0)
                x = min(x, figure.width - size.width - 1)
                box = Rect(x: x, y: rect.minY, width: size.width, height: size.height)
            }
        }
        drawLegend(d.legend, at: box)
    }

    /// Data in points that a legend must not cover: line vertices (and points along long
    /// segments), markers, band outlines; and bar rectangles.
    func obstacles(_ i: Int) -> (points: [Point], boxes: [Rect]) {
        let ax = figure.panels[i]
        let (xm, ym) = maps(i)
        var pts: [Point] = [], boxes: [Rect] = []
        func addSegment(_ a: Point, _ b: Point) {
            let n = Int(max(abs(b.x - a.x), abs(b.y - a.y)) / 3)
            if n > 0 { for k in 1...n { let t = Double(k) / Double(n + 1); pts.append(Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)) } }
            pts.append(b)
        }
        func addPolyline(_ x: [Double], _ y: [Double]) {
            var last: Point?
            for k in 0..<min(x.count, y.count) {
                guard ax.xScale.accepts(x[k]), ax.yScale.accepts(y[k]) else { last = nil; continue }
                let p = Point(xm(x[k]), ym(y[k]))
                if let a = last { addSegment(a, p) } else { pts.append(p) }
                last = p
            }
        }
        for plot in ax.plots {
            switch plot {
            case .line(let s):
                if s.width > 0 { addPolyline(s.x, s.y) }
                else { for k in 0..<min(s.x.count, s.y.count) where ax.xScale.accepts(s.x[k]) && ax.yScale.accepts(s.y[k]) { pts.append(Point(xm(s.x[k]), ym(s.y[k]))) } }
                for e in [s.spread, s.errors].compactMap({ $0 }) {
                    addPolyline(s.x, zip(s.y, e).map { $0 + $1 }); addPolyline(s.x, zip(s.y, e).map { $0 - $1 })
                }
            case .band(let b): addPolyline(b.x, b.lower); addPolyline(b.x, b.upper)
            case .markers(let m):
                for k in 0..<min(m.x.count, m.y.count) where ax.xScale.accepts(m.x[k]) && ax.yScale.accepts(m.y[k]) { pts.append(Point(xm(m.x[k]), ym(m.y[k]))) }
            case .bars, .histogram, .heatmap: break
            }
        }
        boxes = barRects(i, xm, ym).map(\.rect) + histogramRects(i, xm, ym).map(\.rect)
        return (pts, boxes)
    }
}
