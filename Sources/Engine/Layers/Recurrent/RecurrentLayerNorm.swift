/// `nn.LayerNorm(C)` applied at every step of a recurrent network (Ba et al. 2016,
/// arXiv:1607.06450): each sample's `[C]` activations are standardised with their own mean and
/// biased variance, so training and evaluation compute the same thing and no statistics depend on
/// the time step. Keeps one cache per step for backpropagation through time.
public final class RecurrentLayerNorm: Module, StepNormalization {
    public var isTraining = true
    public let numFeatures: Int
    public let eps: Float
    /// γ, `[C]`, ones (PyTorch's default; Ba et al. initialise the gains to 1).
    public let weight: Parameter
    /// β, `[C]`, zeros.
    public let bias: Parameter

    private struct Step { var xhat: [Float]; var invstd: [Float] }
    private var stack: [Step] = []

    /// The number of forward steps whose caches await `backward`.
    public var pendingSteps: Int { stack.count }

    public init(numFeatures: Int, eps: Float = 1e-5) {
        precondition(numFeatures > 0, "RecurrentLayerNorm: numFeatures must be positive")
        self.numFeatures = numFeatures
        self.eps = eps
        weight = Parameter(Tensor(repeating: 1, shape: [numFeatures]))
        bias = Parameter(Tensor(zeros: [numFeatures]))
    }

    public var localParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }

    public func clearHistory() { stack.removeAll() }

    // x: [N, C]; the step does not matter; returns y: [N, C]
    public func forward(_ x: Tensor, step t: Int) -> Tensor {
        precondition(x.rank == 2 && x.shape[1] == numFeatures, "RecurrentLayerNorm(\(numFeatures)): unexpected input shape \(x.shape)")
        let (n, c) = (x.shape[0], numFeatures)
        let (xhat, stats) = RowStandardization.forward(x.data, rows: n, length: c, eps: eps)
        var y = xhat
        let g = weight.value.data, b = bias.value.data
        for r in 0..<n { for j in 0..<c { y[r * c + j] = g[j] * y[r * c + j] + b[j] } }
        if isTraining && GradientMode.isEnabled { stack.append(Step(xhat: xhat, invstd: stats.invstd)) }
        return Tensor(shape: x.shape, data: y)
    }

    // dy: [N, C]; returns dx: [N, C]
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(!stack.isEmpty, "RecurrentLayerNorm.backward without a cached forward step")
        let step = stack.removeLast()
        let c = numFeatures, n = dy.count / c
        precondition(dy.shape == [n, c] && step.xhat.count == n * c, "RecurrentLayerNorm.backward: dy \(dy.shape)")
        var g = dy.data                      // becomes dL/dx̂ = dy · γ
        let w = weight.value.data
        for r in 0..<n {
            for j in 0..<c {
                let i = r * c + j
                weight.grad.data[j] += g[i] * step.xhat[i]
                bias.grad.data[j] += g[i]
                g[i] *= w[j]
            }
        }
        return Tensor(shape: dy.shape, data: RowStandardization.backward(g, xhat: step.xhat, invstd: step.invstd, rows: n, length: c))
    }
}
