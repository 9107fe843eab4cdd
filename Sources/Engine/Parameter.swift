/// A trainable tensor and the gradient accumulated into it.
///
/// A reference type so that a layer, the optimizer and a checkpoint loader all see the same
/// storage. Backward passes add into `grad` (`+=`); the optimizer's `zeroGrad` clears it.
public final class Parameter {
    /// The current value.
    public var value: Tensor
    /// dLoss/dValue, accumulated over backward passes since the last `zeroGrad`.
    public var grad: Tensor
    /// PyTorch's `requires_grad`: when false (a frozen parameter), backward passes leave `grad`
    /// alone (layers skip the work, e.g. a frozen convolution's weight-gradient GEMMs) and `SGD`
    /// leaves the parameter and its momentum buffer alone, as torch's optimizers skip a parameter
    /// whose `.grad` is None. Gradients still flow through the layer to earlier ones.
    public var requiresGrad = true

    /// Creates a parameter with a zero gradient of the same shape.
    public init(_ value: Tensor) {
        self.value = value
        self.grad = Tensor(zeros: value.shape)
    }
}

/// Non-trainable state that a checkpoint stores, such as BatchNorm's running statistics.
public final class Buffer {
    /// The current value.
    public var value: Tensor
    /// Whether checkpoints store it as int64 (PyTorch's `num_batches_tracked`); the value is
    /// then held as an exactly representable integer-valued Float.
    public let isInteger: Bool

    /// Creates a buffer.
    public init(_ value: Tensor, isInteger: Bool = false) {
        self.value = value
        self.isInteger = isInteger
    }
}
