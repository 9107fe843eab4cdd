import Testing
@testable import Charts

/// Tick values against matplotlib's MaxNLocator(steps=[1, 2, 2.5, 5, 10]) and LogLocator.
@Suite struct TickTests {
    /// Expected values printed by matplotlib 3.x for the same ranges (ticks inside the view only).
    @Test(arguments: [
        (0.0, 1.0, 9, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (-3.7, 12.2, 9, [-2.0, 0, 2, 4, 6, 8, 10, 12]),
        (2.185, 2.415, 9, [2.2, 2.25, 2.3, 2.35, 2.4]),
        (1e-7, 3.3e-7, 9, [1e-7, 1.5e-7, 2e-7, 2.5e-7, 3e-7]),
        (0, 1.2e9, 9, [0, 2e8, 4e8, 6e8, 8e8, 1e9, 1.2e9]),
        (-0.05, 0.05, 5, [-0.04, -0.02, 0, 0.02, 0.04]),
        (0.1, 0.9, 4, [0.2, 0.4, 0.6, 0.8]),
        (-1e-3, -2e-4, 9, [-1e-3, -9e-4, -8e-4, -7e-4, -6e-4, -5e-4, -4e-4, -3e-4, -2e-4]),
        (1000.1, 1000.9, 9, [1000.1, 1000.2, 1000.3, 1000.4, 1000.5, 1000.6, 1000.7, 1000.8, 1000.9]),
    ])
    func linearMatchesMatplotlib(lo: Double, hi: Double, bins: Int, expected: [Double]) {
        let ticks = TickLocator.linear(lo, hi, maxBins: bins)
        #expect(ticks.count == expected.count)
        for (t, e) in zip(ticks, expected) { #expect(abs(t - e) <= 1e-9 * max(1, abs(e))) }
    }

    @Test func linearSingleValueAndNonFinite() {
        #expect(TickLocator.linear(3, 3, maxBins: 5) == [3])
        #expect(TickLocator.linear(.nan, 1, maxBins: 5).isEmpty)
        #expect(TickLocator.linear(0, .infinity, maxBins: 5).isEmpty)
    }

    @Test func logDecadesWithMinorTicks() {
        let (major, minor) = TickLocator.log(1e-4, 1, maxTicks: 9)
        #expect(major.count == 5)
        for (m, e) in zip(major, [1e-4, 1e-3, 1e-2, 1e-1, 1]) { #expect(abs(m / e - 1) < 1e-12) }
        #expect(minor.count == 4 * 8)
        #expect(minor.contains { abs($0 / 2e-4 - 1) < 1e-12 })
    }

    @Test func logThinsManyDecadesToEveryOther() {
        let (major, _) = TickLocator.log(1e-8, 1e8, maxTicks: 9)
        // 17 decades at most 9 ticks: every 2nd decade, on even exponents
        #expect(major.count == 9)
        #expect(major.allSatisfy { Int(log10($0).rounded()) % 2 == 0 })
        #expect(TickLocator.log(-1, 10, maxTicks: 5).major.isEmpty)
    }

    @Test func formatterDecimalsAndMultiplier() {
        #expect(TickFormatter.linear([0, 0.25, 0.5]).labels == ["0.00", "0.25", "0.50"])
        #expect(TickFormatter.linear([-2, 0, 2]).labels == ["−2", "0", "2"])
        let tiny = TickFormatter.linear([1e-7, 2e-7, 3e-7])
        #expect(tiny.labels == ["1", "2", "3"])
        #expect(tiny.multiplier == "×10⁻⁷")
        #expect(TickFormatter.linear([0, 5e8, 1e9]).multiplier == "×10⁹")
        #expect(TickFormatter.log(1e-3) == "10⁻³")
        #expect(TickFormatter.log(1) == "10⁰")
        #expect(TickFormatter.log(2e-3) == "2×10⁻³")
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The base-2 log scale (batch sizes).
@Suite struct Log2ScaleTests {
    @Test func ticksArePowersOfTwoLabelledAsIntegers() {
        let ticks = AxisTicks.choose(scale: .log2, lower: 1.7, upper: 150, categories: nil, length: 400, horizontal: true,
                                     font: Font(size: 10), measure: { Double($0.count) * 6 })
        #expect(ticks.major.map(\.value) == [2, 4, 8, 16, 32, 64, 128])
        #expect(ticks.major.compactMap(\.label) == ["2", "4", "8", "16", "32", "64", "128"])
        let map = AxisMap(scale: .log2, lower: 2, upper: 128, start: 0, end: 60)
        #expect(abs(map(8) - 20) < 1e-9 && abs(map(32) - 40) < 1e-9)
        #expect(!Scale.log2.accepts(0) && Scale.log2.isLogarithmic && !Scale.linear.isLogarithmic)
    }

    @Test func crowdedTicksAreThinned() {
        let ticks = AxisTicks.choose(scale: .log2, lower: 1, upper: 4096, categories: nil, length: 60, horizontal: true,
                                     font: Font(size: 10), measure: { Double($0.count) * 6 })
        let labelled = ticks.major.filter { $0.label != nil }
        #expect(labelled.count < 13 && labelled.count >= 2)
        #expect(labelled.first?.value == 1)
    }
}
