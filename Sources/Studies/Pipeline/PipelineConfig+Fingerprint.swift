import Foundation
import Training

extension PipelineConfig {
    /// A short stable hash of what decides the numbers: the selected studies' settings, the seed,
    /// the profile and the dataset (not its directory, which moves between machines).
    ///
    /// Runs with equal fingerprints measured the same thing, so the history compares their numbers
    /// over time. Unlike `hash()` (the whole config, which shards of one run must share), it leaves
    /// out what does not change the numbers. The first 16 hex digits of the SHA-256 of the canonical JSON.
    public var fingerprint: String {
        var canonical = restricted(to: studies)
        canonical.dataDirectory = nil
        let json = (try? JSONCoding.encoder(pretty: false).encode(canonical)) ?? Data()
        return String(SHA256.hex(json).prefix(16))
    }
}
