#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Mean cross-entropy of softmax(logits) against integer labels, as `F.cross_entropy`
/// (reduction "mean"), with its gradient dLoss/dlogits = (softmax − onehot) / N.
///
/// Uses a max-shifted log-sum-exp, so large logits do not overflow. Non-finite logits give
/// a non-finite loss rather than a crash: a diverged run is a result to report.
// logits: [N, K], labels: [N] -> (loss, dLogits: [N, K])
public func crossEntropy(logits: Tensor, labels: [Int32]) throws(LossError) -> (loss: Float, dLogits: Tensor) {
    guard logits.rank == 2, logits.shape[0] == labels.count else {
        throw .shapeMismatch(logits: logits.shape, labels: labels.count)
    }
    let (n, k) = (logits.shape[0], logits.shape[1])
    for label in labels where label < 0 || Int(label) >= k {
        throw .labelOutOfRange(label: label, classes: k)
    }
    var total = 0.0
    let invN = 1 / Float(n)
    let grad = Tensor.filled(shape: [n, k]) { g in
        logits.data.withUnsafeBufferPointer { zb in
            for i in 0..<n {
                let z = zb.baseAddress! + i * k, gi = g + i * k
                // log Σ exp(z) = m + log Σ exp(z − m)
                var m = -Float.infinity
                for j in 0..<k where z[j] > m || z[j].isNaN { m = z[j] }
                var sumExp: Float = 0
                for j in 0..<k {
                    gi[j] = expf(z[j] - m)
                    sumExp += gi[j]
                }
                let label = Int(labels[i])
                total += Double(m + logf(sumExp) - z[label])
                // d/dz = (softmax − onehot) / N
                let scale = invN / sumExp
                for j in 0..<k { gi[j] *= scale }
                gi[label] -= invN
            }
        }
    }
    return (Float(total / Double(n)), grad)
}

/// How many rows of `logits` have their largest entry at the label (first maximum wins,
/// NaN counts as largest, as `torch.argmax`).
// logits: [N, K], labels: [N]
public func accuracy(logits: Tensor, labels: [Int32]) -> Int {
    precondition(logits.rank == 2 && logits.shape[0] == labels.count,
                 "accuracy: logits \(logits.shape) vs \(labels.count) labels")
    let (n, k) = (logits.shape[0], logits.shape[1])
    var correct = 0
    logits.data.withUnsafeBufferPointer { z in
        for i in 0..<n {
            var best = 0
            for j in 1..<max(k, 1) where z[i * k + j] > z[i * k + best] || (z[i * k + j].isNaN && !z[i * k + best].isNaN) {
                best = j
            }
            if best == Int(labels[i]) { correct += 1 }
        }
    }
    return correct
}
