import ArgumentParser
import Engine

/// The `bnlab` command: experiments on what Batch Normalization does to usable learning rates.
@main
struct BNLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bnlab",
        abstract: "Measure what Batch Normalization does to the learning rates a network can use.",
        discussion: """
            bnlab trains small convolutional networks on Fashion-MNIST with and without \
            Batch Normalization, measures them, and renders a static HTML report.
            """,
        version: bnlabVersion,
        subcommands: [Run.self, Render.self, Compare.self, Train.self, LRFind.self, Eval.self, Models.self, Bench.self, Gallery.self]
    )

    static func main() {
        Allocator.keepFreedMemory()   // steps reuse their freed activations instead of faulting pages in
        main(nil)
    }
}

/// The tool's version, recorded in reports, checkpoints and PNG metadata.
let bnlabVersion = "0.1.0"
