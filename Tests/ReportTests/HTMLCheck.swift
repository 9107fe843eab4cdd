import Foundation

/// A small HTML5 well-formedness check (test helper): every non-void element is closed, in order,
/// and the attributes of every `<img>`.
struct HTMLCheck {
    /// Elements that HTML5 never closes.
    static let void: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]

    /// Problems found, empty when the tags balance.
    var problems: [String] = []
    /// Attributes of each `<img>`, in document order.
    var images: [[String: String]] = []

    init(_ html: String) {
        let tag = try! Regex(#"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*(/?)>"#)
        let attribute = try! Regex(#"([a-zA-Z-]+)="([^"]*)""#)
        var stack: [String] = []
        // Strip the doctype and comments first; '<' never appears in text (it is escaped).
        var text = html.replacingOccurrences(of: "<!DOCTYPE html>", with: "")
        text = text.replacing(try! Regex(#"<!--.*?-->"#).dotMatchesNewlines(), with: "")
        let stray = text.replacing(tag, with: "")
        if stray.contains("<") { problems.append("a '<' that does not start a well-formed tag") }
        for m in text.matches(of: tag) {
            let closing = m.output[1].substring == "/"
            let name = String(m.output[2].substring ?? "").lowercased()
            if name == "img" {
                var attrs: [String: String] = [:]
                for a in String(m.output[3].substring ?? "").matches(of: attribute) {
                    attrs[String(a.output[1].substring ?? "")] = String(a.output[2].substring ?? "")
                }
                images.append(attrs)
            }
            if Self.void.contains(name) { continue }
            if closing {
                guard stack.last == name else {
                    problems.append("</\(name)> closes <\(stack.last ?? "nothing")>")
                    return
                }
                stack.removeLast()
            } else {
                stack.append(name)
            }
        }
        if !stack.isEmpty { problems.append("unclosed: \(stack.joined(separator: " "))") }
    }
}
