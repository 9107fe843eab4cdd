/// A normalisation applied at every step of a recurrent network: it keeps one cache per step for
/// backpropagation through time and may keep statistics per step (`RecurrentBatchNorm1d`,
/// `RecurrentLayerNorm`).
public protocol StepNormalization: Module {
    /// Normalises step `t`'s (0-based) activations; in training mode with gradients on, pushes the
    /// step's cache.
    // x: [N, C]; returns [N, C]
    func forward(_ x: Tensor, step t: Int) -> Tensor
    /// Pops the latest step's cache, adds the parameter gradients, returns dL/dx.
    // dy: [N, C]; returns dx: [N, C]
    func backward(_ dy: Tensor) -> Tensor
    /// Drops every cached step.
    func clearHistory()
}
