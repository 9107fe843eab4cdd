import Foundation
import Testing
@testable import Studies
import Training

/// The shard plan (issue 16): every unit in exactly one shard, the same split on every call, and
/// balanced by expected cost; the config hash's SHA-256 against FIPS 180-4's vectors.
@Suite struct ShardPlanTests {
    static func loads(_ units: [PlannedUnit], _ shards: [Int], count: Int) -> [Double] {
        var load = [Double](repeating: 0, count: count)
        for (u, k) in zip(units, shards) { load[k] += u.cost }
        return load
    }

    @Test func theFullProfileSplitsEvenlyByCost() throws {
        let plan = try Pipeline(config: PipelineConfig.profile("full")!).plan()
        let total = plan.reduce(0) { $0 + $1.cost }
        let largest = plan.map(\.cost).max() ?? 0
        for count in [1, 2, 3, 8, 16] {
            let shards = ShardPlan.assign(plan, count: count)
            #expect(shards == ShardPlan.assign(plan, count: count), "deterministic")
            #expect(shards.allSatisfy { (0..<count).contains($0) })
            // Every unit once: the shards' units partition the plan.
            let parts = (1...count).map { ShardPlan.units(of: Shard(index: $0, count: count)!, in: plan) }
            #expect(parts.map(\.count).reduce(0, +) == plan.count)
            #expect(Set(parts.joined().map(\.id)).count == plan.count)
            // Greedy LPT: no shard exceeds the mean by more than one unit's cost, and it beats
            // dealing units out by count (round robin in plan order).
            let load = Self.loads(plan, shards, count: count)
            #expect(load.max()! <= total / Double(count) + largest + 1e-9, "\(count) shards: \(load)")
            let dealt = Self.loads(plan, plan.indices.map { $0 % count }, count: count)
            #expect(load.max()! <= dealt.max()! + 1e-9, "\(count) shards: \(load) vs by count \(dealt)")
        }
        #expect(ShardPlan.units(of: Shard(index: 1, count: 1)!, in: plan) == plan)
    }

    @Test func costsDecideAndTiesFollowTheFixedOrder() {
        func unit(_ key: String, _ cost: Double) -> PlannedUnit { PlannedUnit(id: UnitID(study: "s", key: key), cost: cost) }
        let units = [unit("a", 1), unit("b", 5), unit("c", 1), unit("d", 3), unit("e", 1), unit("f", .nan), unit("g", -2)]
        // b (5) → 0; d (3) → 1; a, c (1) → 1 (3, then 4 < 5); e → 0 (5 = 5, fewer units);
        // f and g cost nothing (NaN, negative) → the least loaded, 1 (5 < 6).
        #expect(ShardPlan.assign(units, count: 2) == [1, 0, 1, 1, 0, 1, 1])
        #expect(ShardPlan.assign(units, count: 1) == [0, 0, 0, 0, 0, 0, 0])
    }

    @Test func shardsParse() {
        #expect(Shard("2/8") == Shard(index: 2, count: 8))
        #expect(Shard("1/1")?.fileName == "shard-1-of-1.json")
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3", ""] { #expect(Shard(bad) == nil, "\(bad)") }
    }

    @Test func sha256MatchesTheStandardsVectors() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func theConfigHashFollowsTheConfig() throws {
        var a = PipelineConfig.profile("quick")!
        let b = a
        #expect(try a.hash() == b.hash())
        #expect(try a.hash().count == 64)
        a.seed = 1
        #expect(try a.hash() != b.hash())
    }

    @Test func unitKeysAreUniqueAndUnknownStudiesRefused() throws {
        let config = PipelineConfig.profile("quick")!
        let plan = try Pipeline(config: config).plan()
        #expect(Set(plan.map(\.id)).count == plan.count, "unit keys are unique")
        // A record of an unknown study cannot be read.
        let json = #"{"study":"no-such-study","key":"k","seconds":1,"result":{}}"#
        #expect(throws: DecodingError.self) { try JSONCoding.decoder().decode(UnitRecord.self, from: Data(json.utf8)) }
    }
}
