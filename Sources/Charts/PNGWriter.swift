import CPNG
import Foundation

/// Encodes rasterised figures as PNG through libpng, with tEXt metadata and the pixel density.
enum PNGWriter {
    /// Collects libpng's output in memory, so no I/O error can happen inside libpng (whose error
    /// path is a longjmp that Swift cannot take); the caller writes the file with Foundation.
    final class Sink { var data = Data() }

    /// The PNG file bytes: RGB, pHYs for `dpi`, and `text` as tEXt (iTXt when not Latin-1).
    static func encode(_ image: PixelBuffer, dpi: Double, text: [(String, String)], scratch: RenderScratch) throws -> Data {
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

        png_write_info(png, info)
        // raw: [height, 1 + 3 * width] — filter byte 0 (none), then RGB from the 0x??RRGGBB words
        let rowBytes = 1 + 3 * image.width
        let count = rowBytes * image.height
        RenderScratch.ensure(&scratch.scanlines, count + 1)
        scratch.scanlines.withUnsafeMutableBytes { out in
            for y in 0..<image.height {
                let src = image.pixels + y * image.wordsPerRow
                let row = out.baseAddress! + y * rowBytes
                row.storeBytes(of: 0, as: UInt8.self)
                // one 4-byte store per pixel (R, G, B in order; the 4th byte is overwritten by the
                // next pixel, or is the next row's filter byte, written after)
                for x in 0..<image.width {
                    let p = src[x]
                    let rgb = (p >> 16 & 0xff) | (p & 0xff00) | (p & 0xff) << 16
                    (row + 1 + 3 * x).storeBytes(of: rgb.littleEndian, as: UInt32.self)
                }
            }
        }
        // one IDAT from the chart-specialised deflater, then IEND; libpng frames both with CRCs
        RenderScratch.ensure(&scratch.compressed, ScanlineDeflater.bound(count))
        let used = scratch.scanlines.withUnsafeBufferPointer { raw in
            scratch.compressed.withUnsafeMutableBufferPointer { out in
                ScanlineDeflater.compress(UnsafeBufferPointer(rebasing: raw[..<count]), rowBytes: rowBytes, bytesPerPixel: 3, into: out)
            }
        }
        scratch.compressed.withUnsafeBufferPointer { png_write_chunk(png, Array("IDAT".utf8), $0.baseAddress, used) }
        png_write_chunk(png, Array("IEND".utf8), nil, 0)
        return sink.data
    }
}
