/// A node in a model tree with PyTorch-style names for its parameters and buffers.
///
/// Names compose as in `torch.nn.Module.state_dict()`: a child called `bn1` with a buffer
/// `running_var` appears as `bn1.running_var`.
public protocol Module: AnyObject {
    /// Training mode (batch statistics, dropout) or evaluation mode.
    var isTraining: Bool { get set }
    /// This module's own parameters by local name (`weight`, `bias`), children's excluded.
    var localParameters: [(String, Parameter)] { get }
    /// This module's own buffers by local name (`running_mean`, …), children's excluded.
    var localBuffers: [(String, Buffer)] { get }
    /// Direct sub-modules by attribute name.
    var children: [(String, any Module)] { get }
}

/// A module with one input and one output that can run backward.
public protocol Layer: Module {
    /// Computes the output and, while `GradientMode.isEnabled`, caches what `backward` needs.
    // x: any shape the layer accepts; returns the layer's output
    func forward(_ x: Tensor) -> Tensor
    /// `forward` for a caller that hands `x` over and will not read it again. With gradient
    /// recording off, a layer whose output has `x`'s shape (BatchNorm, ReLU) computes it in `x`'s
    /// storage when nothing else holds it; otherwise (and by default) the same as `forward(x)`.
    func forward(consuming x: consuming Tensor) -> Tensor
    /// Takes dLoss/dOutput for the last `forward`, adds parameter gradients into their
    /// `grad` (`+=`), and returns dLoss/dInput.
    func backward(_ dy: Tensor) -> Tensor
}

extension Layer {
    public func forward(consuming x: consuming Tensor) -> Tensor { forward(x) }
}

extension Module {
    public var localParameters: [(String, Parameter)] { [] }
    public var localBuffers: [(String, Buffer)] { [] }
    public var children: [(String, any Module)] { [] }

    /// Every parameter in the tree with its dotted name, in registration order (as PyTorch).
    public func namedParameters() -> [(String, Parameter)] {
        var out = localParameters
        for (name, child) in children {
            out += child.namedParameters().map { ("\(name).\($0.0)", $0.1) }
        }
        return out
    }

    /// Every buffer in the tree with its dotted name.
    public func namedBuffers() -> [(String, Buffer)] {
        var out = localBuffers
        for (name, child) in children {
            out += child.namedBuffers().map { ("\(name).\($0.0)", $0.1) }
        }
        return out
    }

    /// The parameters alone, for optimizers.
    public func parameters() -> [Parameter] { namedParameters().map(\.1) }

    /// Switches this module and all its descendants to training mode.
    public func train() { setTraining(true) }

    /// Switches this module and all its descendants to evaluation mode.
    public func eval() { setTraining(false) }

    private func setTraining(_ on: Bool) {
        isTraining = on
        for (_, child) in children { child.setTraining(on) }
    }

    /// Sets `requiresGrad` on every parameter of the tree, as PyTorch's `module.requires_grad_(flag)`:
    /// `model.setRequiresGrad(false)` freezes a backbone.
    public func setRequiresGrad(_ flag: Bool) {
        for p in parameters() { p.requiresGrad = flag }
    }

    /// Whether any parameter of the tree requires a gradient.
    public var hasTrainableParameters: Bool { parameters().contains { $0.requiresGrad } }

    /// The number of trainable scalars.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.value.count } }
}
