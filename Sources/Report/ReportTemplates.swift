import Foundation
import Mustache

/// Loads a templates directory: every `*.mustache` file, registered under its name without the
/// extension (`page`, `lr-sweep`, …) so the page can include the others as partials.
enum ReportTemplates {
    static func load(from directory: URL) throws -> MustacheLibrary {
        let files: [String]
        do { files = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw ReportError.missingTemplate(directory: directory.path, name: "page")
        }
        var library = MustacheLibrary()
        var partials: [String: (url: URL, uses: [String])] = [:]
        for file in files.sorted() where file.hasSuffix(".mustache") {
            let url = directory.appendingPathComponent(file)
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw ReportError.invalidTemplate(file: url.path, message: "cannot be read as UTF-8")
            }
            let name = String(file.dropLast(".mustache".count))
            partials[name] = (url, partialNames(in: text))
            do { try library.register(text, named: name) } catch {
                throw ReportError.invalidTemplate(file: url.path, message: "\(error)")
            }
        }
        // A partial that includes itself, directly or through others, would recurse until the stack
        // overflows: refuse it here, naming the loop.
        func visit(_ name: String, _ path: [String]) throws {
            if let start = path.firstIndex(of: name) {
                let loop = (path[start...] + [name]).joined(separator: " → ")
                throw ReportError.invalidTemplate(file: partials[name]?.url.path ?? name, message: "its partials include each other in a loop: \(loop)")
            }
            for used in partials[name]?.uses ?? [] where partials[used] != nil { try visit(used, path + [name]) }
        }
        for name in partials.keys.sorted() { try visit(name, []) }
        guard library.getTemplate(named: "page") != nil else {
            throw ReportError.missingTemplate(directory: directory.path, name: "page")
        }
        return library
    }

    /// The partials a template includes (`{{> name}}`).
    static func partialNames(in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: #"\{\{\s*>\s*([^\s}]+)\s*\}\}"#) else { return [] }
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }
}
