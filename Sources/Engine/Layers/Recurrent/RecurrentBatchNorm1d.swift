/// Batch normalisation of one time step's `[N, C]` activations inside a recurrent network, with
/// running statistics per time step (Cooijmans et al. 2016, arXiv:1603.09025) or one set shared by
/// every step (the deck's `BatchNormRNN`: an `nn.BatchNorm1d` called at each step).
///
/// Training mode normalises with the step's batch mean and biased variance, as `nn.BatchNorm1d`,
/// and updates the running statistics of the step's slot with `momentum` (the unbiased variance).
/// With `timeSteps == 1` every step updates the same slot, 28 times a batch for 28 steps: its
/// statistics mix time steps, exactly as PyTorch's `BatchNorm1d` reused in a loop (fixture-tested).
/// The buffers then have `BatchNorm1d`'s shapes (`running_mean: [C]`, `num_batches_tracked: []`);
/// per step they are `[T, C]` and `[T]`.
///
/// Evaluation mode normalises step t with the running statistics of slot min(t, limit − 1), where
/// limit is `evaluationStepLimit` or `timeSteps`: steps beyond those seen in training reuse the
/// last step's statistics, as Cooijmans et al. do for sequences longer than T_max (§4).
///
/// γ (`weight`) defaults to 0.1, Cooijmans' choice that keeps tanh out of saturation and gradients
/// from vanishing through time (their Fig. 1); β (`bias`) is optional, since the cell's own bias
/// makes it redundant (their eq. 6 sets β = 0).
///
/// Backpropagation through time: every `forward(_:step:)` in training mode with gradients on
/// pushes its cache, and `backward` pops the latest; call it once per step in reverse order.
public final class RecurrentBatchNorm1d: Module, StepNormalization {
    public var isTraining = true
    public let numFeatures: Int
    /// Statistics slots: 1 (shared by every step) or the longest training sequence.
    public let timeSteps: Int
    public let eps: Float
    public var momentum: Float
    /// γ, `[C]`.
    public let weight: Parameter
    /// β, `[C]`; nil without a learned shift.
    public let bias: Parameter?
    /// `[C]` shared, `[T, C]` per step; zeros.
    public let runningMean: Buffer
    /// `[C]` shared, `[T, C]` per step; ones.
    public let runningVar: Buffer
    /// Batches that updated each slot: `[]` shared, `[T]` per step (int64 in checkpoints).
    public let numBatchesTracked: Buffer
    /// In evaluation mode, steps at or beyond this (0-based) use the statistics of step
    /// `limit − 1`; nil: `timeSteps`. For measuring how fast the statistics settle.
    public var evaluationStepLimit: Int?

    /// One step's cache: x̂ and 1/√(var + ε) per channel; `batch` false when running statistics
    /// normalised it (a constant affine map backward).
    private struct Step { var xhat: [Float]; var invstd: [Float]; var batch: Bool }
    private var stack: [Step] = []

    /// The number of forward steps whose caches await `backward`.
    public var pendingSteps: Int { stack.count }

    public init(numFeatures: Int, timeSteps: Int, gamma: Float = 0.1, bias: Bool = false,
                eps: Float = 1e-5, momentum: Float = 0.1) {
        precondition(numFeatures > 0 && timeSteps > 0, "RecurrentBatchNorm1d: sizes must be positive")
        self.numFeatures = numFeatures
        self.timeSteps = timeSteps
        self.eps = eps
        self.momentum = momentum
        weight = Parameter(Tensor(repeating: gamma, shape: [numFeatures]))
        self.bias = bias ? Parameter(Tensor(zeros: [numFeatures])) : nil
        let shape = timeSteps == 1 ? [numFeatures] : [timeSteps, numFeatures]
        runningMean = Buffer(Tensor(zeros: shape))
        runningVar = Buffer(Tensor(repeating: 1, shape: shape))
        numBatchesTracked = Buffer(timeSteps == 1 ? Tensor(scalar: 0) : Tensor(zeros: [timeSteps]), isInteger: true)
    }

