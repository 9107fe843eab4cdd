/// Batch normalisation of `[N, C, H, W]` input over N, H and W, as `torch.nn.BatchNorm2d`.
public final class BatchNorm2d: BatchNorm {
    /// Creates the layer with PyTorch's defaults (`eps` 1e-5, `momentum` 0.1, affine, tracking
    /// running statistics).
    public init(numFeatures: Int, eps: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine,
                   trackRunningStats: trackRunningStats,
                   acceptedRanks: [4], typeName: "BatchNorm2d")
    }
}
