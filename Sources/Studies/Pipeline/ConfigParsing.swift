import CYaml
import Datasets
import Foundation
import Training
import Yams

/// Reads a config file into plain values (`[String: Any]` of String, Int, Double, Bool, NSNull,
/// arrays and mappings) with every size bounded before it is allocated: the file's size, the
/// nesting depth, the number of values (a YAML alias bomb expands to billions), and no duplicate
/// keys or non-finite numbers. Every error names the file and, where there is one, the key.
enum ConfigParsing {
    /// A config is a few hundred bytes; 1 MiB leaves room for long explicit lists.
    static let maxFileBytes = 1 << 20
    /// The schema is three levels deep (study → key → list); 32 is far beyond any real config.
    static let maxDepth = 32
    /// Values after expanding YAML aliases (the schema's longest lists are thousands of entries).
    static let maxValues = 100_000

    // MARK: - File

    /// The file's text, after checking that it is a regular file of bounded size.
    static func read(_ file: URL) throws -> String {
        let path = file.path
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw ConfigError(key: "--config", message: "\(path): \(FileProblem.errnoReason(errno))")
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw ConfigError(key: "--config", message: "\(path): \(FileProblem.describe(path: path, expectingDirectory: false))")
        }
        guard st.st_size <= maxFileBytes else {
            throw ConfigError(key: "--config", message: "\(path): \(st.st_size) bytes; a config file may have at most \(maxFileBytes) (1 MiB)")
        }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw ConfigError(key: "--config", message: "\(path): cannot read: \(FileProblem.reason(error, path: path))")
        }
        guard data.count <= maxFileBytes else {
            throw ConfigError(key: "--config", message: "\(path): larger than \(maxFileBytes) bytes (1 MiB), the limit for a config file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(key: "--config", message: "\(path): not UTF-8 text")
        }
        return text
    }

    // MARK: - YAML

    /// Parses YAML: first a pass over libyaml's events (no recursion, nothing expanded) that checks
    /// depth, expanded size and duplicate keys; then Yams composes the nodes, converted here.
    static func yaml(_ text: String, name: String) throws -> Any? {
        try YAMLPrescan.check(text, name: name)
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw ConfigError(key: "--config", message: "\(name) is not valid YAML: \(yamlMessage(error))")
        }
        guard let node else { return nil }
        return try value(of: node, path: "")
    }

    private static func value(of node: Node, path: String) throws -> Any {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .singleQuoted || scalar.style == .doubleQuoted || scalar.style == .literal || scalar.style == .folded {
                return scalar.string
            }
            let v = node.any
            switch v {
            case let d as Double:
                guard d.isFinite else {
                    throw ConfigError(key: keyOrFile(path), message: "must be a finite number, got \(scalar.string)")
                }
                return d
            case is Int, is Bool, is NSNull, is String: return v
            default: return scalar.string   // dates, binary: the text, which the schema then rejects by type
            }
        case .sequence(let sequence):
            return try sequence.enumerated().map { try value(of: $1, path: "\(path)[\($0)]") }
        case .mapping(let mapping):
            var out: [String: Any] = [:]
            for (k, v) in mapping {
                guard case .scalar(let key) = k else {
                    throw ConfigError(key: keyOrFile(path), message: "has a key that is not a plain name")
                }
                let full = path.isEmpty ? key.string : "\(path).\(key.string)"
                guard out[key.string] == nil else { throw ConfigError(key: full, message: "is given twice") }
                out[key.string] = try value(of: v, path: full)
            }
            return out
        }
    }

    private static func keyOrFile(_ path: String) -> String { path.isEmpty ? "--config" : path }

    /// libyaml's problem and position, without Yams' echo of the whole input.
    static func yamlMessage(_ error: any Error) -> String {
        guard let y = error as? YamlError else { return "\(error)" }
        switch y {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return "\(problem)\(context.map { " \($0.text)" } ?? "") at line \(mark.line), column \(mark.column)"
        default:
            return "\(y)".split(separator: "\n").first.map(String.init) ?? "unreadable"
        }
    }

    // MARK: - JSON

    /// Parses JSON (Foundation), then checks depth and duplicate keys, which Foundation does not.
    static func json(_ text: String, name: String) throws -> Any? {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "not well-formed"
            throw ConfigError(key: "--config", message: "\(name) is not valid JSON: \(detail)")
        }
        try JSONPrescan.check(Array(text.utf8), name: name)
        return object is NSNull ? nil : object
    }
}

// MARK: - YAML events

/// One pass over libyaml's event stream: nesting depth, the size after alias expansion, duplicate keys.
private enum YAMLPrescan {
    final class Frame {
        let isMapping: Bool
        let anchor: String?
        var size = 1
        var keys: Set<String> = []
        var expectingKey = true
        var component = ""   // the key (mapping) or index (sequence) of the child being read
        var index = 0
        init(isMapping: Bool, anchor: String?) { self.isMapping = isMapping; self.anchor = anchor }
    }

