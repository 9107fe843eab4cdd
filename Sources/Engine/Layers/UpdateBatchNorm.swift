/// Every module of a tree, depth first in registration order (PyTorch's `model.modules()`).
extension Module {
    public func allModules() -> [any Module] {
        [self] + children.flatMap { $0.1.allModules() }
    }

    /// The BatchNorm layers of the tree (`BatchNorm1d` and `BatchNorm2d`) with their dotted names.
    public func namedBatchNorms(prefix: String = "") -> [(String, BatchNorm)] {
        var out: [(String, BatchNorm)] = []
        if let bn = self as? BatchNorm { out.append((prefix, bn)) }
        for (name, child) in children {
            out += child.namedBatchNorms(prefix: prefix.isEmpty ? name : "\(prefix).\(name)")
        }
        return out
    }
}

/// Recomputes every BatchNorm's running statistics from `inputs` under the current weights, as
/// `torch.optim.swa_utils.update_bn(loader, model)`: each BatchNorm's running statistics are reset
/// (`reset_running_stats`), its momentum set to `nil` (the cumulative average, factor
/// 1 / `num_batches_tracked`), the model runs forward in training mode on every batch without
/// gradients, then the momenta and the model's mode are put back (`model.train(was_training)`,
/// which sets every module to the root's mode). The result is the average of the batch means and
/// of the unbiased batch variances, each batch weighing the same.
///
/// `update_bn` runs dropout in training mode too; with `dropoutOff` the `Dropout` layers stay in
/// evaluation mode during the pass (Li et al.'s fix for the variance shift), which also leaves
/// their generators untouched. BatchNorms without running statistics are left as they are.
public func updateBatchNorm(_ model: some Layer, inputs: some Sequence<Tensor>, dropoutOff: Bool = false) {
    let norms = model.namedBatchNorms().map(\.1)
    guard !norms.isEmpty else { return }
    let momenta = norms.map(\.momentum)
    for bn in norms {
        bn.resetRunningStats()
        bn.momentum = nil
    }
    let wasTraining = model.isTraining
    model.train()
    if dropoutOff {
        for case let d as Dropout in model.allModules() { d.isTraining = false }
    }
    GradientMode.disabled {
        for x in inputs {
            _ = model.forward(x)
        }
    }
    for (bn, m) in zip(norms, momenta) { bn.momentum = m }
    wasTraining ? model.train() : model.eval()
}
