/// Named layers run in order, as `torch.nn.Sequential` (with an `OrderedDict`).
///
/// Children's parameters are named `"<child>.<param>"` (`conv1.weight`). Forward hooks
/// (`registerForwardHook`) see a child's input and output on every forward pass, which is how
/// activation statistics are collected without touching the layers.
public final class Sequential: Layer {
    public var isTraining = true
    /// The layers with their names, in execution order (`replaceChild` swaps one, e.g. a new head).
    public private(set) var layers: [(String, any Layer)]
    /// Whether `backward` must return dLoss/dInput. When false (a model whose input is data, as
    /// `ModelSpec.build` makes it), backward stops below the first layer with a parameter that
    /// requires a gradient and returns zeros, as PyTorch's autograd never reaches a frozen
    /// backbone: fine-tuning only a head costs a forward pass and the head's backward.
    public var computesInputGradient = true
    /// The shape of the last input seen while recording gradients (the zeros an early stop returns).
    private var inputShape: [Int] = [0]
    /// The zeros `backward` returns without an input gradient, kept so a step does not clear a
    /// fresh batch-sized buffer nobody reads (callers never write into a returned gradient).
    private var zeroInputGradient = Tensor(zeros: [0])
    /// Forward hooks by child name, in registration order (a nested path's hooks live in the
    /// `Sequential` that runs the layer, which decides its fusion).
    private var forwardHooks: [String: [ForwardHook]] = [:]
    private var nextHookID = 0
    /// The indices of the layers that ran fused with the ReLU after them in the last forward.
    private(set) var fused: Set<Int> = []

    public var children: [(String, any Module)] { layers.map { ($0.0, $0.1 as any Module) } }

    /// Creates a sequence of named layers; names must be unique and contain no ".".
    public init(_ layers: [(String, any Layer)]) throws(LayerError) {
        var seen = Set<String>()
        for (name, _) in layers {
            guard !name.isEmpty, !name.contains("."), seen.insert(name).inserted else {
                throw .invalidArgument(name: "child name", value: "\"\(name)\"",
                                       requirement: "unique, non-empty and without \".\"")
            }
        }
        self.layers = layers
    }

    /// Creates a sequence whose children are named "0", "1", … as `nn.Sequential(*layers)`.
    public convenience init(_ layers: [any Layer]) {
        try! self.init(layers.enumerated().map { ("\($0.offset)", $0.element) })   // names are unique
    }

    /// The child at a name, or a dotted path through nested `Sequential`s ("block1.conv1").
    public func child(named path: String) -> (any Layer)? {
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        guard let first = parts.first, let layer = layers.first(where: { $0.0 == first })?.1 else { return nil }
        if parts.count == 1 { return layer }
        return (layer as? Sequential)?.child(named: parts[1])
    }

    /// Replaces the child called `name` (a direct child) by `layer`, as `model.fc = nn.Linear(…)`
    /// in PyTorch: the new layer takes the old one's place and name, so its parameters appear
    /// under the same state_dict keys. Hooks registered on the old layer go with it.
    public func replaceChild(_ name: String, with layer: any Layer) throws(LayerError) {
        guard let index = layers.firstIndex(where: { $0.0 == name }) else { throw .unknownLayer(name) }
        layers[index] = (name, layer)
        forwardHooks[name] = nil
        fused = []
    }

    /// Calls `hook` after the layer at `name` (a child name or a dotted path through nested
    /// `Sequential`s) runs, with its input and output, as torch's `register_forward_hook`.
    /// Hooks on one layer run in registration order. A hooked layer or ReLU runs unfused, so that
    /// the output before rectification exists; results are bit-identical either way.
    @discardableResult
    public func registerForwardHook(_ name: String, _ hook: @escaping (ForwardHookCall) -> Void) throws(LayerError) -> HookHandle {
        guard child(named: name) != nil else { throw .unknownLayer(name) }
        let parts = name.split(separator: ".")
        // child(named:) found the path, so every prefix is a Sequential
        let owner = parts.dropLast().reduce(self) { ($0.child(named: String($1)) as! Sequential) }
        return owner.addForwardHook(on: String(parts.last!), reportedAs: name, hook)
    }

