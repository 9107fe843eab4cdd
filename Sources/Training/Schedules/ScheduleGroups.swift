import Engine

/// The hyper-parameters schedulers drive, one entry per optimizer parameter group, as the keys of
/// torch's `param_groups` dicts; kept in Double as PyTorch keeps Python floats, and copied to an
/// `SGD` with `apply(to:)`.
public final class ScheduleGroups {
    /// One parameter group's scheduled values.
    public struct Group: Equatable, Sendable {
        public var lr: Double
        public var momentum: Double
        /// `initial_lr`, set by the first scheduler attached (or by `OneCycleLR`).
        public var initialLR: Double?
        /// `OneCycleLR`'s `max_lr`, `min_lr`, `max_momentum` and `base_momentum`.
        public var maxLR: Double?
        public var minLR: Double?
        public var maxMomentum: Double?
        public var baseMomentum: Double?

        public init(lr: Double, momentum: Double = 0) { (self.lr, self.momentum) = (lr, momentum) }
    }

    public var groups: [Group]

    public init(_ groups: [Group]) { self.groups = groups }

    /// Groups with these learning rates (and momenta, default 0).
    public convenience init(lrs: [Double], momenta: [Double]? = nil) {
        self.init(lrs.indices.map { Group(lr: lrs[$0], momentum: momenta?[$0] ?? 0) })
    }

    /// The groups of `optimizer`, with its current learning rates and momenta.
    public convenience init(optimizer: SGD) {
        self.init(optimizer.paramGroups.map { Group(lr: Double($0.lr), momentum: Double($0.momentum)) })
    }

    /// The learning rate of every group.
    public var lrs: [Double] { groups.map(\.lr) }
    /// The momentum of every group.
    public var momenta: [Double] { groups.map(\.momentum) }

    /// Writes every group's learning rate and momentum into `optimizer`'s groups of the same index.
    public func apply(to optimizer: SGD) {
        for i in optimizer.paramGroups.indices where i < groups.count {
            optimizer.paramGroups[i].lr = Float(groups[i].lr)
            optimizer.paramGroups[i].momentum = Float(groups[i].momentum)
        }
    }
}
