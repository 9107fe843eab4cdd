/// Stochastic gradient descent with momentum, dampening, weight decay and Nesterov momentum,
/// step for step as `torch.optim.SGD`.
public final class SGD {
    /// The parameters updated by `step`, in the order given.
    public let parameters: [Parameter]
    /// The learning rate; set it between steps to follow a schedule.
    public var lr: Float
    public let momentum: Float
    public let dampening: Float
    public let weightDecay: Float
    public let nesterov: Bool
    /// torch's `momentum_buffer` per parameter; `nil` until the first step with momentum.
    public private(set) var momentumBuffers: [Tensor?]

    /// Creates the optimizer; arguments are validated as torch validates them.
    public init(parameters: [Parameter], lr: Float = 1e-3, momentum: Float = 0, dampening: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) throws(OptimizerError) {
        guard lr >= 0 else { throw .invalidArgument("lr", lr) }
        guard momentum >= 0 else { throw .invalidArgument("momentum", momentum) }
        guard weightDecay >= 0 else { throw .invalidArgument("weight_decay", weightDecay) }
        guard !nesterov || (momentum > 0 && dampening == 0) else { throw .nesterovRequiresMomentum }
        self.parameters = parameters
        self.lr = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        momentumBuffers = Array(repeating: nil, count: parameters.count)
    }

    /// Applies one update from the gradients currently in each parameter's `grad`.
    public func step() {
        let (lr, mu, damp, wd, nesterov) = (lr, momentum, dampening, weightDecay, nesterov)
        for (index, p) in parameters.enumerated() {
            let first = momentumBuffers[index] == nil
            var buf = momentumBuffers[index] ?? Tensor(zeros: mu != 0 ? p.value.shape : [0])
            momentumBuffers[index] = nil   // keep buf's storage uniquely referenced while writing
            p.value.data.withUnsafeMutableBufferPointer { w in
            p.grad.data.withUnsafeBufferPointer { g in
            buf.data.withUnsafeMutableBufferPointer { b in
                for i in 0..<w.count {
                    // d_p = grad + wd·p
                    var d = wd != 0 ? g[i] + wd * w[i] : g[i]   // as torch: no 0·∞ when wd = 0
                    if mu != 0 {
                        // buf = d_p on the first step, else momentum·buf + (1 − dampening)·d_p
                        b[i] = first ? d : mu * b[i] + (1 - damp) * d
                        // d_p = nesterov ? d_p + momentum·buf : buf
                        d = nesterov ? d + mu * b[i] : b[i]
                    }
                    // p −= lr·d_p
                    w[i] -= lr * d
                }
            }
            }
            }
            if mu != 0 { momentumBuffers[index] = buf }
        }
    }

    /// Sets every parameter's gradient to zero (torch's `zero_grad`, keeping the storage).
    public func zeroGrad() {
        for p in parameters { p.grad.zero() }
    }
}