    static func check(_ text: String, name: String) throws {
        var bytes = Array(text.utf8)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        try bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var stack: [Frame] = []
            var anchorSizes: [String: Int] = [:]
            var total = 0
            func path() -> String {
                var p = ""
                for f in stack where !f.component.isEmpty {
                    p += f.isMapping ? (p.isEmpty ? f.component : "." + f.component) : f.component
                }
                return p.isEmpty ? "--config" : p
            }
            /// A finished child of the innermost collection, of expanded size `size`.
            func finish(size: Int, keyText: String?) throws {
                total = total > ConfigParsing.maxValues ? total : total + size
                if total > ConfigParsing.maxValues || size > ConfigParsing.maxValues {
                    throw ConfigError(key: path(), message: "\(name) holds more than \(ConfigParsing.maxValues) values "
                                      + "(after expanding aliases), the limit for a config file")
                }
                guard let top = stack.last else { return }
                top.size = min(ConfigParsing.maxValues + 1, top.size + size)
                if top.isMapping {
                    if top.expectingKey {
                        let key = keyText ?? "?"
                        top.component = key
                        if keyText != nil, !top.keys.insert(key).inserted {
                            throw ConfigError(key: path(), message: "is given twice")
                        }
                    } else {
                        top.component = ""
                    }
                    top.expectingKey.toggle()
                } else {
                    top.index += 1
                    top.component = "[\(top.index)]"
                }
            }
            func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? { p.map { String(cString: $0) } }

            while true {
                var event = yaml_event_t()
                // A syntax error: Yams reports it with its position.
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
                    let mapping = event.type == YAML_MAPPING_START_EVENT
                    let anchor = string(mapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
                    if stack.count >= ConfigParsing.maxDepth {
                        throw ConfigError(key: path(), message: "\(name) nests deeper than \(ConfigParsing.maxDepth) levels, the limit for a config file")
                    }
                    if let top = stack.last, !top.isMapping, top.component.isEmpty { top.component = "[0]" }
                    stack.append(Frame(isMapping: mapping, anchor: anchor))
                case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                    guard let done = stack.popLast() else { return }
                    if let anchor = done.anchor { anchorSizes[anchor] = done.size }
                    try finish(size: done.size, keyText: nil)
                case YAML_SCALAR_EVENT:
                    if let top = stack.last, !top.isMapping, top.component.isEmpty { top.component = "[0]" }
                    let s = event.data.scalar
                    let text = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
                    if let anchor = string(s.anchor) { anchorSizes[anchor] = 1 }
                    try finish(size: 1, keyText: text)
                case YAML_ALIAS_EVENT:
                    let size = string(event.data.alias.anchor).flatMap { anchorSizes[$0] } ?? 1
                    try finish(size: size, keyText: nil)
                default:
                    continue
                }
            }
        }
    }
}

// MARK: - JSON structure

/// Depth and duplicate keys of a JSON text that Foundation has already accepted as well-formed.
private enum JSONPrescan {
    struct Frame { var isObject: Bool; var keys: Set<String> = []; var component = ""; var index = 0; var expectingKey: Bool }

    static func check(_ b: [UInt8], name: String) throws {
        var stack: [Frame] = []
        var i = 0
        func path() -> String {
            var p = ""
            for f in stack where !f.component.isEmpty { p += f.isObject ? (p.isEmpty ? f.component : "." + f.component) : f.component }
            return p.isEmpty ? "--config" : p
        }
        while i < b.count {
            let c = b[i]
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if stack.count >= ConfigParsing.maxDepth {
                    throw ConfigError(key: path(), message: "\(name) nests deeper than \(ConfigParsing.maxDepth) levels, the limit for a config file")
                }
                if let last = stack.indices.last, !stack[last].isObject { stack[last].component = "[\(stack[last].index)]" }
                stack.append(Frame(isObject: c == UInt8(ascii: "{"), expectingKey: c == UInt8(ascii: "{")))
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
                i += 1
            case UInt8(ascii: ","):
                if let last = stack.indices.last {
                    if stack[last].isObject { stack[last].expectingKey = true } else { stack[last].index += 1 }
                }
                i += 1
            case UInt8(ascii: "\""):
                var j = i + 1
                var escaped = false
                while j < b.count, b[j] != UInt8(ascii: "\"") { if b[j] == UInt8(ascii: "\\") { escaped = true; j += 1 }; j += 1 }
                let literal = Array(b[i...min(j, b.count - 1)])
                if let last = stack.indices.last, stack[last].isObject, stack[last].expectingKey {
                    let key = escaped ? ((try? JSONSerialization.jsonObject(with: Data(literal), options: [.fragmentsAllowed])) as? String ?? "")
                                      : String(decoding: literal.dropFirst().dropLast(), as: UTF8.self)
                    stack[last].component = key
                    stack[last].expectingKey = false
                    if !stack[last].keys.insert(key).inserted { throw ConfigError(key: path(), message: "is given twice") }
                } else if let last = stack.indices.last, !stack[last].isObject {
                    stack[last].component = "[\(stack[last].index)]"
                }
                i = j + 1
            default:
                i += 1
            }
        }
    }
}
