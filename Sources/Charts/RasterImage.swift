/// An opaque pixel grid (row-major, top row first) in `0xAARRGGBB` words, e.g. a heatmap's cells.
public struct RasterImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// pixels: [height, width]
    public var argb: [UInt32]

    public init(width: Int, height: Int, argb: [UInt32]) {
        precondition(argb.count == width * height, "pixel count must be width * height")
        self.width = width; self.height = height; self.argb = argb
    }
}
