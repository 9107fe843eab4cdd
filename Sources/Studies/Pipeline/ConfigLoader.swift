import Training
import Foundation
import Yams

/// Builds the effective `PipelineConfig` from a profile, an optional JSON or YAML file, and
/// command-line overrides, rejecting unknown keys and bad values before anything runs.
public enum ConfigLoader {
    /// Keys whose default is nil and therefore absent from an encoded default config.
    static func optionalKeys(_ registry: StudyRegistry) -> Set<String> {
        var keys: Set<String> = ["dataDirectory"]
        for study in registry.studies { keys.formUnion(optionalKeys(of: study)) }
        return keys
    }

    private static func optionalKeys<S: Study>(of study: S.Type) -> [String] {
        S.Config.optionalKeys.map { S.configKey + "." + $0 }
    }

    /// Reads `file` (JSON, or YAML by extension `.yaml`/`.yml`) over the profile it names (or
    /// `profile`), checks every key against the schema of `registry`'s studies, and validates the result.
    public static func load(profile: String?, file: URL?, registry: StudyRegistry = .standard) throws -> PipelineConfig {
        var overrides: [String: Any] = [:]
        if let file {
            overrides = try parse(file)
        }
        let profileName = profile ?? (overrides["profile"] as? String) ?? "quick"
        if let p = profile, let q = overrides["profile"] as? String, p != q {
            throw ConfigError(key: "profile", message: "--profile \(p) contradicts the config file's profile \(q)")
        }
        guard let base = PipelineConfig.profile(profileName, registry: registry) else {
            throw ConfigError(key: "profile", message: "unknown profile '\(profileName)'; valid: \(PipelineConfig.profiles.joined(separator: ", "))")
        }
        let baseTree = try JSONSerialization.jsonObject(with: JSONCoding.encoder(pretty: false).encode(base)) as! [String: Any]
        try checkKeys(overrides, against: baseTree, path: "", optional: optionalKeys(registry))
        let merged = merge(baseTree, overrides)
        let config: PipelineConfig
        do {
            config = try decode(merged, registry: registry)
        } catch {
            throw culprit(overrides, base: baseTree, registry: registry)
                ?? ConfigError(key: keyPath(of: error), message: "has the wrong type (\(describe(error)))")
        }
        try config.validate()
        return config
    }

    // MARK: - Parsing

    private static func parse(_ file: URL) throws -> [String: Any] {
        let text = try ConfigParsing.read(file)
        let yaml = ["yaml", "yml"].contains(file.pathExtension.lowercased())
        let name = file.lastPathComponent
        let object = yaml ? try ConfigParsing.yaml(text, name: name) : try ConfigParsing.json(text, name: name)
        if object == nil || object is NSNull { return [:] }
        guard let dict = object as? [String: Any] else {
            throw ConfigError(key: "--config", message: "\(name) must hold a mapping of keys to values")
        }
        return dict
    }

    // MARK: - Keys

    private static func checkKeys(_ overrides: [String: Any], against base: [String: Any], path: String,
                                  optional optionalKeys: Set<String>) throws {
        for (key, value) in overrides {
            let full = path.isEmpty ? key : "\(path).\(key)"
            if let sub = base[key] as? [String: Any] {
                guard let subOverride = value as? [String: Any] else {
                    throw ConfigError(key: full, message: "must be a mapping with keys \(sub.keys.sorted().joined(separator: ", "))")
                }
                try checkKeys(subOverride, against: sub, path: full, optional: optionalKeys)
            } else if base[key] == nil && !optionalKeys.contains(full) {
                let valid = (Array(base.keys) + optionalKeys.compactMap { k in
                    let prefix = path.isEmpty ? "" : path + "."
                    guard k.hasPrefix(prefix) else { return nil }
                    let rest = String(k.dropFirst(prefix.count))
                    return rest.contains(".") ? nil : rest
                }).sorted()
                throw ConfigError(key: full, message: "unknown key; valid keys\(path.isEmpty ? "" : " in \(path)"): \(valid.joined(separator: ", "))")
            }
        }
    }

    private static func merge(_ base: [String: Any], _ overrides: [String: Any]) -> [String: Any] {
        var out = base
        for (key, value) in overrides {
            if let b = base[key] as? [String: Any], let o = value as? [String: Any] {
                out[key] = merge(b, o)
            } else {
                out[key] = value
            }
        }
        return out
    }

    private static func decode(_ tree: [String: Any], registry: StudyRegistry) throws -> PipelineConfig {
        let data = try JSONSerialization.data(withJSONObject: tree)
        let decoder = JSONCoding.decoder()
        decoder.userInfo[.studyRegistry] = registry
        return try decoder.decode(PipelineConfig.self, from: data)
    }

    /// The override that does not decode on its own, with why: a decoding error's own coding path
    /// is often empty (a negative or fractional number for an unsigned or integer field).
    private static func culprit(_ overrides: [String: Any], base: [String: Any], registry: StudyRegistry) -> ConfigError? {
        func decodes(_ path: [String], _ value: Any) -> Bool {
            (try? decode(merge(base, nested(path, value)), registry: registry)) != nil
        }
        func nested(_ path: [String], _ value: Any) -> [String: Any] {
            path.reversed().reduce(value) { inner, key in [key: inner] } as? [String: Any] ?? [:]
        }
        func explain(_ display: String, _ value: Any, wrap: (Any) -> Any, path: [String]) -> ConfigError {
            if let n = value as? NSNumber,
               decodes(path, wrap(0)) {
                let d = n.doubleValue
                if d != d.rounded(.towardZero), !decodes(path, wrap(0.5)) {
                    return ConfigError(key: display, message: "must be a whole number, got \(n)")
                }
                if d < 0, !decodes(path, wrap(-1)) {
                    return ConfigError(key: display, message: "must not be negative, got \(n)")
                }
                return ConfigError(key: display, message: "is out of range, got \(n)")
            }
            let found: String = switch value {
            case is String: "text"
            case is [Any]: "a list"
            case is [String: Any]: "a mapping"
            case is NSNull: "null"
            default: "\(value)"
            }
            return ConfigError(key: display, message: "has the wrong type (got \(found))")
        }
        func leaves(_ tree: [String: Any], _ prefix: [String]) -> ConfigError? {
            for key in tree.keys.sorted() {
                let path = prefix + [key], value = tree[key]!
                let display = path.joined(separator: ".")
                if let sub = value as? [String: Any] {
                    if let e = leaves(sub, path) { return e }
                    continue
                }
                guard !decodes(path, value) else { continue }
                if let list = value as? [Any] {
                    for (i, element) in list.enumerated() where !decodes(path, [element]) {
                        return explain("\(display)[\(i)]", element, wrap: { [$0] }, path: path)
                    }
                }
                return explain(display, value, wrap: { $0 }, path: path)
            }
            return nil
        }
        return leaves(overrides, [])
    }

    private static func keyPath(of error: any Error) -> String {
        guard let error = error as? DecodingError else { return "--config" }
        let path: [any CodingKey]
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
        @unknown default: path = []
        }
        return path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "unreadable" }
        return switch error {
        case .typeMismatch(let type, _): "expected \(type)"
        case .valueNotFound(let type, _): "expected \(type), found null"
        case .keyNotFound(let key, _): "missing \(key.stringValue)"
        case .dataCorrupted(let c): c.debugDescription
        @unknown default: "\(error)"
        }
    }
}
