/// Batch normalisation of `[N, C]` or `[N, C, L]` input over N (and L), as `torch.nn.BatchNorm1d`.
public final class BatchNorm1d: BatchNorm {
    /// Creates the layer with PyTorch's defaults (`eps` 1e-5, `momentum` 0.1, affine, tracking
    /// running statistics).
    public init(numFeatures: Int, eps: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine,
                   trackRunningStats: trackRunningStats,
                   acceptedRanks: [2, 3], typeName: "BatchNorm1d")
    }
}
