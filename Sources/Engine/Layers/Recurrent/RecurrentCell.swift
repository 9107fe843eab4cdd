/// One step of a recurrent network, h' = cell(x, h), with backpropagation through time by a cache
/// stack: every training-mode `forward` pushes its step, every `backward` pops the latest.
///
/// `SequenceRNN` runs a cell over a sequence; the cells are `RNNCell` (plain),
/// `BatchNormRNNCell` (the deck's shared BN on the hidden state) and `NormalizedRNNCell` (BN per
/// step or LayerNorm on the input-to-hidden and hidden-to-hidden terms).
public protocol RecurrentCell: Module {
    var inputSize: Int { get }
    var hiddenSize: Int { get }
    /// Step `t` (0-based); `h == nil` is a zero initial state.
    // x: [N, I]; h: [N, H]; returns h': [N, H]
    func forward(_ x: Tensor, _ h: Tensor?, step t: Int) -> Tensor
    /// Pops the latest step; `dhNext` is the total gradient reaching its output h'. dL/dx is nil
    /// when `inputGradient` is false (a first layer's input needs none).
    // dhNext: [N, H]; returns dx: [N, I], dhPrev: [N, H]
    func backward(_ dhNext: Tensor, inputGradient: Bool) -> (dx: Tensor?, dhPrev: Tensor)
    /// Drops every cached step.
    func clearHistory()
}

extension RNNCell: RecurrentCell {
    /// The plain cell ignores the step.
    public func forward(_ x: Tensor, _ h: Tensor?, step t: Int) -> Tensor { forward(x, h) }
}
