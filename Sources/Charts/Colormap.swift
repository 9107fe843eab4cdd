/// A continuous colour map: evenly spaced colour stops, linearly interpolated.
public struct Colormap: Sendable {
    public let name: String
    /// Whether the map is meant to be centred on zero (limits made symmetric: ±max|v|).
    public let isDiverging: Bool
    let stops: [Color]

    public init(name: String, stops: [Color], isDiverging: Bool = false) {
        precondition(stops.count >= 2, "a colormap needs at least two stops")
        self.name = name; self.stops = stops; self.isDiverging = isDiverging
    }

    /// The colour at `t` in 0...1 (clamped; NaN maps to the first stop).
    public func color(at t: Double) -> Color {
        let u = t.isNaN ? 0 : max(0, min(1, t)) * Double(stops.count - 1)
        let i = min(Int(u), stops.count - 2)
        let f = u - Double(i)
        let a = stops[i], b = stops[i + 1]
        return Color(red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f,
                     blue: a.blue + (b.blue - a.blue) * f)
    }

    /// A 256-entry ARGB lookup table, for filling images without per-pixel interpolation.
    func lookupTable() -> [UInt32] { (0..<256).map { color(at: Double($0) / 255).argb } }

    // MARK: - Maps

    /// matplotlib's `viridis` (perceptually uniform, colour-blind safe), sampled at 33 stops.
    public static let viridis = Colormap(name: "viridis", stops: [
        0x440154, 0x470d60, 0x48186a, 0x482374, 0x472d7b, 0x453781, 0x424086, 0x3e4989, 0x3b528b,
        0x375b8d, 0x33638d, 0x2f6b8e, 0x2c728e, 0x297a8e, 0x26828e, 0x23898e, 0x21918c, 0x1f988b,
        0x1fa088, 0x22a785, 0x28ae80, 0x32b67a, 0x3fbc73, 0x4ec36b, 0x5ec962, 0x70cf57, 0x84d44b,
        0x98d83e, 0xaddc30, 0xc2df23, 0xd8e219, 0xece51b, 0xfde725,
    ].map { Color(hex: $0) })

    /// matplotlib's `RdBu` diverging map (red negative, near-white zero, blue positive).
    public static let rdBu = Colormap(name: "RdBu", stops: [
        0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7,
        0xd1e5f0, 0x92c5de, 0x4393c3, 0x2166ac, 0x053061,
    ].map { Color(hex: $0) }, isDiverging: true)

    /// matplotlib's `gray`: black to white, for images such as a network's input pixels.
    public static let gray = Colormap(name: "gray", stops: [Color(hex: 0x000000), Color(hex: 0xffffff)])
}
