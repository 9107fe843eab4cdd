// MARK: - The recurrent networks

extension ModelSpec {
    /// Hidden units when `hiddenSize` is nil.
    public static let defaultHiddenSize = 128
    /// γ's initial value of `rnn-bn-step` when `recurrentGamma` is nil (Cooijmans et al. 2016, §4).
    public static let defaultRecurrentGamma: Float = 0.1

    /// The hidden size this spec builds.
    public var hidden: Int { hiddenSize ?? Self.defaultHiddenSize }

    /// `rnn`: a `SequenceRNN` named `rnn` over the image rows and a linear head `fc` on the last
    /// hidden state. The cell and the head draw from two generators split off `rng`, the cells draw
    /// W_ih then W_hh first, so every family built from equal generators starts with the same W_ih,
    /// W_hh and head (the cells' biases and normalisations differ by design).
    func recurrentLayers(rng: inout SeededGenerator, initialization: Initialization) throws -> Sequential {
        let (c, t, w) = (inputShape[0], inputShape[1], inputShape[2])
        let input = c * w
        var cellRNG = rng.split(), headRNG = rng.split()
        let cell: any RecurrentCell = switch family {
        case .rnnBNShared:
            BatchNormRNNCell(inputSize: input, hiddenSize: hidden, momentum: batchNorm?.momentum.value ?? 0.1, rng: &cellRNG)
        case .rnnBNStep:
            NormalizedRNNCell.batchNormalized(inputSize: input, hiddenSize: hidden, timeSteps: t,
                                              gamma: recurrentGamma ?? Self.defaultRecurrentGamma, rng: &cellRNG)
        case .rnnLN:
            NormalizedRNNCell.layerNormalized(inputSize: input, hiddenSize: hidden, rng: &cellRNG)
        default:
            RNNCell(inputSize: input, hiddenSize: hidden, rng: &cellRNG)
        }
        let permutation = permutationSeed.map { SequenceRNN.permutation(count: inputShape.reduce(1, *), seed: $0) }
        let rnn = SequenceRNN(cell: cell, inputShape: inputShape, permutation: permutation)
        let head = try Linear(inFeatures: hidden, outFeatures: classes, initialization: initialization, rng: &headRNG)
        return try Sequential([("rnn", rnn), ("fc", head)])
    }

    var recurrentPyTorchEquivalent: String {
        let steps = "\(inputShape[1]) steps of \(inputShape[0] * inputShape[2])" + (permutationSeed == nil ? "" : ", pixels in a fixed random order")
        switch family {
        case .rnnBNShared:
            return "the deck's BatchNormRNN: nn.RNNCell then one nn.BatchNorm1d(\(hidden)) at every step (\(steps)), fc on the last hidden state"
        case .rnnBNStep:
            return "Cooijmans et al.'s recurrent BN on a tanh RNN: tanh(BN_t(W_hh h) + BN_t(W_ih x) + b), statistics per step, "
                + "γ = \(recurrentGamma ?? Self.defaultRecurrentGamma), no β (\(steps)), fc on the last hidden state"
        case .rnnLN:
            return "Ba et al.'s layer-normalised RNN: tanh(LN(W_hh h) + LN(W_ih x) + b) (\(steps)), fc on the last hidden state"
        default:
            return "nn.RNNCell(\(inputShape[0] * inputShape[2]), \(hidden)) over \(steps), fc on the last hidden state"
        }
    }
}
