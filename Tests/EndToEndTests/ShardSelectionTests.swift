import ArgumentParser
import Testing
@testable import bnlab
import Studies

/// `--shard K/N` and `--shard auto` from each scheduler's environment (issue 16).
struct ShardSelectionTests {
    func resolve(_ value: String?, count: Int? = nil, _ env: [String: String] = [:]) throws -> Shard? {
        try ShardSelection.resolve(value, count: count, environment: env)
    }

    @Test func explicitAndAuto() throws {
        #expect(try resolve(nil) == nil)
        #expect(try resolve("3/8") == Shard(index: 3, count: 8))
        // Slurm: --array=0-7 and --array=1-8 both give shards 1…8.
        #expect(try resolve("auto", ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "8"]) == Shard(index: 1, count: 8))
        #expect(try resolve("auto", ["SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "8"]) == Shard(index: 8, count: 8))
        // Kubernetes Indexed Jobs: 0-based index, count from --shard-count.
        #expect(try resolve("auto", count: 4, ["JOB_COMPLETION_INDEX": "3"]) == Shard(index: 4, count: 4))
        // GitLab's parallel jobs count from 1.
        #expect(try resolve("auto", ["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "5"]) == Shard(index: 2, count: 5))
        #expect(try resolve("auto", ["BNLAB_SHARD": "2/3"]) == Shard(index: 2, count: 3))
    }

    @Test func badValuesSayWhatIsWrong() {
        func message(_ value: String?, count: Int? = nil, _ env: [String: String] = [:]) -> String {
            do { _ = try resolve(value, count: count, env); return "" } catch let e as ValidationError { return e.message } catch { return "\(error)" }
        }
        #expect(message("0/8").contains("not K/N"))
        #expect(message("9/8").contains("not K/N"))
        #expect(message("2/8", count: 8).contains("--shard-count goes with --shard auto"))
        #expect(message(nil, count: 8).contains("--shard-count goes with --shard auto"))
        #expect(message("auto").contains("SLURM_ARRAY_TASK_ID") && message("auto").contains("JOB_COMPLETION_INDEX"))
        #expect(message("auto", ["JOB_COMPLETION_INDEX": "0"]).contains("--shard-count"))
        #expect(message("auto", count: 4, ["JOB_COMPLETION_INDEX": "4"]).contains("outside"))
        #expect(message("auto", ["SLURM_ARRAY_TASK_ID": "x"]).contains("SLURM_ARRAY_TASK_ID='x'"))
        #expect(message("auto", ["SLURM_ARRAY_TASK_ID": "3"]).contains("SLURM_ARRAY_TASK_COUNT"))
        #expect(message("auto", ["BNLAB_SHARD": "5/4"]).contains("BNLAB_SHARD"))
    }

    @Test func unitKeysBecomeSafeFileNames() {
        #expect(UnitStore.safeName("depth 2 BN lr 0.1 seed 0") == "depth 2 BN lr 0.1 seed 0")
        #expect(UnitStore.safeName("multistep:milestones=3/6") == "multistep%3Amilestones%3D3%2F6")
        #expect(UnitStore.safeName("σ 0.5") == "%CF%83 0.5")
        #expect(UnitStore.safeName("..") == "%2E.")
    }
}
