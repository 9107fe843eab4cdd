import Testing
@testable import Engine

@Suite struct InitializationTests {
    @Test func boundsMatchTorchFormulas() {
        // torch: gain = √(2/(1+5)), std = gain/√fan_in, bound = √3·std = 1/√fan_in
        for fanIn in [1, 9, 144, 784, 1000] {
            let expected = Float(1 / Double(fanIn).squareRoot())
            #expect(abs(Initialization.kaimingUniformBound(fanIn: fanIn) - expected) <= expected * 1e-6)
            #expect(abs(Initialization.biasBound(fanIn: fanIn) - expected) <= expected * 1e-6)
        }
        #expect(Initialization.kaimingNormalStd(fanIn: 50) == Float(0.2))
    }

    @Test func defaultConvSamplesStayInBoundWithUniformVariance() throws {
        var rng = SeededGenerator(seed: 1)
        // fan_in = 32·3·3 = 288 and 64·288 = 18 432 weights
        let conv = try Conv2d(inChannels: 32, outChannels: 64, kernelSize: 3, rng: &rng)
        let bound = Float(1 / 288.0.squareRoot())
        let w = conv.weight.value.data
        #expect(w.allSatisfy { abs($0) <= bound })
        #expect(conv.bias!.value.data.allSatisfy { abs($0) <= bound })
        #expect(w.max()! > 0.99 * bound && w.min()! < -0.99 * bound)
        let (mean, variance) = moments(w)
        #expect(abs(mean) < 0.02 * Double(bound))
        #expect(abs(variance / Double(bound * bound / 3) - 1) < 0.03)
    }

    @Test func defaultLinearUsesFanInOfInputs() throws {
        var rng = SeededGenerator(seed: 2)
        let linear = try Linear(inFeatures: 400, outFeatures: 100, rng: &rng)
        let bound: Float = 0.05
        #expect(linear.weight.value.data.allSatisfy { abs($0) <= bound })
        let (_, variance) = moments(linear.weight.value.data)
        #expect(abs(variance / Double(bound * bound / 3) - 1) < 0.03)
    }

    @Test func kaimingNormalHasReluVarianceAndZeroBias() throws {
        var rng = SeededGenerator(seed: 3)
        let conv = try Conv2d(inChannels: 16, outChannels: 128, kernelSize: 3,
                              initialization: .kaimingNormal, rng: &rng)
        let (mean, variance) = moments(conv.weight.value.data)
        let expected = 2.0 / 144
        #expect(abs(mean) < 0.01)
        #expect(abs(variance / expected - 1) < 0.03)
        #expect(conv.bias!.value == Tensor(zeros: [128]))
    }

    @Test func sameSeedSameWeights() throws {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7)
        let x = try Conv2d(inChannels: 3, outChannels: 4, kernelSize: 3, rng: &a)
        let y = try Conv2d(inChannels: 3, outChannels: 4, kernelSize: 3, rng: &b)
        #expect(x.weight.value == y.weight.value && x.bias!.value == y.bias!.value)
    }

    private func moments(_ v: [Float]) -> (mean: Double, variance: Double) {
        let mean = v.reduce(0.0) { $0 + Double($1) } / Double(v.count)
        let variance = v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(v.count)
        return (mean, variance)
    }
}
