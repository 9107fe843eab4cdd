import Charts

/// The colours every figure uses for the two arms, so "with BN" is the same blue everywhere.
enum ArmStyle {
    static let withBN = Color.tab10[0]
    static let withoutBN = Color.tab10[1]
    static let raw = Color.tab10[3]
    static let normalized = Color.tab10[2]

    static func color(batchNorm: Bool) -> Color { batchNorm ? withBN : withoutBN }
    static func label(batchNorm: Bool) -> String { batchNorm ? "with BN" : "without BN" }
    static func marker(batchNorm: Bool) -> Marker { batchNorm ? .circle : .square }
}