    public var localParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public var localBuffers: [(String, Buffer)] {
        [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", numBatchesTracked)]
    }

    public func clearHistory() { stack.removeAll() }

    /// The statistics slot of 0-based step `t` in the current mode.
    public func slot(forStep t: Int) -> Int {
        let limit = isTraining ? timeSteps : min(timeSteps, max(1, evaluationStepLimit ?? timeSteps))
        return min(max(t, 0), limit - 1)
    }

    // MARK: - Forward

    // x: [N, C] at 0-based step t; returns y: [N, C]
    public func forward(_ x: Tensor, step t: Int) -> Tensor {
        precondition(x.rank == 2 && x.shape[1] == numFeatures && x.shape[0] > 0,
                     "RecurrentBatchNorm1d(\(numFeatures)): unexpected input shape \(x.shape)")
        let (n, c) = (x.shape[0], numFeatures)
        let s = slot(forStep: t)
        let useBatch = isTraining && n > 1
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        if useBatch {
            // per channel (a column): mean and centred sum of squares in Double, as BatchNorm1d's
            let stats = x.data.withUnsafeBufferPointer { BatchNorm.rowStatistics($0.baseAddress!, n: n, c: c) }
            (mean, variance) = (stats.mean, stats.variance)
            // running ← (1 − m)·running + m·batch, with the unbiased variance, in this step's slot
            numBatchesTracked.value.data[timeSteps == 1 ? 0 : s] += 1
            let f = momentum
            for j in 0..<c {
                let k = s * c + j
                runningMean.value.data[k] = (1 - f) * runningMean.value.data[k] + f * mean[j]
                runningVar.value.data[k] = (1 - f) * runningVar.value.data[k] + f * stats.unbiased[j]
            }
        } else {
            for j in 0..<c {
                mean[j] = runningMean.value.data[s * c + j]
                variance[j] = runningVar.value.data[s * c + j]
            }
        }
        let invstd = variance.map { 1 / ($0 + eps).squareRoot() }
        var xhat = [Float](repeating: 0, count: n * c)
        var y = [Float](repeating: 0, count: n * c)
        let gamma = weight.value.data, beta = bias?.value.data ?? [Float](repeating: 0, count: c)
        x.data.withUnsafeBufferPointer { xp in
        xhat.withUnsafeMutableBufferPointer { xhat in
        y.withUnsafeMutableBufferPointer { y in
        mean.withUnsafeBufferPointer { mean in
        invstd.withUnsafeBufferPointer { invstd in
        gamma.withUnsafeBufferPointer { gamma in
        beta.withUnsafeBufferPointer { beta in
            for r in 0..<n {
                for j in 0..<c {
                    let h = (xp[r * c + j] - mean[j]) * invstd[j]
                    xhat[r * c + j] = h
                    y[r * c + j] = gamma[j] * h + beta[j]
                }
            }
        } } } } } } }
        if isTraining && GradientMode.isEnabled { stack.append(Step(xhat: xhat, invstd: invstd, batch: useBatch)) }
        return Tensor(shape: x.shape, data: y)
    }

    // MARK: - Backward

    /// Pops the latest step; adds dγ = Σ dy·x̂ and dβ = Σ dy; returns dL/dx.
    // dy: [N, C]; returns dx: [N, C]
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(!stack.isEmpty, "RecurrentBatchNorm1d.backward without a cached forward step")
        let step = stack.removeLast()
        let c = numFeatures, n = dy.count / c
        precondition(dy.shape == [n, c] && step.xhat.count == n * c, "RecurrentBatchNorm1d.backward: dy \(dy.shape)")
        var sumDy = [Double](repeating: 0, count: c), sumDyXhat = [Double](repeating: 0, count: c)
        dy.data.withUnsafeBufferPointer { g in
        step.xhat.withUnsafeBufferPointer { xhat in
        sumDy.withUnsafeMutableBufferPointer { sumDy in
        sumDyXhat.withUnsafeMutableBufferPointer { sumDyXhat in
            for r in 0..<n {
                for j in 0..<c {
                    sumDy[j] += Double(g[r * c + j])
                    sumDyXhat[j] += Double(g[r * c + j]) * Double(xhat[r * c + j])
                }
            }
        } } } }
        for j in 0..<c {
            weight.grad.data[j] += Float(sumDyXhat[j])
            bias?.grad.data[j] += Float(sumDy[j])
        }
        let gamma = weight.value.data, m = Float(n)
        var dx = [Float](repeating: 0, count: n * c)
        // batch statistics: dx = (γ·invstd/m)·(m·dy − Σdy − x̂·Σ(dy·x̂)); running: γ·invstd·dy
        let k = (0..<c).map { gamma[$0] * step.invstd[$0] }
        let a = step.batch ? k.map { $0 / m } : k
        let sd = sumDy.map { Float($0) }, sdh = sumDyXhat.map { Float($0) }
        dy.data.withUnsafeBufferPointer { g in
        step.xhat.withUnsafeBufferPointer { xhat in
        dx.withUnsafeMutableBufferPointer { dx in
        a.withUnsafeBufferPointer { a in
        sd.withUnsafeBufferPointer { sd in
        sdh.withUnsafeBufferPointer { sdh in
            for r in 0..<n {
                for j in 0..<c {
                    let i = r * c + j
                    dx[i] = step.batch ? a[j] * (m * g[i] - sd[j] - xhat[i] * sdh[j]) : a[j] * g[i]
                }
            }
        } } } } } }
        return Tensor(shape: dy.shape, data: dx)
    }
}
