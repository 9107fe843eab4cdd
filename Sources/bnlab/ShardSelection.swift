import ArgumentParser
import Foundation
import Studies

/// Which shard this process runs: `--shard K/N`, or `--shard auto` from the scheduler's environment.
enum ShardSelection {
    /// The environment variables `--shard auto` reads, in the order it tries them.
    static let sources = "SLURM_ARRAY_TASK_ID (Slurm job arrays), JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs, with --shard-count), CI_NODE_INDEX/CI_NODE_TOTAL (GitLab parallel jobs) or BNLAB_SHARD=K/N (any CI matrix)"

    /// The shard of `--shard value` (nil when it was not given). `count` is `--shard-count`.
    static func resolve(_ value: String?, count: Int?, environment env: [String: String]) throws -> Shard? {
        guard let value else {
            if count != nil { throw ValidationError("--shard-count goes with --shard auto") }
            return nil
        }
        guard value == "auto" else {
            if count != nil { throw ValidationError("--shard-count goes with --shard auto; --shard \(value) names the count itself") }
            guard let shard = Shard(value) else {
                throw ValidationError("--shard: '\(value)' is not K/N with 1 ≤ K ≤ N (e.g. 2/8), nor auto")
            }
            return shard
        }
        if let count, count < 1 { throw ValidationError("--shard-count must be at least 1, got \(count)") }

        /// An integer environment variable, or an error naming it.
        func int(_ name: String) throws -> Int? {
            guard let text = env[name] else { return nil }
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw InputError("--shard auto: \(name)='\(text)' is not a whole number")
            }
            return n
        }
        func make(_ index: Int, _ total: Int, from what: String) throws -> Shard {
            guard let shard = Shard(index: index, count: total) else {
                throw InputError("--shard auto: \(what) gives shard \(index)/\(total), outside 1…\(max(total, 1))")
            }
            return shard
        }
        if let id = try int("SLURM_ARRAY_TASK_ID") {
            // Arrays may start anywhere (--array=1-8): the index counts from the array's first task.
            let min = try int("SLURM_ARRAY_TASK_MIN") ?? 0
            guard let total = try count ?? int("SLURM_ARRAY_TASK_COUNT") else {
                throw InputError("--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; pass --shard-count N")
            }
            return try make(id - min + 1, total, from: "SLURM_ARRAY_TASK_ID=\(id) (first task \(min), \(total) tasks)")
        }
        if let index = try int("JOB_COMPLETION_INDEX") {
            guard let total = count else {
                throw InputError("--shard auto: JOB_COMPLETION_INDEX is set; pass the Job's completions as --shard-count N")
            }
            return try make(index + 1, total, from: "JOB_COMPLETION_INDEX=\(index)")
        }
        if let index = try int("CI_NODE_INDEX") {
            guard let total = try count ?? int("CI_NODE_TOTAL") else {
                throw InputError("--shard auto: CI_NODE_INDEX is set but CI_NODE_TOTAL is not; pass --shard-count N")
            }
            return try make(index, total, from: "CI_NODE_INDEX=\(index) of CI_NODE_TOTAL=\(total)")
        }
        if let text = env["BNLAB_SHARD"] {
            guard let shard = Shard(text) else { throw InputError("--shard auto: BNLAB_SHARD='\(text)' is not K/N with 1 ≤ K ≤ N") }
            if let count, count != shard.count {
                throw InputError("--shard auto: BNLAB_SHARD=\(text) but --shard-count \(count)")
            }
            return shard
        }
        throw InputError("--shard auto: none of the scheduler's variables is set; it reads \(sources); or give --shard K/N")
    }
}
