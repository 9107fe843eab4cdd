import Foundation
import History
import Testing

/// The step detector on series whose steps are known.
@Suite struct StepFitTests {
    /// Normal noise from a seeded generator (Box–Muller), so each case is repeatable.
    static func noise(_ n: Int, seed: UInt64, sigma: Double = 1) -> [Double] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func uniform() -> Double {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        return (0..<n).map { _ in sigma * (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
    }

    @Test func findsAStepOfFourSigmaWhereItIs() {
        for seed in 0..<20 as Range<UInt64> {
            var x = Self.noise(60, seed: seed)
            for i in 35..<60 { x[i] += 4 }
            let fit = StepFit(x)
            #expect(fit.steps.count == 1, "seed \(seed): steps \(fit.steps)")
            if let s = fit.steps.first { #expect(abs(s - 35) <= 2, "seed \(seed): step at \(s)") }
        }
    }

    @Test func pureNoiseHasNoSteps() {
        var spurious = 0
        for seed in 0..<40 as Range<UInt64> {
            for n in [20, 100, 400] { spurious += StepFit(Self.noise(n, seed: seed + 1000)).steps.count }
        }
        // 120 noisy series: a rare false step is tolerable, a habit is not.
        #expect(spurious <= 3, "\(spurious) false steps in 120 series of pure noise")
    }

    @Test func oneOddNightIsNotAStep() {
        for seed in 0..<20 as Range<UInt64> {
            var x = Self.noise(50, seed: seed + 2000)
            x[25] += 8
            #expect(StepFit(x).steps.isEmpty, "seed \(seed)")
        }
    }

    @Test func deterministicSeriesStepAtEveryChange() {
        let x = [0.81, 0.81, 0.81, 0.83, 0.83, 0.79, 0.79, 0.79]
        let fit = StepFit(x)
        #expect(fit.steps == [3, 5])
        #expect(fit.segments.map(\.level) == [0.81, 0.83, 0.79])
        #expect(fit.noise == 0)
        #expect(fit.fitted == x)
    }

    @Test func floatNoiseIsOneLevel() {
        let x = [0.1, 0.1 + 1e-13, 0.1 - 1e-13, 0.1]
        #expect(StepFit(x).steps.isEmpty)
    }

    @Test func shortSeries() {
        #expect(StepFit([]).segments.isEmpty)
        #expect(StepFit([3]).segments.map { [$0.start, $0.end] } == [[0, 1]] && StepFit([3]).segments[0].level == 3)
        #expect(StepFit([3, 3]).steps.isEmpty)
    }

    @Test func levelsAreTheSegmentsMedians() {
        var x = Self.noise(40, seed: 7, sigma: 0.1)
        for i in 20..<40 { x[i] += 5 }
        let fit = StepFit(x)
        #expect(fit.steps == [20])
        #expect(abs(fit.segments[0].level) < 0.1 && abs(fit.segments[1].level - 5) < 0.1)
    }
}
