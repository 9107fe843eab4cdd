/// The deck's `BatchNormRNN` step: `h' = bn(rnn_cell(x, h))`, one `nn.BatchNorm1d` on the hidden
/// state shared by every time step, so its running statistics mix the steps (each step's batch
/// statistics normalise in training; in evaluation every step gets the same running average,
/// dominated by the last steps of each batch). Children are named as the deck's module
/// (`rnn_cell`, `bn`).
public final class BatchNormRNNCell: Module, RecurrentCell {
    public var isTraining = true
    public let rnnCell: RNNCell
    /// One slot of statistics: `nn.BatchNorm1d(hidden)` semantics, γ = 1 as PyTorch initialises it.
    public let bn: RecurrentBatchNorm1d

    public var inputSize: Int { rnnCell.inputSize }
    public var hiddenSize: Int { rnnCell.hiddenSize }
    public var children: [(String, any Module)] { [("rnn_cell", rnnCell), ("bn", bn)] }

    public init(inputSize: Int, hiddenSize: Int, momentum: Float = 0.1, rng: inout SeededGenerator) {
        rnnCell = RNNCell(inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng)
        bn = RecurrentBatchNorm1d(numFeatures: hiddenSize, timeSteps: 1, gamma: 1, bias: true, momentum: momentum)
    }

    // x: [N, I]; h: [N, H]; returns h': [N, H]
    public func forward(_ x: Tensor, _ h: Tensor?, step t: Int) -> Tensor {
        bn.forward(rnnCell.forward(x, h), step: t)
    }

    public func backward(_ dhNext: Tensor, inputGradient: Bool) -> (dx: Tensor?, dhPrev: Tensor) {
        rnnCell.backward(bn.backward(dhNext), inputGradient: inputGradient)
    }

    public func clearHistory() {
        rnnCell.clearHistory()
        bn.clearHistory()
    }
}
