/// An sRGB colour with straight (non-premultiplied) alpha, components in 0...1.
public struct Color: Sendable, Equatable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }

    /// A colour from a 24-bit `0xRRGGBB` literal.
    public init(hex: UInt32, alpha: Double = 1) {
        red = Double((hex >> 16) & 0xff) / 255
        green = Double((hex >> 8) & 0xff) / 255
        blue = Double(hex & 0xff) / 255
        self.alpha = alpha
    }

    /// The same colour with a different opacity.
    public func withAlpha(_ a: Double) -> Color { Color(red: red, green: green, blue: blue, alpha: a) }

    /// Relative luminance (Rec. 709), used to pick black or white text over a fill.
    public var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }

    /// Opaque 32-bit ARGB (`0xAARRGGBB`), the pixel layout of `RasterImage`.
    public var argb: UInt32 {
        func c(_ v: Double) -> UInt32 { UInt32(max(0, min(255, (v * 255).rounded()))) }
        return 0xff00_0000 | c(red) << 16 | c(green) << 8 | c(blue)
    }

    // MARK: - Named colours

    public static let white = Color(hex: 0xffffff)
    public static let black = Color(hex: 0x000000)
    /// Text and spines: matplotlib draws them black; a near-black reads softer at 100 dpi.
    public static let ink = Color(hex: 0x222222)
    public static let gray = Color(hex: 0x808080)
    public static let lightGray = Color(hex: 0xd0d0d0)

    /// matplotlib's default `tab10` colour cycle.
    public static let tab10: [Color] = [
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
        0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
    ].map { Color(hex: $0) }
}
