import CPNG
import CZlib
import Foundation

/// Encodes rasterised figures as PNG through libpng, with tEXt metadata and the pixel density.
enum PNGWriter {
    /// Collects libpng's output in memory, so no I/O error can happen inside libpng (whose error
    /// path is a longjmp that Swift cannot take); the caller writes the file with Foundation.
    final class Sink { var data = Data() }

    /// libpng's filter choice and zlib's level and strategy.
    ///
    /// `charts`: no PNG filter, zlib's default strategy at level 3. A chart repeats itself: runs of
    /// background, rows equal to the row above, heatmap cells repeating every pixel; deflate's own
    /// matches (3 bytes back for the pixel to the left, one row back for the pixel above) find all
    /// of it on the raw rows. The SUB/UP filters libpng's heuristic picks turn antialiased edges and
    /// cell borders into noise, and Z_RLE (distance-1 matches only) is only good after them.
    /// Measured on the `gallery --bench` figures (encode ms and bytes; line 800×500, heatmaps
    /// 800×800; matplotlib's PNGs of the same figures: 119 KB and 66 KB):
    ///
    ///     filters        strategy / level     line            heatmap
    ///     none           default / 3          3.8 ms  68 KB   4.0 ms  65 KB   <- charts
    ///     none           default / 2          3.4 ms  72 KB   3.8 ms  69 KB
    ///     none           default / 4          5.2 ms  65 KB   6.2 ms  54 KB
    ///     sub, up        Z_RLE / 1            5.5 ms 104 KB   7.4 ms  93 KB
    ///     all five       Z_RLE / 1            8.6 ms 102 KB  11.7 ms  58 KB
    ///     sub, up        Z_FILTERED / 2       5.8 ms  88 KB   7.4 ms  75 KB
    ///     none, up       default / 3          5.9 ms  84 KB   6.5 ms  63 KB
    ///
    /// (Z_FILTERED only changes zlib's lazy matching, levels 4 and up.)
    struct Options {
        /// zlib level, 0…9.
        var level: Int32
        /// `Z_DEFAULT_STRATEGY`, `Z_FILTERED`, `Z_RLE`, …
        var strategy: Int32
        /// `PNG_FILTER_*` flags libpng chooses from, row by row (minimum sum of absolute differences).
        var filters: Int32

        static let charts = Options(level: 3, strategy: Z_DEFAULT_STRATEGY, filters: PNG_FILTER_NONE)
    }

    /// The PNG file bytes: RGB, pHYs for `dpi`, and `text` as tEXt (iTXt when not Latin-1).
    static func encode(_ image: PixelBuffer, dpi: Double, text: [(String, String)], options: Options = .charts) throws -> Data {
        for (key, _) in text {
            guard (1...79).contains(key.unicodeScalars.count), key.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value <= 255 }) else {
                throw ChartError.png("invalid text keyword \"\(key)\" (1–79 Latin-1 characters)")
            }
        }
        var pngOpt: png_structp? = png_create_write_struct(PNG_LIBPNG_VER_STRING, nil, nil, nil)
        var info = png_create_info_struct(pngOpt)
        defer { png_destroy_write_struct(&pngOpt, &info) }
        guard let png = pngOpt, info != nil else { throw ChartError.png("cannot create writer") }

        let sink = Sink()
        sink.data.reserveCapacity(image.width * image.height / 2)
        png_set_write_fn(png, Unmanaged.passUnretained(sink).toOpaque(), { png, bytes, count in
            let sink = Unmanaged<Sink>.fromOpaque(png_get_io_ptr(png)!).takeUnretainedValue()
            sink.data.append(bytes!, count: count)
        }, nil)

        png_set_IHDR(png, info, png_uint_32(image.width), png_uint_32(image.height), 8, PNG_COLOR_TYPE_RGB,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT)
        let ppm = png_uint_32((dpi / 0.0254).rounded())
        png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER)

        // tEXt for Latin-1 values, iTXt (UTF-8) otherwise; libpng copies the strings
        var cStrings: [UnsafeMutablePointer<CChar>] = []
        defer { cStrings.forEach { free($0) } }
        var entries: [png_text] = []
        for (key, value) in text {
            let latin1 = value.unicodeScalars.allSatisfy { $0.value <= 255 }
            let k = (key.unicodeScalars.map { CChar(bitPattern: UInt8($0.value)) } + [0]).withUnsafeBufferPointer { strdup($0.baseAddress!)! }
            let v: UnsafeMutablePointer<CChar>
            if latin1 {
                let bytes = value.unicodeScalars.map { CChar(bitPattern: UInt8($0.value)) } + [0]
                v = bytes.withUnsafeBufferPointer { strdup($0.baseAddress!)! }
            } else {
                v = strdup(value)!
            }
            cStrings += [k, v]
            var t = png_text()
            t.compression = latin1 ? PNG_TEXT_COMPRESSION_NONE : PNG_ITXT_COMPRESSION_NONE
            t.key = k
            t.text = v
            t.text_length = latin1 ? strlen(v) : 0
            t.itxt_length = latin1 ? 0 : strlen(v)
            entries.append(t)
        }
        if !entries.isEmpty { png_set_text(png, info, &entries, Int32(entries.count)) }

        // Options are set before png_write_info so they apply to the first IDAT.
        png_set_compression_level(png, options.level)
        png_set_compression_strategy(png, options.strategy)
        png_set_filter(png, 0, options.filters)
        png_write_info(png, info)
        // libpng reads Cairo's RGB24 words (0x??RRGGBB, native-endian) as they are: on a
        // little-endian machine a word is the bytes B, G, R, x, so swap to RGB and strip the filler
        #if _endian(little)
        png_set_bgr(png)
        png_set_filler(png, 0, PNG_FILLER_AFTER)
        #else
        png_set_filler(png, 0, PNG_FILLER_BEFORE)
        #endif
        // libpng only reads the rows (it filters into its own buffer)
        var rows: [png_bytep?] = (0..<image.height).map { y in
            UnsafeMutableRawPointer(mutating: image.pixels + y * image.wordsPerRow).assumingMemoryBound(to: UInt8.self)
        }
        rows.withUnsafeMutableBufferPointer { png_write_rows(png, $0.baseAddress, png_uint_32($0.count)) }
        png_write_end(png, nil)
        return sink.data
    }
}
