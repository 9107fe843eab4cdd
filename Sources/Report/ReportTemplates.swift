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
        for file in files.sorted() where file.hasSuffix(".mustache") {
            let url = directory.appendingPathComponent(file)
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw ReportError.invalidTemplate(file: url.path, message: "cannot be read as UTF-8")
            }
            do { try library.register(text, named: String(file.dropLast(".mustache".count))) } catch {
                throw ReportError.invalidTemplate(file: url.path, message: "\(error)")
            }
        }
        guard library.getTemplate(named: "page") != nil else {
            throw ReportError.missingTemplate(directory: directory.path, name: "page")
        }
        return library
    }
}
