import CCairo
import Foundation

/// The Cairo-backed canvas: the only file that talks to Cairo. Draws in points; PNGs are
/// rasterised on an image surface scaled to the requested dpi, SVG and PDF on vector surfaces.
public final class CairoCanvas: Canvas {
    let cr: OpaquePointer
    private var currentFont: Font?
    /// Device pixels per point (dpi / 72 on image surfaces, 1 on vector surfaces).
    private let pixelsPerPoint: Double
    private var widths: [String: Double] = [:]
    /// On SVG surfaces, text runs go here and become `<text>` elements (see `SVGDocument`).
    private let svgText: SVGText?

    init(context: OpaquePointer, pixelsPerPoint: Double = 1, svgText: SVGText? = nil) {
        cr = context
        self.pixelsPerPoint = pixelsPerPoint
        self.svgText = svgText
        // unhinted metrics: text widths scale exactly with the font size, so layout is dpi-independent
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        cairo_set_font_options(cr, options)
        cairo_font_options_destroy(options)
    }

    // MARK: - Canvas

    public func stroke(_ path: Path, style: StrokeStyle) {
        guard !path.isEmpty else { return }
        // Long polylines (data lines) are simplified to the device pixel grid first, as matplotlib
        // does, so Cairo's stroker sees no more points than the picture needs.
        let long = path.elements.count >= PathSimplifier.minimumElements
        let path = long ? PathSimplifier.simplify(path, threshold: PathSimplifier.defaultThreshold / pixelsPerPoint) : path
        let dense = long && PathSimplifier.meanSegmentLength(path) < 2 * style.width
        setColor(style.color)
        // Data lines (round style) use Cairo's 4×4-sample rasteriser (17 coverage levels), about half
        // the cost of the default one and indistinguishable on lines 2 px and wider; hairlines
        // (frames, ticks, grid) keep the default. When a long line's segments are shorter than two
        // line widths, each join sits under its neighbouring segments, so bevel joins draw the
        // same picture as round ones with fewer edges (~1 ms on the bench's 8 × 500 points);
        // lines whose corners show keep round joins.
        cairo_set_antialias(cr, style.round ? CAIRO_ANTIALIAS_FAST : CAIRO_ANTIALIAS_DEFAULT)
        cairo_set_line_width(cr, style.width)
        cairo_set_line_join(cr, style.round ? (dense ? CAIRO_LINE_JOIN_BEVEL : CAIRO_LINE_JOIN_ROUND) : CAIRO_LINE_JOIN_MITER)
        cairo_set_line_cap(cr, style.round ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT)
        style.dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) }
        append(path)
        cairo_stroke(cr)
    }

    public func fill(_ path: Path, color: Color) {
        guard !path.isEmpty else { return }
        append(path)
        setColor(color)
        cairo_fill(cr)
    }

    public func drawText(_ text: String, at point: Point, font: Font, color: Color, anchor: TextAnchor, rotation: Double) {
        guard !text.isEmpty else { return }
        select(font)
        let w = measureText(text, font: font).width
        var fe = cairo_font_extents_t()
        cairo_font_extents(cr, &fe)
        let dx: Double = switch anchor.horizontal { case .left: 0; case .center: -w / 2; case .right: -w }
        let dy: Double = switch anchor.vertical {
        case .top: font.capHeight
        case .middle: font.capHeight / 2
        case .baseline: 0
        case .bottom: -fe.descent
        }
        if let svgText {
            svgText.runs.append(SVGText.Run(text: text, x: point.x, y: point.y, baselineOffset: dy, anchor: anchor.horizontal,
                                            rotation: rotation, size: font.size, bold: font.bold, color: color))
            return
        }
        cairo_save(cr)
        cairo_translate(cr, point.x, point.y)
        if rotation != 0 { cairo_rotate(cr, -rotation * .pi / 180) }
        cairo_move_to(cr, dx, dy)
        setColor(color)
        cairo_show_text(cr, text)
        cairo_new_path(cr)
        cairo_restore(cr)
    }

    public func measureText(_ text: String, font: Font) -> TextMetrics {
        // layout measures the same tick labels several times
        let key = "\(font.size)|\(font.bold)|" + text
        if let w = widths[key] { return TextMetrics(width: w) }
        select(font)
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, text, &e)
        widths[key] = e.x_advance
        return TextMetrics(width: e.x_advance)
    }

    public func drawImage(_ image: RasterImage, in rect: Rect) {
        guard image.width > 0, image.height > 0, rect.width > 0, rect.height > 0 else { return }
        var pixels = image.argb
        pixels.withUnsafeMutableBytes { raw in
            let surface = cairo_image_surface_create_for_data(raw.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                              CAIRO_FORMAT_ARGB32, Int32(image.width), Int32(image.height),
                                                              Int32(image.width * 4))
            cairo_save(cr)
            cairo_translate(cr, rect.x, rect.y)
            cairo_scale(cr, rect.width / Double(image.width), rect.height / Double(image.height))
            cairo_set_source_surface(cr, surface, 0, 0)
            // nearest neighbour: every cell a crisp block, no interpolation seams
            cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
            cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD)
            cairo_rectangle(cr, 0, 0, Double(image.width), Double(image.height))
            cairo_fill(cr)
            cairo_restore(cr)
            cairo_surface_destroy(surface)
        }
    }

    public func setClip(_ rect: Rect?) {
        cairo_reset_clip(cr)
        if let r = rect {
            cairo_rectangle(cr, r.x, r.y, r.width, r.height)
            cairo_clip(cr)
        }
    }

    // MARK: - Helpers

    private func append(_ path: Path) {
        cairo_new_path(cr)
        for e in path.elements {
            switch e {
            case .move(let p): cairo_move_to(cr, p.x, p.y)
            case .line(let p): cairo_line_to(cr, p.x, p.y)
            case let .curve(c1, c2, p): cairo_curve_to(cr, c1.x, c1.y, c2.x, c2.y, p.x, p.y)
            case .close: cairo_close_path(cr)
            }
        }
    }

    private func setColor(_ c: Color) { cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha) }

    private func select(_ font: Font) {
        guard font != currentFont else { return }
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, font.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, font.size)
        currentFont = font
    }

    // MARK: - Surfaces

    /// Rasterises `figure` at `dpi` and hands the pixels (Cairo's RGB24 words) to `body` while the
    /// surface is alive, so the PNG encoder reads them without a copy.
    static func rasterize<T>(_ figure: Figure, dpi: Double, _ body: (PixelBuffer) throws -> T) throws -> T {
        let scale = dpi / 72
        let w = Int((figure.width * scale).rounded()), h = Int((figure.height * scale).rounded())
        guard w > 0, h > 0, w <= 32767, h <= 32767, dpi.isFinite else {
            throw ChartError.invalidSize(width: figure.width, height: figure.height, dpi: dpi)
        }
        return try RenderScratch.with { scratch in
            // the surface draws into pooled memory; the figure paints its own opaque background
            let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, Int32(w)))
            RenderScratch.ensure(&scratch.surface, stride / 4 * h)
            let pixels = scratch.surface.withUnsafeMutableBufferPointer { $0.baseAddress! }
            let surface = pixels.withMemoryRebound(to: UInt8.self, capacity: stride * h) {
                cairo_image_surface_create_for_data($0, CAIRO_FORMAT_RGB24, Int32(w), Int32(h), Int32(stride))
            }
            defer { cairo_surface_destroy(surface) }
            guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let cr = cairo_create(surface) else {
                throw ChartError.cairo(String(cString: cairo_status_to_string(cairo_surface_status(surface))))
            }
            cairo_scale(cr, scale, scale)
            figure.draw(on: CairoCanvas(context: cr, pixelsPerPoint: scale), pixelsPerPoint: scale)
            let status = cairo_status(cr)
            cairo_destroy(cr)
            guard status == CAIRO_STATUS_SUCCESS else { throw ChartError.cairo(String(cString: cairo_status_to_string(status))) }
            cairo_surface_flush(surface)
            return try body(PixelBuffer(width: w, height: h, wordsPerRow: stride / 4, pixels: UnsafePointer(pixels)))
        }
    }

    /// Draws `figure` onto an SVG or PDF surface (in points) written to `url`, with `metadata`
    /// (the PNG's tEXt pairs: Title, Software, Source, …): the PDF's document information
    /// (Title, Creator = Software, Subject = Source, Keywords = any others), the SVG's `<title>`,
    /// `<desc>` and `<metadata>`. SVG text stays text (`SVGDocument`).
    static func renderVector(_ figure: Figure, to url: URL, format: ImageFormat, metadata: [(String, String)] = []) throws {
        guard figure.width > 0, figure.height > 0, figure.width.isFinite, figure.height.isFinite else {
            throw ChartError.invalidSize(width: figure.width, height: figure.height, dpi: 72)
        }
        let sink = ByteSink()
        let surface: OpaquePointer?
        switch format {
        case .svg:
            surface = cairo_svg_surface_create_for_stream({ closure, bytes, length in
                Unmanaged<ByteSink>.fromOpaque(closure!).takeUnretainedValue().data.append(bytes!, count: Int(length))
                return CAIRO_STATUS_SUCCESS
            }, Unmanaged.passUnretained(sink).toOpaque(), figure.width, figure.height)
        default:
            surface = cairo_pdf_surface_create(url.path, figure.width, figure.height)
        }
        guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let cr = cairo_create(surface) else {
            throw ChartError.io(path: url.path, reason: "cannot create \(format.rawValue) surface")
        }
        if format == .pdf { setPDFMetadata(surface, metadata) }
        let texts = format == .svg ? SVGText() : nil
        figure.draw(on: CairoCanvas(context: cr, svgText: texts), pixelsPerPoint: 1)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw ChartError.io(path: url.path, reason: String(cString: cairo_status_to_string(status)))
        }
        if let texts {
            let svg = try SVGDocument.finish(sink.data, texts: texts.runs, metadata: metadata)
            do { try svg.write(to: url) } catch { throw ChartError.io(path: url.path, reason: error.localizedDescription) }
        }
    }

    /// The PDF document information dictionary (set before the first page is written).
    private static func setPDFMetadata(_ surface: OpaquePointer, _ metadata: [(String, String)]) {
        var keywords: [String] = []
        for (key, value) in metadata {
            switch key {
            case "Title": cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, value)
            case "Software": cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, value)
            case "Source": cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, value)
            default: keywords.append("\(key): \(value)")
            }
        }
        if !keywords.isEmpty { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS, keywords.joined(separator: "; ")) }
    }

    private final class ByteSink { var data = Data() }
}

/// Rasterised pixels, borrowed from the surface: rows of `wordsPerRow` `0x??RRGGBB` words.
struct PixelBuffer {
    let width: Int
    let height: Int
    let wordsPerRow: Int
    let pixels: UnsafePointer<UInt32>
}
