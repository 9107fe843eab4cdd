/// Reads each image as a sequence and runs a recurrent cell over it, returning the last hidden
/// state: the recurrent networks' body (a `Linear` head on h_T follows it in the model).
///
/// An input `[N, C, H, W]` is H steps of C·W values: step t is image row t across the channels
/// (28 steps of 28 pixels for Fashion-MNIST). With a `permutation` of the C·H·W pixel positions
/// the pixels are first shuffled by it (`x'[k] = x[permutation[k]]`), the "permuted sequential
/// MNIST" task, then read the same way.
///
/// The cell's parameters, buffers and children appear as this layer's own, so state_dict names
/// are the cell's under the layer's name (`rnn.weight_ih`, `rnn.bn.running_mean`).
/// `hiddenGradientObserver` sees ∂L/∂h_t for t = T…1 during `backward` (observing only).
public final class SequenceRNN: Layer {
    public let cell: any RecurrentCell
    /// Input shape without the batch: `[C, H, W]`.
    public let inputShape: [Int]
    /// Where each pixel of the sequence comes from (a permutation of 0..<C·H·W), or nil: in order.
    public let permutation: [Int]?
    /// Whether `backward` computes dL/dx (off for a first layer, as PyTorch skips inputs that do
    /// not require grad).
    public var computesInputGradient = false
    /// Called in `backward` with (t, ∂L/∂h_t) for t = T, T−1, …, 1 (1-based; h_T is the output).
    public var hiddenGradientObserver: ((Int, Tensor) -> Void)?

    public var isTraining: Bool {
        get { cell.isTraining }
        set { cell.isTraining = newValue }
    }
    public var localParameters: [(String, Parameter)] { cell.localParameters }
    public var localBuffers: [(String, Buffer)] { cell.localBuffers }
    public var children: [(String, any Module)] { cell.children }

    /// The number of time steps (H) and the values per step (C·W).
    public var steps: Int { inputShape[1] }
    public var stepSize: Int { inputShape[0] * inputShape[2] }

    private var batchSize = 0
    private var stepsRun = 0

    public init(cell: any RecurrentCell, inputShape: [Int], permutation: [Int]? = nil) {
        precondition(inputShape.count == 3 && inputShape.allSatisfy { $0 > 0 }, "SequenceRNN: input shape \(inputShape)")
        precondition(cell.inputSize == inputShape[0] * inputShape[2], "SequenceRNN: cell input \(cell.inputSize) for \(inputShape)")
        precondition(permutation.map { $0.count == inputShape.reduce(1, *) && Set($0).count == $0.count } ?? true,
                     "SequenceRNN: permutation must cover the \(inputShape.reduce(1, *)) pixels once each")
        self.cell = cell
        self.inputShape = inputShape
        self.permutation = permutation
    }

    /// A permutation of 0..<count drawn from `seed` (Fisher–Yates), for the permuted task.
    public static func permutation(count: Int, seed: UInt64) -> [Int] {
        var rng = SeededGenerator(seed: seed)
        var p = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            p.swapAt(i, j)
        }
        return p
    }

    /// The input of step t: `[N, C·W]`.
    private func stepInput(_ x: Tensor, _ t: Int) -> Tensor {
        let (n, c, h, w) = (x.shape[0], inputShape[0], inputShape[1], inputShape[2])
        let d = c * w, image = c * h * w
        var out = [Float](repeating: 0, count: n * d)
        x.data.withUnsafeBufferPointer { xp in
            for r in 0..<n {
                for k in 0..<d {
                    // position k of step t in the (permuted) pixel order: sequence index t·d + k,
                    // which is channel k / w, row t, column k % w of the read image
                    let s = permutation.map { $0[t * d + k] } ?? ((k / w) * h * w + t * w + k % w)
                    out[r * d + k] = xp[r * image + s]
                }
            }
        }
        return Tensor(shape: [n, d], data: out)
    }

    // x: [N, C, H, W]; returns h_T: [N, hidden]
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && Array(x.shape.dropFirst()) == inputShape, "SequenceRNN expects [N] + \(inputShape), got \(x.shape)")
        cell.clearHistory()
        batchSize = x.shape[0]
        var h: Tensor? = nil
        for t in 0..<steps { h = cell.forward(stepInput(x, t), h, step: t) }
        stepsRun = steps
        return h!
    }

    // dy: [N, hidden] = ∂L/∂h_T; returns dL/dx: [N, C, H, W] (zeros unless computesInputGradient)
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(stepsRun == steps, "SequenceRNN.backward without a forward pass")
        let (n, c, h, w) = (batchSize, inputShape[0], inputShape[1], inputShape[2])
        let d = c * w, image = c * h * w
        var dx = Tensor(zeros: [n] + inputShape)
        var dh = dy
        for t in (0..<steps).reversed() {
            hiddenGradientObserver?(t + 1, dh)
            let (dxt, dhPrev) = cell.backward(dh, inputGradient: computesInputGradient)
            dh = dhPrev
            guard let dxt else { continue }
            for r in 0..<n {
                for k in 0..<d {
                    let s = permutation.map { $0[t * d + k] } ?? ((k / w) * h * w + t * w + k % w)
                    dx.data[r * image + s] += dxt.data[r * d + k]
                }
            }
        }
        stepsRun = 0
        return dx
    }
}
