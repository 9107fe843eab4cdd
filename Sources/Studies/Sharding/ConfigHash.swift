import Foundation
import Training

extension PipelineConfig {
    /// SHA-256 of the config's canonical JSON (sorted keys, no whitespace): equal hashes, equal
    /// work. Shard files and the resume store carry it, so units of different configs never mix.
    public func hash() throws -> String {
        SHA256.hex(try JSONCoding.encoder(pretty: false).encode(self))
    }
}
