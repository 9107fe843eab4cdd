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
        sgd.paramGroups[0].lr = 0.25
        sgd.step()
        #expect(p.value.data == [0.25])
    }

    /// Two parameter groups, one with Nesterov momentum, group 0's lr and group 1's momentum
    /// changed between steps, against torch (sgd_param_groups fixture): each step uses the
    /// groups' current values and the momentum buffers carry over the changes.
    @Test func parameterGroupsWithChangingHyperParametersMatchPyTorch() throws {
        let f = try fixture("sgd_param_groups")
        let p = try (0..<3).map { Parameter(try f.tensor("init.p\($0)")) }
        /// hyper<s>: per group, lr, momentum, dampening, weight_decay, nesterov (0/1)
        func hyper(_ step: Int) throws -> [[Float]] {
            let t = try f.tensor("hyper\(step)")
            return (0..<2).map { Array(t.data[5 * $0..<5 * $0 + 5]) }
        }
        let h = try hyper(1)
        let sgd = try SGD(groups: zip([[p[0]], [p[1], p[2]]], h).map { params, h in
            SGD.ParamGroup(parameters: params, lr: h[0], momentum: h[1], dampening: h[2], weightDecay: h[3], nesterov: h[4] == 1)
        })
        let steps = f.names.filter { $0.hasPrefix("hyper") }.count
        #expect(steps == 4)
        for step in 1...steps {
            for (g, h) in try hyper(step).enumerated() {
                sgd.paramGroups[g].lr = h[0]
                sgd.paramGroups[g].momentum = h[1]
                #expect(sgd.paramGroups[g].dampening == h[2] && sgd.paramGroups[g].weightDecay == h[3])
                #expect(sgd.paramGroups[g].nesterov == (h[4] == 1))
            }
            sgd.zeroGrad()
            for (k, param) in p.enumerated() { param.grad.add(try f.tensor("grad\(step).p\(k)")) }
            sgd.step()
            for (k, param) in p.enumerated() {
                expectClose(param.value, try f.tensor("step\(step).p\(k)"), atol: 0, rtol: 1e-6, "step \(step) p\(k)")
            }
        }
        #expect(sgd.paramGroups.map(\.lr) == [0.2, 0.05])
    }

    /// With momentum set to 0 for a step the buffer is neither used nor dropped (as torch).
    @Test func momentumBufferSurvivesAStepWithoutMomentum() throws {
        let p = Parameter(Tensor(shape: [1], data: [0]))
        let sgd = try SGD(parameters: [p], lr: 1, momentum: 0.5)
        p.grad = Tensor(shape: [1], data: [1])
        sgd.step()                         // buf = 1, p = -1
        sgd.paramGroups[0].momentum = 0
        sgd.step()                         // plain SGD, p = -2
        #expect(sgd.momentumBuffer(for: p)?.data == [1])
        sgd.paramGroups[0].momentum = 0.5
        sgd.step()                         // buf = 0.5·1 + 1 = 1.5, p = -3.5
        #expect(p.value.data == [-3.5])
        #expect(sgd.momentumBuffer(for: p)?.data == [1.5])
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
        #expect(throws: OptimizerError.emptyParameterList) { try SGD(parameters: [], lr: 0.1) }
        #expect(throws: OptimizerError.emptyParameterList) { try SGD(groups: []) }
        #expect(throws: OptimizerError.parameterInSeveralGroups) {
            try SGD(groups: [SGD.ParamGroup(parameters: p, lr: 0.1), SGD.ParamGroup(parameters: p, lr: 0.2)])
        }
        #expect(throws: OptimizerError.invalidArgument("lr", -1)) {
            try SGD(groups: [SGD.ParamGroup(parameters: p, lr: 0.1), SGD.ParamGroup(parameters: [Parameter(Tensor(zeros: [1]))], lr: -1)])
        }
    }
}
