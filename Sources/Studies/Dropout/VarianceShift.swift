import Datasets
import Engine
import Training

/// Per-channel mean and variance of a layer's input, pooled over every position and image seen.
final class ChannelMoments {
    private var sum: [Double] = []
    private var sumSquares: [Double] = []
    private var count = 0

    func add(_ x: Tensor) {
        let (n, c) = (x.shape[0], x.shape[1])
        let l = x.count / max(1, n * c)
        if sum.isEmpty { sum = .init(repeating: 0, count: c); sumSquares = .init(repeating: 0, count: c) }
        x.data.withUnsafeBufferPointer { p in
            for i in 0..<n {
                for ch in 0..<c {
                    var (s, q) = (0.0, 0.0)
                    for j in 0..<l { let v = Double(p[(i * c + ch) * l + j]); s += v; q += v * v }
                    sum[ch] += s
                    sumSquares[ch] += q
                }
            }
        }
        count += n * l
    }

    var means: [Double] { sum.map { $0 / Double(max(1, count)) } }
    var variances: [Double] { zip(sum, sumSquares).map { s, q in max(0, q / Double(max(1, count)) - (s / Double(max(1, count))) * (s / Double(max(1, count)))) } }
}

/// Li et al.'s variance shift measured at every BatchNorm of a trained model.
enum VarianceShift {
    /// Per BatchNorm layer (in order): the mean over channels of (input variance in evaluation mode ÷
    /// in training mode), and the ratio Li et al.'s formula predicts from the preceding dropout's
    /// input (1 where no dropout precedes the layer's convolution). The model is put back as it was.
    static func measure(_ model: Sequential, on set: ImageSet, normalization: Normalization, batchSize: Int,
                        keep: Float) -> [DropoutStudy.LayerShift] {
        let names = model.layers.map(\.0)
        let norms = model.layers.indices.filter { model.layers[$0].1 is BatchNorm }
        // the dropout feeding each BatchNorm: the nearest one before it, with no BatchNorm in between
        let feeding: [Int?] = norms.map { k in
            var i = k - 1
            while i >= 0 {
                if model.layers[i].1 is Dropout { return i }
                if model.layers[i].1 is BatchNorm { return nil }
                i -= 1
            }
            return nil
        }
        let snapshot = ModelSnapshot(of: model)
        let wasTraining = model.isTraining
        let dropouts = model.allModules().compactMap { $0 as? Dropout }
        let generators = dropouts.map(\.generator)
        let batches = NormProbes.inputs(set, normalization: normalization, batchSize: batchSize)

        func pass(training: Bool, hooked: [Int]) -> [ChannelMoments] {
            let moments = hooked.map { _ in ChannelMoments() }
            let handles = zip(hooked, moments).compactMap { i, m in
                try? model.registerForwardHook(names[i]) { call in m.add(call.input) }
            }
            training ? model.train() : model.eval()
            GradientMode.disabled { for b in batches { _ = model.forward(b.images) } }
            for h in handles { h.remove() }
            return moments
        }
        let trainMoments = pass(training: true, hooked: norms)
        snapshot.restore()
        let evalMoments = pass(training: false, hooked: norms)
        let dropoutInputs = pass(training: false, hooked: feeding.compactMap { $0 })
        for (d, g) in zip(dropouts, generators) { d.generator = g }
        snapshot.restore()
        wasTraining ? model.train() : model.eval()

        var next = 0
        return norms.indices.map { j in
            let ratios = zip(evalMoments[j].variances, trainMoments[j].variances).map { e, t in t > 0 ? e / t : .nan }.filter(\.isFinite)
            var predicted = 1.0
            if feeding[j] != nil {
                let m = dropoutInputs[next]
                next += 1
                // Li et al.: Var_test / Var_train = v / ((c² + v) / keep − c²), per channel, then averaged
                let q = Double(keep)
                let per = zip(m.means, m.variances).map { c, v in
                    let train = (c * c + v) / q - c * c
                    return train > 0 ? v / train : .nan
                }.filter(\.isFinite)
                predicted = per.isEmpty ? .nan : per.reduce(0, +) / Double(per.count)
            }
            return DropoutStudy.LayerShift(layer: names[norms[j]], afterDropout: feeding[j] != nil,
                                           measured: ratios.isEmpty ? .nan : ratios.reduce(0, +) / Double(ratios.count),
                                           predicted: predicted)
        }
    }
}
