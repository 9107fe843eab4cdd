import Testing
@testable import Engine

@Suite struct SGDTests {
    @Test func threeStepsMatchPyTorch() throws {
        for f in LayerFixtures.shared.sgd {
            let p = Parameter(Tensor(shape: [2, 3], data: f.p0))
            let o = f.options
            let sgd = try SGD(parameters: [p], lr: 0.1, momentum: o.momentum ?? 0, dampening: o.dampening ?? 0,
                              weightDecay: o.weight_decay ?? 0, nesterov: o.nesterov ?? false)
            for (grad, expected) in zip(f.grads, f.after) {
                sgd.zeroGrad()
                #expect(p.grad == Tensor(zeros: [2, 3]))
                p.grad.add(Tensor(shape: [2, 3], data: grad))
                sgd.step()
                expectClose(p.value.data, expected, atol: 1e-6, rtol: 1e-6, "\(o)")
            }
        }
    }

    @Test func learningRateIsSettableBetweenSteps() throws {
        let p = Parameter(Tensor(shape: [1], data: [1]))
        let sgd = try SGD(parameters: [p], lr: 0.5)
        p.grad = Tensor(shape: [1], data: [1])
        sgd.step()
        sgd.lr = 0.25
        sgd.step()
        #expect(p.value.data == [0.25])
    }

    @Test func rejectsWhatTorchRejects() {
        let p = [Parameter(Tensor(zeros: [1]))]
        #expect(throws: OptimizerError.invalidArgument("lr", -0.1)) { try SGD(parameters: p, lr: -0.1) }
        #expect(throws: OptimizerError.self) { try SGD(parameters: p, lr: 0.1, momentum: -1) }
        #expect(throws: OptimizerError.self) { try SGD(parameters: p, lr: 0.1, weightDecay: -1) }
        #expect(throws: OptimizerError.nesterovRequiresMomentum) { try SGD(parameters: p, lr: 0.1, nesterov: true) }
        #expect(throws: OptimizerError.nesterovRequiresMomentum) {
            try SGD(parameters: p, lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true)
        }
        #expect(throws: Never.self) { try SGD(parameters: p, lr: 0, momentum: 0.9, nesterov: true) }
    }
}
