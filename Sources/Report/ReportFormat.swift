import Foundation
import Studies
import Training

/// How the report writes numbers: every number on the page (and in `bnlab compare`'s table) goes
/// through here, so templates only ever see finished strings.
public enum ReportFormat {
    /// A learning rate on a log grid: 3 significant digits, no exponent between 1e-4 and 1e4
    /// (`0.003`, `0.3`, `3`). Float grid values print as written (`0.3`, not `0.300000012`).
    public static func learningRate(_ lr: Double) -> String {
        guard lr.isFinite else { return "–" }
        if lr != 0, abs(lr) < 1e-4 || abs(lr) >= 1e4 { return String(format: "%.2g", lr) }
        return trimmed(String(format: "%.3g", lr))
    }

    /// An accuracy fraction as a percentage with one decimal: `88.1%`.
    public static func accuracy(_ a: Double) -> String {
        a.isFinite ? String(format: "%.1f%%", a * 100) : "–"
    }

    /// Mean ± std of accuracies: `88.1 ± 0.4%` (just the mean when `std` is nil).
    public static func accuracy(_ mean: Double, std: Double?) -> String {
        guard let std, mean.isFinite, std.isFinite else { return accuracy(mean) }
        return String(format: "%.1f ± %.1f%%", mean * 100, std * 100)
    }

    /// A ratio: `10×`, `3.16×`, `1,000×`.
    public static func ratio(_ r: Double) -> String {
        guard r.isFinite else { return "–" }
        // %g would write 1000 as "1e+03": whole numbers from 100 up keep their digits.
        if abs(r) >= 1e15 { return String(format: "%.3g", r) + "×" }   // no Int conversion that could trap
        if abs(r) >= 100 { return count(Int(r.rounded())) + "×" }
        return trimmed(String(format: "%.3g", r)) + "×"
    }

    /// A width in decades of learning rate: `1.5 decades`, `1 decade`.
    public static func decades(_ d: Double) -> String {
        guard d.isFinite else { return "–" }
        let s = trimmed(String(format: "%.2f", d))
        return s + (s == "1" ? " decade" : " decades")
    }

    /// A duration: `0.42 s`, `12.3 s`, `2 min 41 s`, `1 h 02 min`.
    public static func duration(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "–" }
        if s < 10 { return String(format: "%.2f s", s) }
        if s < 60 { return String(format: "%.1f s", s) }
        // Beyond any real run (a metrics.json can say 1e300 s): no conversion to Int that could trap.
        if s >= 1e9 { return String(format: "%.3g s", s) }
        let whole = Int(s.rounded())
        if whole < 3600 { return "\(whole / 60) min \(String(format: "%02d", whole % 60)) s" }
        return "\(whole / 3600) h \(String(format: "%02d", whole / 60 % 60)) min"
    }

    /// A count with thousands separators: `10,000`.
    public static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = n < 0 ? "-" : ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }

    /// A plain number with 3 significant digits (`0.0123`, `1.5`), `0` for zero.
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "∞" : "−∞") }
        if v == 0 { return "0" }
        if abs(v) < 1e-3 || abs(v) >= 1e5 { return String(format: "%.2e", v) }
        return trimmed(String(format: "%.3g", v))
    }

    /// A metric's value in its unit; `–` when undefined.
    public static func value(_ v: Double?, unit: Metric.Unit) -> String {
        guard let v else { return "–" }
        switch unit {
        case .accuracy: return accuracy(v)
        case .learningRate: return learningRate(v)
        case .ratio: return ratio(v)
        case .decades: return decades(v)
        case .seconds: return duration(v)
        case .number: return number(v)
        }
    }

    /// A row's change: points for accuracies (`+1.2 pts`), a factor for learning rates and ratios
    /// (`×3.16`), seconds and percent for times (`+3.1 s (+12%)`), a signed difference otherwise.
    public static func change(_ row: Comparison.Row) -> String {
        guard let d = row.change else { return "–" }
        if d == 0 { return "0" }
        let sign = d > 0 ? "+" : "−"
        let percent = row.relativeChange.map { String(format: " (%@%.0f%%)", $0 > 0 ? "+" : "−", abs($0) * 100) } ?? ""
        switch row.unit {
        case .accuracy:
            return sign + String(format: "%.1f pts", abs(d) * 100)
        case .learningRate, .ratio:
            guard let b = row.baseline, let c = row.current, b > 0, c > 0 else { return sign + number(abs(d)) }
            return "×" + trimmed(String(format: "%.3g", c / b))
        case .seconds:
            return sign + duration(abs(d)) + percent
        case .decades, .number:
            return sign + number(abs(d))
        }
    }

    /// A verdict in words: `improved`, `regressed`, `unchanged`, `within tolerance`, `changed`, `new`, `missing`.
    public static func verdict(_ v: Comparison.Verdict) -> String {
        switch v {
        case .improved: "improved"
        case .regressed: "regressed"
        case .unchanged: "unchanged"
        case .withinTolerance: "within tolerance"
        case .changed: "changed"
        case .new: "new"
        case .missing: "missing"
        }
    }

    /// Pretty-printed JSON with every array of plain values on one line (`"depths" : [2, 6]`), for
    /// reading on the page; anything else is left as it is.
    public static func compactJSON(_ json: String) -> String {
        // An array whose elements are numbers, strings without brackets, booleans or null.
        let pattern = #"\[\s*((?:[^\[\]{}"]|"[^"\[\]{}]*")*?)\s*\]"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return json }
        let ns = json as NSString
        var out = ""
        var last = 0
        for m in regex.matches(in: json, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            let items = ns.substring(with: m.range(at: 1)).split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
            out += "[" + items + "]"
            last = m.range.location + m.range.length
        }
        return out + ns.substring(from: last)
    }

    /// An ISO 8601 timestamp as `2026-11-25 14:27 UTC` (the input unchanged if it does not parse).
    public static func date(_ iso: String) -> String {
        guard let d = ISO8601DateFormatter().date(from: iso) else { return iso }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return f.string(from: d)
    }

    /// `%g` output can end in an exponent or plain digits; only strip zeros after a decimal point.
    private static func trimmed(_ s: String) -> String {
        guard s.contains("."), !s.contains("e") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }
}
