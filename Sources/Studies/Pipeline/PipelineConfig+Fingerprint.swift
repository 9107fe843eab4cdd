import Foundation
import Training

extension PipelineConfig {
    /// A short stable hash of what decides the numbers: the selected studies' settings, the seed,
    /// the profile and the dataset (not its directory, which moves between machines).
    ///
    /// Runs with equal fingerprints measured the same thing, so their numbers may be compared over
    /// time. FNV-1a (64 bits) over the canonical JSON (sorted keys): identity, not security.
    public var fingerprint: String {
        var canonical = restricted(to: studies)
        canonical.dataDirectory = nil
        let json = (try? JSONCoding.encoder(pretty: false).encode(canonical)) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in json { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return String(hash, radix: 16).leftPadded(to: 16)
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
