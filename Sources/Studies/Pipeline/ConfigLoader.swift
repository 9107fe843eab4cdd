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
            let data = try JSONSerialization.data(withJSONObject: merged)
            let decoder = JSONCoding.decoder()
            decoder.userInfo[.studyRegistry] = registry
            config = try decoder.decode(PipelineConfig.self, from: data)
        } catch let error as DecodingError {
            throw ConfigError(key: keyPath(of: error), message: "has the wrong type (\(describe(error)))")
        }
        try config.validate()
        return config
    }

    // MARK: - Parsing

    private static func parse(_ file: URL) throws -> [String: Any] {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw ConfigError(key: "--config", message: "cannot read \(file.path): \(error.localizedDescription)")
        }
        let yaml = ["yaml", "yml"].contains(file.pathExtension.lowercased())
        let object: Any?
        do {
            object = yaml ? try Yams.load(yaml: text)
                          : try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw ConfigError(key: "--config", message: "\(file.lastPathComponent) is not valid \(yaml ? "YAML" : "JSON"): \(error)")
        }
        if object == nil || object is NSNull { return [:] }
        guard let dict = object as? [String: Any] else {
            throw ConfigError(key: "--config", message: "\(file.lastPathComponent) must hold a mapping of keys to values")
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

    private static func keyPath(of error: DecodingError) -> String {
        let path: [any CodingKey]
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
        @unknown default: path = []
        }
        return path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, _): "expected \(type)"
        case .valueNotFound(let type, _): "expected \(type), found null"
        case .keyNotFound(let key, _): "missing \(key.stringValue)"
        case .dataCorrupted(let c): c.debugDescription
        @unknown default: "\(error)"
        }
    }
}
