/// What a forward hook receives each time its layer runs: torch's `hook(module, input, output)`.
public struct ForwardHookCall {
    /// The name the hook was registered under (a child name or a dotted path).
    public let name: String
    /// The hooked layer.
    public let module: any Layer
    /// The layer's input, as it was before the layer ran.
    public let input: Tensor
    /// The layer's own output (for a layer followed by a ReLU, before rectification).
    public let output: Tensor
}
