import Foundation

/// Tick label text: plain decimals with just enough digits, a shared ×10ⁿ multiplier for very large
/// or small values (matplotlib's ScalarFormatter power limits −5…6), and 10ⁿ for log decades.
public enum TickFormatter {
    /// Labels for linear ticks, and the multiplier text (e.g. "×10⁻⁵") when one is factored out.
    public static func linear(_ ticks: [Double]) -> (labels: [String], multiplier: String?) {
        guard !ticks.isEmpty else { return ([], nil) }
        let maxAbs = ticks.map(abs).max() ?? 0
        var exponent = 0
        if maxAbs > 0 {
            let oom = Int(floor(log10(maxAbs)))
            if oom <= -5 || oom >= 6 { exponent = oom }
        }
        let scaled = ticks.map { $0 / pow(10, Double(exponent)) }
        let step = scaled.count > 1 ? zip(scaled.dropFirst(), scaled).map { abs($0 - $1) }.min()! : abs(scaled[0])
        // fewest decimals that print every tick exactly (0.25 needs 2, 0.5 needs 1)
        var decimals = 0
        let tol = (step > 0 ? step : 1) * 1e-6
        while decimals < 12 {
            let p = pow(10, Double(decimals))
            if scaled.allSatisfy({ abs(($0 * p).rounded() / p - $0) <= tol }) { break }
            decimals += 1
        }
        let labels = scaled.map { minusSign(fixed($0, decimals)) }
        return (labels, exponent == 0 ? nil : "×10" + superscript(exponent))
    }

    /// The label of a log-axis tick: "10ⁿ" on decades, "m×10ⁿ" between them.
    public static func log(_ v: Double) -> String {
        let e = Int(floor(log10(v) + 1e-9))
        let m = (v / pow(10, Double(e))).rounded()
        return m == 1 ? "10" + superscript(e) : "\(Int(m))×10" + superscript(e)
    }

    /// A value for a cell annotation or legend: `%.{decimals}f` with a typographic minus.
    public static func value(_ v: Double, decimals: Int) -> String {
        v.isFinite ? minusSign(fixed(v, decimals)) : (v.isNaN ? "NaN" : (v > 0 ? "∞" : "−∞"))
    }

    // MARK: - Helpers

    static func fixed(_ v: Double, _ decimals: Int) -> String {
        let s = String(format: "%.\(decimals)f", v)
        // "-0" / "-0.00" read as noise
        return s.hasPrefix("-") && s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(s.dropFirst()) : s
    }
    static func minusSign(_ s: String) -> String { s.replacingOccurrences(of: "-", with: "\u{2212}") }
    static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (n < 0 ? "⁻" : "") + String(String(abs(n)).map { digits[Int(String($0))!] })
    }
}
