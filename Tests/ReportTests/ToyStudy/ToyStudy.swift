import Datasets
import Engine
import Studies
import Training

/// A study written as a newcomer would write one, through the public API only: per seed, the mean
/// pixel of a random sample of training images (a stand-in for real work).
struct ToyStudy: Study {
    static let id = "toy-study"
    static let title = "Toy study"

    struct Config: StudyConfig {
        var samples = 16
        var seeds = 3

        init(profile: Profile) { if profile == .full { seeds = 10 } }

        func validate() throws(ConfigError) {
            guard samples >= 1 else { throw ConfigError(key: "samples", message: "must be at least 1, got \(samples)") }
            guard (1...100).contains(seeds) else { throw ConfigError(key: "seeds", message: "must be in 1…100, got \(seeds)") }
        }
    }

    struct Unit: StudyUnit {
        var seed: UInt64
        var key: String { "seed \(seed)" }
    }

    struct Result: Codable, Sendable, Equatable {
        var means: [Double]
    }

    var config: Config

    func units(seed: UInt64) -> [Unit] { (0..<UInt64(config.seeds)).map { Unit(seed: seed &+ $0) } }

    func run(_ unit: Unit, in context: StudyContext) throws -> Double {
        var rng = SeededGenerator(seed: unit.seed)
        let size = context.train.imageSize
        var sum = 0.0
        for _ in 0..<config.samples {
            let i = Int(rng.next() % UInt64(context.train.count))
            sum += context.train.pixels[(i * size)..<((i + 1) * size)].reduce(0.0) { $0 + Double($1) } / Double(size)
        }
        return sum / Double(config.samples)
    }

    func assemble(_ results: [Double], of units: [Unit]) throws -> Result { Result(means: results) }

    func metrics(of result: Result) -> [Metric] {
        [Metric(id: "toy-study.mean", label: "Mean pixel over seeds",
                value: result.means.reduce(0, +) / Double(result.means.count), unit: .number, better: .neither)]
    }
}
