/// Stochastic gradient descent with momentum, dampening, weight decay and Nesterov momentum,
/// step for step as `torch.optim.SGD`, with torch's parameter groups.
public final class SGD {
    /// The groups updated by `step`, in order; `step` reads their current hyper-parameters.
    public var paramGroups: [ParamGroup]
    /// torch's `state[p]['momentum_buffer']`, by parameter: created by the first step with
    /// momentum and kept when a group's hyper-parameters change. The parameter is held with its
    /// buffer so that its identifier cannot be reused by another object.
    private var momentumBuffers: [ObjectIdentifier: (parameter: Parameter, buffer: Tensor)] = [:]

    /// Creates the optimizer with one parameter group; arguments are validated as torch validates them.
    public convenience init(parameters: [Parameter], lr: Float = 1e-3, momentum: Float = 0, dampening: Float = 0,
                            weightDecay: Float = 0, nesterov: Bool = false) throws(OptimizerError) {
        guard !parameters.isEmpty else { throw .emptyParameterList }
        try self.init(groups: [ParamGroup(parameters: parameters, lr: lr, momentum: momentum, dampening: dampening,
                                          weightDecay: weightDecay, nesterov: nesterov)])
    }

    /// Creates the optimizer with several parameter groups, each validated as torch validates
    /// its defaults; a parameter may belong to one group only (as in torch).
    public init(groups: [ParamGroup]) throws(OptimizerError) {
        guard !groups.isEmpty else { throw .emptyParameterList }
        var seen = Set<ObjectIdentifier>()
        for group in groups {
            try group.validate()
            for p in group.parameters where !seen.insert(ObjectIdentifier(p)).inserted {
                throw .parameterInSeveralGroups
            }
        }
        paramGroups = groups
    }

    /// Every parameter of every group, in order.
    public var parameters: [Parameter] { paramGroups.flatMap(\.parameters) }

    /// The momentum buffer of `parameter`, or nil before its first step with momentum.
    public func momentumBuffer(for parameter: Parameter) -> Tensor? {
        momentumBuffers[ObjectIdentifier(parameter)]?.buffer
    }

    /// Applies one update from the gradients currently in each parameter's `grad`. A frozen
    /// parameter (`requiresGrad` false) is skipped: no weight decay, no momentum, its buffer kept,
    /// as torch skips a parameter whose `.grad` is None.
    public func step() {
        for group in paramGroups {
            for p in group.parameters where p.requiresGrad {
                let key = ObjectIdentifier(p)
                // taken out, so buf's storage stays uniquely referenced while written; without
                // momentum torch leaves the buffer alone, so it stays stored
                var buf = group.momentum != 0 ? momentumBuffers.removeValue(forKey: key)?.buffer : nil
                Self.update(&p.value, grad: p.grad, buffer: &buf, group)
                if group.momentum != 0, let buf { momentumBuffers[key] = (p, buf) }
            }
        }
    }

    /// The value `step()` would give `p` now, changing neither `p` nor the optimizer's state
    /// (for probes that look one step ahead, as Santurkar et al.'s internal covariate shift).
    public func proposedValue(of p: Parameter) -> Tensor {
        guard p.requiresGrad, let group = paramGroups.first(where: { $0.parameters.contains { $0 === p } }) else { return p.value }
        var value = p.value
        var buf = group.momentum != 0 ? momentumBuffer(for: p) : nil
        Self.update(&value, grad: p.grad, buffer: &buf, group)
        return value
    }

    /// One parameter's update under `group`'s hyper-parameters; `buffer` is its momentum buffer
    /// (nil before the first step with momentum, and then created).
    private static func update(_ value: inout Tensor, grad: Tensor, buffer: inout Tensor?, _ group: ParamGroup) {
        let (lr, mu, damp, wd, nesterov) = (group.lr, group.momentum, group.dampening, group.weightDecay, group.nesterov)
        let first = buffer == nil
        var buf = buffer ?? Tensor(zeros: mu != 0 ? value.shape : [0])
        buffer = nil   // buf's storage uniquely referenced while written
        let rule = Rule(lr: lr, momentum: mu, dampening: damp, weightDecay: wd, nesterov: nesterov, first: first)
        let count = value.count
        value.data.withUnsafeMutableBufferPointer { w in
        grad.data.withUnsafeBufferPointer { g in
        buf.data.withUnsafeMutableBufferPointer { b in
            // eight elements at a time; the last few padded into eight lanes, so every element
            // goes through the same operations
            let (w, g, b) = (w.baseAddress!, g.baseAddress!, mu != 0 ? b.baseAddress! : nil)
            var i = 0
            while i + 8 <= count {
                let (wi, bi) = rule.apply(weight: load(w + i), grad: load(g + i), buffer: b.map { load($0 + i) } ?? Lanes())
                store(wi, w + i)
                if let b { store(bi, b + i) }
                i += 8
            }
            let rest = count - i
            guard rest > 0 else { return }
            var (wv, gv, bv) = (Lanes(), Lanes(), Lanes())
            for k in 0..<rest { wv[k] = w[i + k]; gv[k] = g[i + k]; bv[k] = b?[i + k] ?? 0 }
            let (wi, bi) = rule.apply(weight: wv, grad: gv, buffer: bv)
            for k in 0..<rest { w[i + k] = wi[k]; b?[i + k] = bi[k] }
        }
        }
        }
        if mu != 0 { buffer = buf }
    }

    /// torch's update of one parameter, eight elements at a time, under fixed hyper-parameters.
    private struct Rule {
        let lr: Float, momentum: Float, dampening: Float, weightDecay: Float, nesterov: Bool
        /// The first step with momentum: the buffer starts as the gradient.
        let first: Bool

        /// The new weight and momentum buffer (the buffer unchanged without momentum).
        @inline(__always)
        func apply(weight w: Lanes, grad g: Lanes, buffer b: Lanes) -> (weight: Lanes, buffer: Lanes) {
            // d_p = grad + wd·p (as torch: no 0·∞ when wd = 0)
            var d = weightDecay != 0 ? g + weightDecay * w : g
            var buf = b
            if momentum != 0 {
                // buf = d_p on the first step, else momentum·buf + (1 − dampening)·d_p
                buf = first ? d : momentum * b + (1 - dampening) * d
                // d_p = nesterov ? d_p + momentum·buf : buf
                d = nesterov ? d + momentum * buf : buf
            }
            // p −= lr·d_p
            return (w - lr * d, buf)
        }
    }

    /// Sets every parameter's gradient to zero (torch's `zero_grad`, keeping the storage).
    public func zeroGrad() {
        for group in paramGroups {
            for p in group.parameters { p.grad.zero() }
        }
    }
}
