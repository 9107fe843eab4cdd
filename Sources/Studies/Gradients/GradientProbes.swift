import Datasets
import Engine
import Training

/// The measurements that look at a network's gradients at its current weights on one batch,
/// without changing the run: each puts back every parameter, gradient and BN statistic it touched.
enum GradientProbes {
    /// Santurkar's internal covariate shift (arXiv:1805.11604, §2.2) for each weight layer i:
    /// G = ∇_{W_i} L at the current weights, G′ = the same gradient once every layer before i has
    /// taken the optimizer's step from the current gradients, on the same batch.
    /// Returns ‖G − G′‖ / ‖G‖ and cos(G, G′) per layer (0 and 1 for the first layer).
    static func internalCovariateShift(_ model: Sequential, optimizer: SGD, batch: Batch,
                                       layers: WeightLayers) throws -> [(relative: Double, cosine: Double)] {
        let snapshot = ModelSnapshot(of: model)
        defer { snapshot.restore() }
        // U: what the optimizer's step would make of each parameter (one extra copy of the weights).
        let updated = layers.blocks.map { $0.parameters.map { optimizer.proposedValue(of: $0) } }
        var out: [(relative: Double, cosine: Double)] = []
        for (i, block) in layers.blocks.enumerated() {
            guard let g = snapshot.grad(of: block.weight) else { continue }
            if i == 0 { out.append((0, 1)); continue }
            for (j, earlier) in layers.blocks.enumerated() {
                for (k, p) in earlier.parameters.enumerated() {
                    p.value = j < i ? updated[j][k] : snapshot.value(of: p) ?? p.value
                }
            }
            _ = try gradient(model, batch)
            let shifted = block.weight.grad
            let d = distance(g, shifted)
            let n = norm(g)
            out.append((n > 0 ? d / n : .nan, cosine(g, shifted)))
        }
        return out
    }

    /// The loss landscape along the gradient (Santurkar Fig. 4): for each step size s, the loss at
    /// x − s·g and ‖∇L(x) − ∇L(x − s·g)‖, with the largest ‖Δ∇L‖ / ‖s·g‖ (effective β-smoothness).
    static func landscape(_ model: Sequential, batch: Batch, stepSizes: [Float])
        throws -> (losses: [Double], gradientDistances: [Double], beta: Double) {
        let snapshot = ModelSnapshot(of: model)
        defer { snapshot.restore() }
        let params = model.parameters()
        let g = params.map { snapshot.grad(of: $0) ?? $0.grad }
        let w = params.map { snapshot.value(of: $0) ?? $0.value }
        let gNorm = norm(g)
        var losses: [Double] = [], distances: [Double] = []
        var beta = 0.0
        for s in stepSizes {
            for (k, p) in params.enumerated() {
                var moved = w[k]
                moved.add(g[k], scaledBy: -s)
                p.value = moved
            }
            let loss = try gradient(model, batch)
            let d = distance(g, params.map(\.grad))
            losses.append(Double(loss))
            distances.append(d)
            beta = max(beta, d / (Double(s) * gNorm))
        }
        return (losses, distances, beta)
    }

    /// Forward and backward on `batch` in training mode, with gradients zeroed first; returns the loss.
    @discardableResult
    static func gradient(_ model: Sequential, _ batch: Batch) throws -> Float {
        for p in model.parameters() { p.grad.zero() }
        let logits = model.forward(batch.images)
        let (loss, dLogits) = try crossEntropy(logits: logits, labels: batch.labels)
        _ = model.backward(dLogits)
        return loss
    }

    // MARK: - Vector arithmetic, in Double

    static func norm(_ t: Tensor) -> Double { norm([t]) }

    static func norm(_ ts: [Tensor]) -> Double {
        var s = 0.0
        for t in ts { for v in t.data { s += Double(v) * Double(v) } }
        return s.squareRoot()
    }

    static func distance(_ a: Tensor, _ b: Tensor) -> Double { distance([a], [b]) }

    static func distance(_ a: [Tensor], _ b: [Tensor]) -> Double {
        var s = 0.0
        for (x, y) in zip(a, b) {
            for (u, v) in zip(x.data, y.data) { let d = Double(u) - Double(v); s += d * d }
        }
        return s.squareRoot()
    }

    static func cosine(_ a: Tensor, _ b: Tensor) -> Double {
        var (ab, aa, bb) = (0.0, 0.0, 0.0)
        for (u, v) in zip(a.data, b.data) {
            ab += Double(u) * Double(v); aa += Double(u) * Double(u); bb += Double(v) * Double(v)
        }
        return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : .nan
    }
}
