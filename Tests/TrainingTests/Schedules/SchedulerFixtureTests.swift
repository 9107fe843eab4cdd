import Foundation
import Testing
import Training

/// Every scheduler against the sequences PyTorch 2.13 produced (`make_scheduler_fixtures.py`):
/// learning rate and momentum of every group after construction and after each step.
@Suite struct SchedulerFixtureTests {
    static let fixtures = try! SchedulerFixtures.load()
    static let tolerance = 1e-6

    /// Relative agreement within 1e-6 (absolute for values near 0, as cosine's and one-cycle's ends).
    static func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= tolerance * max(abs(b), 1e-12) || abs(a - b) <= 1e-15
    }

    @Test func enoughFixtures() {
        #expect(Self.fixtures.cases.count >= 20)
        #expect(Self.fixtures.torch.hasPrefix("2.13"))
        let names = Set(Self.fixtures.cases.map(\.spec.kind))
        #expect(names == ["step", "multistep", "exponential", "cosine", "linear", "sequential", "onecycle", "plateau"])
    }

    @Test(arguments: fixtures.cases.map(\.name))
    func matchesPyTorch(_ name: String) throws {
        let c = try #require(Self.fixtures.cases.first { $0.name == name })
        let groups = ScheduleGroups(lrs: c.lrs, momenta: c.lrs.map { _ in c.momentum })
        let scheduler = try c.spec.build(groups)
        var lrs = [groups.lrs], momenta = [groups.momenta]
        var errorAt: Int?
        for k in 0..<c.steps {
            do {
                try scheduler.step(metric: c.metrics?[k])
            } catch {
                errorAt = k + 1
                if case let .steppedPastEnd(step, _) = error { #expect(step == k + 1) } else { Issue.record("\(name): \(error)") }
                break
            }
            lrs.append(groups.lrs)
            momenta.append(groups.momenta)
        }
        #expect(errorAt == c.error_at)
        #expect(lrs.count == c.lr.count)
        for (k, (ours, theirs)) in zip(lrs, c.lr).enumerated() {
            #expect(ours.count == theirs.count)
            for (a, b) in zip(ours, theirs) {
                #expect(Self.close(a, b), "\(name): lr after step \(k): \(a) vs PyTorch \(b)")
            }
        }
        for (k, (ours, theirs)) in zip(momenta, c.momenta).enumerated() {
            for (a, b) in zip(ours, theirs) {
                #expect(Self.close(a, b), "\(name): momentum after step \(k): \(a) vs PyTorch \(b)")
            }
        }
        #expect(scheduler.lastLR == groups.lrs)
    }
}
