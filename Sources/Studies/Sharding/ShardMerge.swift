import Foundation
import Training

/// Puts the shards of one run back together, after checking that they are of one config, one
/// bnlab build and one shard count, and that together they hold every unit exactly once.
public struct ShardMerge {
    /// A shard file and where it was read from (for messages).
    public typealias Input = (path: String, file: ShardFile)

    public var config: PipelineConfig
    public var dataset: RunResults.DatasetInfo
    public var bnlabVersion: String
    public var gitCommit: String?
    public var units: UnitResults
    /// The shards' timings combined: the earliest start, every machine, the most jobs, the sum of
    /// their run times (the compute spent), per study the sum, and every unit's wall time.
    public var timings: RunResults.Timings

    /// Checks `shards` (at least one) and gathers their units; errors are one line naming the files,
    /// and for missing units, their keys and the shard that should have produced them.
    public init(_ shards: [Input], bnlabVersion expectedVersion: String) throws {
        guard let (firstPath, first) = shards.first else { throw UnitsError("no shard files given") }
        for (path, file) in shards.dropFirst() {
            guard file.bnlabVersion == first.bnlabVersion, file.gitCommit == first.gitCommit else {
                throw UnitsError("\(path) was written by bnlab \(file.build), \(firstPath) by bnlab \(first.build); the shards of a run must come from one build")
            }
            guard file.configHash == first.configHash else {
                throw UnitsError("\(path) is of another config (hash \(file.configHash.prefix(12))) than \(firstPath) (hash \(first.configHash.prefix(12))); the shards of a run share one config")
            }
            guard file.shard.count == first.shard.count else {
                throw UnitsError("\(path) is shard \(file.shard) and \(firstPath) shard \(first.shard); the shards of a run share one shard count")
            }
            guard file.dataset == first.dataset else {
                throw UnitsError("\(path) ran on \(file.dataset.name) of \(file.dataset.trainImages) training images, \(firstPath) on \(first.dataset.name) of \(first.dataset.trainImages)")
            }
        }
        guard first.bnlabVersion == expectedVersion else {
            throw UnitsError("\(firstPath) was written by bnlab \(first.bnlabVersion); this is bnlab \(expectedVersion): merge with the bnlab that ran the shards")
        }
        var byIndex: [Int: String] = [:]
        for (path, file) in shards {
            if let other = byIndex[file.shard.index] {
                throw UnitsError("\(other) and \(path) are both shard \(file.shard); give each shard once")
            }
            byIndex[file.shard.index] = path
        }

        let plan = try Pipeline(config: first.config).plan()
        let assigned = ShardPlan.assign(plan, count: first.shard.count)
        let shardOf = Dictionary(uniqueKeysWithValues: zip(plan.map(\.id), assigned))
        var units = UnitResults()
        var source: [UnitID: String] = [:]
        for (path, file) in shards {
            for record in file.units {
                guard let k = shardOf[record.id] else {
                    throw UnitsError("\(path) holds unit '\(record.id)', which its config does not have")
                }
                if let other = source[record.id] {
                    throw UnitsError("unit '\(record.id)' is in both \(other) and \(path); each unit must be merged once")
                }
                guard k == file.shard.index - 1 else {
                    throw UnitsError("\(path) (shard \(file.shard)) holds unit '\(record.id)', which belongs to shard \(k + 1)/\(file.shard.count)")
                }
                source[record.id] = path
                units.insert(record)
            }
        }
        let missing = plan.indices.filter { units[plan[$0].id] == nil }
        if !missing.isEmpty {
            let byShard = Dictionary(grouping: missing) { assigned[$0] }
            let parts = byShard.keys.sorted().map { k -> String in
                let file = byIndex[k + 1].map { "\($0) lacks them" } ?? "no file given"
                return "shard \(k + 1)/\(first.shard.count) (\(file)) should have produced \(UnitsError.list(byShard[k]!.map { plan[$0].id }))"
            }
            throw UnitsError("\(missing.count) unit\(missing.count == 1 ? "" : "s") missing: " + parts.joined(separator: "; "))
        }

        config = first.config
        dataset = first.dataset
        bnlabVersion = first.bnlabVersion
        gitCommit = first.gitCommit
        units.studySeconds = shards.reduce(into: [:]) { sum, s in
            for (id, t) in s.file.timings.studies { sum[id, default: 0] += t }
        }
        self.units = units
        var machines: [String] = []
        for s in shards where !machines.contains(s.file.timings.machine) { machines.append(s.file.timings.machine) }
        timings = RunResults.Timings(
            startedAt: shards.map(\.file.timings.startedAt).min() ?? first.timings.startedAt,
            machine: machines.joined(separator: "; "),
            jobs: shards.map(\.file.timings.jobs).max() ?? first.timings.jobs,
            totalSeconds: shards.reduce(0) { $0 + $1.file.timings.totalSeconds },
            studies: units.studySeconds, runs: units.seconds)
    }

    /// The merged run's results: every study assembled from its units.
    public func results() throws -> RunResults {
        try Pipeline(config: config).assemble(units, dataset: dataset, bnlabVersion: bnlabVersion, gitCommit: gitCommit,
                                              timings: timings)
    }
}
