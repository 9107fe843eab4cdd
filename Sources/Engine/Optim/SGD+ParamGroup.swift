extension SGD {
    /// Parameters that share hyper-parameters, as an entry of torch's `optimizer.param_groups`;
    /// change `lr` or `momentum` between steps to follow a schedule.
    public struct ParamGroup {
        public var parameters: [Parameter]
        public var lr: Float
        public var momentum: Float
        public var dampening: Float
        public var weightDecay: Float
        public var nesterov: Bool

        public init(parameters: [Parameter], lr: Float = 1e-3, momentum: Float = 0, dampening: Float = 0,
                    weightDecay: Float = 0, nesterov: Bool = false) {
            self.parameters = parameters
            self.lr = lr
            self.momentum = momentum
            self.dampening = dampening
            self.weightDecay = weightDecay
            self.nesterov = nesterov
        }

        /// Throws what torch's `SGD.__init__` throws for these values.
        func validate() throws(OptimizerError) {
            guard lr >= 0 else { throw .invalidArgument("lr", lr) }
            guard momentum >= 0 else { throw .invalidArgument("momentum", momentum) }
            guard weightDecay >= 0 else { throw .invalidArgument("weight_decay", weightDecay) }
            guard !nesterov || (momentum > 0 && dampening == 0) else { throw .nesterovRequiresMomentum }
        }
    }
}
