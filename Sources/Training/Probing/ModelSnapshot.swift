import Engine

/// A model's parameters, gradients and buffers as they are now, to put back after a probe.
///
/// Tensors are copy-on-write values, so taking a snapshot copies nothing: a probe that then writes
/// the model's tensors (a forward pass in training mode updates BN's running statistics; a backward
/// pass writes gradients) makes the one copy, and `restore` puts the originals back, bit for bit.
public struct ModelSnapshot {
    private let parameters: [(parameter: Parameter, value: Tensor, grad: Tensor)]
    private let buffers: [(buffer: Buffer, value: Tensor)]

    public init(of model: some Module) {
        parameters = model.parameters().map { ($0, $0.value, $0.grad) }
        buffers = model.namedBuffers().map { ($0.1, $0.1.value) }
    }

    /// The value `p` had when the snapshot was taken.
    public func value(of p: Parameter) -> Tensor? { parameters.first { $0.parameter === p }?.value }

    /// The gradient `p` had when the snapshot was taken.
    public func grad(of p: Parameter) -> Tensor? { parameters.first { $0.parameter === p }?.grad }

    /// Puts every parameter value, gradient and buffer back as it was.
    public func restore() {
        for (p, value, grad) in parameters {
            p.value = value
            p.grad = grad
        }
        for (b, value) in buffers { b.value = value }
    }
}
