import CPNG
import Foundation

/// Reads a PNG back with libpng: size, RGBA pixels and text chunks (test helper).
public struct DecodedPNG {
    public var width = 0
    public var height = 0
    /// pixels: [height, width, 4] RGBA
    public var rgba: [UInt8] = []
    public var text: [String: String] = [:]

    public func pixel(_ x: Int, _ y: Int) -> (r: Int, g: Int, b: Int) {
        let o = (y * width + x) * 4
        return (Int(rgba[o]), Int(rgba[o + 1]), Int(rgba[o + 2]))
    }

    final class Source { let data: [UInt8]; var offset = 0; init(_ d: [UInt8]) { data = d } }

    public init(url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count > 8, png_sig_cmp(bytes, 0, 8) == 0 else { throw CocoaError(.fileReadCorruptFile) }
        var png: png_structp? = png_create_read_struct(PNG_LIBPNG_VER_STRING, nil, nil, nil)
        var info = png_create_info_struct(png)
        defer { png_destroy_read_struct(&png, &info, nil) }
        let source = Source(bytes)
        png_set_read_fn(png, Unmanaged.passUnretained(source).toOpaque()) { png, out, count in
            let s = Unmanaged<Source>.fromOpaque(png_get_io_ptr(png)!).takeUnretainedValue()
            let n = min(count, s.data.count - s.offset)
            s.data.withUnsafeBufferPointer { memcpy(out!, $0.baseAddress! + s.offset, n) }
            s.offset += n
        }
        png_read_info(png, info)
        width = Int(png_get_image_width(png, info))
        height = Int(png_get_image_height(png, info))
        var texts: png_textp?
        var count: Int32 = 0
        png_get_text(png, info, &texts, &count)
        for k in 0..<Int(count) {
            let t = texts![k]
            // tEXt is Latin-1 (each byte one scalar); iTXt is UTF-8
            let raw = UnsafeBufferPointer(start: UnsafeRawPointer(t.text!).assumingMemoryBound(to: UInt8.self), count: strlen(t.text!))
            let value = t.compression == PNG_TEXT_COMPRESSION_NONE
                ? String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))
                : String(decoding: raw, as: UTF8.self)
            text[String(cString: t.key!)] = value
        }
        // normalise to 8-bit RGBA
        png_set_expand(png)
        png_set_strip_16(png)
        png_set_gray_to_rgb(png)
        png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER)
        png_read_update_info(png, info)
        rgba = [UInt8](repeating: 0, count: width * height * 4)
        rgba.withUnsafeMutableBufferPointer { buf in
            var rows = (0..<height).map { Optional(buf.baseAddress! + $0 * width * 4) }
            rows.withUnsafeMutableBufferPointer { png_read_image(png, $0.baseAddress) }
        }
        png_read_end(png, nil)
    }
}
