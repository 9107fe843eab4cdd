/// Inverted dropout, as `torch.nn.Dropout`: in training each element is zeroed with
/// probability `p` and survivors are scaled by 1/(1−p); in evaluation it is the identity.
///
/// The mask comes from the layer's own generator, so a run is reproducible from `seed`.
public final class Dropout: Layer {
    public var isTraining = true
    /// The probability of zeroing an element.
    public let p: Float
    /// The mask source; replace it (e.g. `SeededGenerator(seed:)`) to replay a mask.
    public var generator: SeededGenerator

    /// 0 or 1/(1−p) per element of the last training forward (empty after an evaluation forward).
    private(set) var mask: [Float] = []

    /// Creates a dropout layer; `p` must lie in [0, 1].
    public init(p: Float = 0.5, seed: UInt64) throws(LayerError) {
        guard p >= 0 && p <= 1 else {
            throw .invalidArgument(name: "p", value: "\(p)", requirement: "in [0, 1]")
        }
        self.p = p
        generator = SeededGenerator(seed: seed)
    }

    // x: any shape -> y: same shape
    public func forward(_ x: Tensor) -> Tensor {
        guard isTraining else { mask = []; return x }   // evaluation's backward needs no mask
        // p = 1 zeroes everything (as torch); avoid 0 · ∞
        let keep = 1 - p, scale: Float = p < 1 ? 1 / keep : 0
        if mask.count != x.count { mask = [Float](repeating: 0, count: x.count) }
        var y = x
        mask.withUnsafeMutableBufferPointer { m in
            y.data.withUnsafeMutableBufferPointer { v in
                for i in 0..<v.count {
                    m[i] = generator.nextUnitFloat() < keep ? scale : 0
                    v[i] *= m[i]
                }
            }
        }
        return y
    }

    // dy -> dx = dy ⊙ mask (the identity in evaluation mode)
    public func backward(_ dy: Tensor) -> Tensor {
        guard isTraining else { return dy }
        precondition(dy.count == mask.count, "Dropout.backward: dy \(dy.shape)")
        var dx = dy
        dx.data.withUnsafeMutableBufferPointer { g in
            mask.withUnsafeBufferPointer { m in
                for i in 0..<g.count { g[i] *= m[i] }
            }
        }
        return dx
    }
}
