import Foundation

/// One workload of `bnlab bench --suite`: a network, batch and thread count the studies train, timed
/// the same way by `bnlab bench` and by `scripts/torch_bench.py` (SGD lr 0.1, momentum 0.9,
/// consecutive standardised Fashion-MNIST batches, untimed warm-up steps).
///
/// Adding a workload is adding one line to `BenchSuite.workloads`; `scripts/compare.sh` reads the
/// table from `bnlab bench --list-suite`, so both sides and the comparison table pick it up.
struct BenchWorkload: Sendable {
    /// Unique, no spaces or "|": `deep-6-bn-t1`.
    let name: String
    /// `bnlab bench` arguments.
    let bnlab: String
    /// `scripts/torch_bench.py` arguments (it takes `bnlab bench`'s spelling of the same options).
    let torch: String

    /// Both sides with the same arguments, the usual case.
    init(_ name: String, _ arguments: String) { self.init(name, bnlab: arguments, torch: arguments) }

    init(_ name: String, bnlab: String, torch: String) {
        self.name = name
        self.bnlab = bnlab
        self.torch = torch
    }
}

/// The workloads of issue 19: where the studies spend their time, each at 1 and 2 threads.
enum BenchSuite {
    static let workloads: [BenchWorkload] = perThreads([
        // the seed ConvNet(WithBN), as the anchor has always measured it
        ("convnet-bn", "--model convnet-bn"),
        ("convnet", "--model convnet"),
        // the depth and lr studies' plain CNN, batch 128
        ("deep-6", "--model deep --depth 6 --norm none"),
        ("deep-6-bn", "--model deep --depth 6 --norm batch"),
        ("deep-12", "--model deep --depth 12 --norm none --steps 100"),
        ("deep-12-bn", "--model deep --depth 12 --norm batch --steps 100"),
        // the normalisation study's alternatives to BN
        ("deep-6-group", "--model deep --depth 6 --norm group"),
        ("deep-6-layer", "--model deep --depth 6 --norm layer"),
        ("deep-6-instance", "--model deep --depth 6 --norm instance"),
        // the batch-size study: per-step overhead dominates
        ("deep-6-bn-b2", "--model deep --depth 6 --norm batch --batch 2 --steps 2000 --warmup 200"),
        ("deep-6-bn-b8", "--model deep --depth 6 --norm batch --batch 8 --steps 1000 --warmup 100"),
        // the activations study's sigmoid MLP (Ioffe & Szegedy's Figure 1 network) at its batch of 60
        ("mlp-sigmoid-b60", "--model mlp-sigmoid --batch 60 --steps 1000 --warmup 100"),
        ("mlp-sigmoid-bn-b60", "--model mlp-sigmoid-bn --batch 60 --steps 1000 --warmup 100"),
        // the recurrent study's RNNs over 28 rows, hidden 128: plain and Cooijmans' per-step BN
        ("rnn", "--model rnn --hidden 128"),
        ("rnn-bn-step", "--model rnn-bn-step --hidden 128"),
        // evaluation-mode forward passes over the test set (the studies' evaluations)
        ("inference", "--inference"),
    ])

    /// Each workload at 1 and at 2 threads, named `<name>-t1`, `<name>-t2`.
    private static func perThreads(_ list: [(String, String)]) -> [BenchWorkload] {
        list.flatMap { name, arguments in
            [1, 2].map { BenchWorkload("\(name)-t\($0)", "\(arguments) --threads \($0)") }
        }
    }

    /// `name|bnlab arguments|torch arguments` lines, for scripts/compare.sh.
    static var listing: String {
        workloads.map { "\($0.name)|\($0.bnlab)|\($0.torch)" }.joined(separator: "\n")
    }
}