    private func addForwardHook(on child: String, reportedAs name: String,
                                _ hook: @escaping (ForwardHookCall) -> Void) -> HookHandle {
        nextHookID += 1
        forwardHooks[child, default: []].append(ForwardHook(id: nextHookID, name: name, call: hook))
        return HookHandle(owner: self, id: nextHookID)
    }

    /// Removes the hook with this id, if it is still registered.
    func removeForwardHook(id: Int) {
        for (child, hooks) in forwardHooks where hooks.contains(where: { $0.id == id }) {
            let rest = hooks.filter { $0.id != id }
            forwardHooks[child] = rest.isEmpty ? nil : rest
        }
    }

    // x -> layers in order -> y
    public func forward(_ x: Tensor) -> Tensor { forward(consuming: x) }

    public func forward(consuming x: consuming Tensor) -> Tensor {
        do { return try run(x, checked: false) } catch {
            preconditionFailure("an unchecked forward pass throws nothing: \(error)")
        }
    }

    /// `forward`, throwing what PyTorch raises where a layer would otherwise fall back: a
    /// BatchNorm that normalises with batch statistics and gets one value per channel (or an
    /// input of the wrong shape) throws `LayerError` before it runs, in nested `Sequential`s too.
    public func forward(checked x: Tensor) throws(LayerError) -> Tensor { try run(x, checked: true) }

    private func run(_ x: consuming Tensor, checked: Bool) throws(LayerError) -> Tensor {
        var h = consume x
        fused = []
        if GradientMode.isEnabled { inputShape = h.shape }
        var i = 0
        while i < layers.count {
            let (name, layer) = layers[i]
            let hooks = forwardHooks.isEmpty ? nil : forwardHooks[name]
            if checked {
                if let bn = layer as? BatchNorm { try bn.checkInput(h.shape) }
                if let nested = layer as? Sequential {
                    let input = h
                    h = try nested.run(consume h, checked: true)
                    for hook in hooks ?? [] {
                        hook.call(ForwardHookCall(name: hook.name, module: layer, input: input, output: h))
                    }
                    i += 1
                    continue
                }
            }
            // each activation is handed over, so without gradients the next layer may reuse it
            if i + 1 < layers.count, let layer = layer as? ReLUFusable, layers[i + 1].1 is ReLU,
               hooks == nil, forwardHooks.isEmpty || forwardHooks[layers[i + 1].0] == nil {
                // the layer and the ReLU in one pass over the activations (nobody asked for the
                // layer's own output): one read and write of the batch fewer each way
                h = layer.forward(consuming: consume h, rectified: true)
                fused.insert(i)
                i += 2
            } else if let hooks {
                // holding the input costs a copy only where the layer would have reused its storage
                let input = h
                h = layer.forward(consuming: consume h)
                for hook in hooks {
                    hook.call(ForwardHookCall(name: hook.name, module: layer, input: input, output: h))
                }
                i += 1
            } else {
                h = layer.forward(consuming: consume h)
                i += 1
            }
        }
        return h
    }

    // dy -> layers in reverse -> dx
    public func backward(_ dy: Tensor) -> Tensor {
        // without an input gradient to return, the layers below the first trainable one need none
        let first = computesInputGradient ? 0 : layers.firstIndex { $0.1.hasTrainableParameters } ?? layers.count
        var g = dy
        var i = layers.count - 1
        while i >= first {
            if i > 0 && fused.contains(i - 1) {
                g = layers[i - 1].1.backward(g)   // the fused layer takes the ReLU's gradient too
                i -= 2
            } else {
                g = layers[i].1.backward(g)
                i -= 1
            }
        }
        guard i >= 0 else { return g }
        if zeroInputGradient.shape != inputShape { zeroInputGradient = Tensor(zeros: inputShape) }
        return zeroInputGradient
    }
}

/// A layer that can apply the ReLU following it as it writes its output (BatchNorm, Conv2d).
protocol ReLUFusable: Layer {
    /// `forward(consuming:)`, then `max(0, ·)` when `rectified`, bit-identical to the two layers;
    /// `backward` then takes the gradient with respect to the rectified output.
    func forward(consuming x: consuming Tensor, rectified: Bool) -> Tensor
}
