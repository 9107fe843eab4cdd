// MARK: - Building a model from its spec

extension ModelSpec {
    /// Builds the network with freshly initialised weights drawn from `rng`.
    ///
    /// Weights are drawn in layer order and normalisation layers draw nothing, so a spec and its
    /// `withNorm(_:)` twin built from equal generators start with identical convolution and linear
    /// weights. Child names follow the PyTorch classes (`conv1`, `bn1`, `fc`; `0`, `1`, … for `deep`)
    /// so state_dict keys match.
    ///
    /// The first convolution skips its input gradient (as PyTorch does for inputs that do not
    /// require grad) unless `inputGradient` is true; so does the model, whose backward then stops
    /// below its first trainable layer once a backbone is frozen.
    public func build(rng: inout SeededGenerator, initialization: Initialization = .pytorchDefault,
                      inputGradient: Bool = false) throws -> Sequential {
        try validate()
        let model = try layers(rng: &rng, initialization: initialization)
        if dropoutPlacement != nil {
            // drawn after every weight, so the arms with and without dropout share their weights
            var masks = rng.split()
            for case let d as Dropout in model.allModules() { d.generator = SeededGenerator(seed: masks.next()) }
        }
        model.computesInputGradient = inputGradient
        // the first layer that computes (the MLPs': the Linear after Flatten) needs no dL/dx either
        switch model.layers.first(where: { !($0.1 is Flatten) })?.1 {
        case let conv as Conv2d: conv.computesInputGradient = inputGradient
        case let rnn as SequenceRNN: rnn.computesInputGradient = inputGradient
        case let linear as Linear: linear.computesInputGradient = inputGradient
        default: break
        }
        return model
    }

    private func layers(rng: inout SeededGenerator, initialization: Initialization) throws -> Sequential {
        let (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        let flat = 32 * (h / 4) * (w / 4)
        func conv(_ i: Int, _ o: Int) throws -> Conv2d {
            try Conv2d(inChannels: i, outChannels: o, kernelSize: 3, padding: 1, initialization: initialization, rng: &rng)
        }
        switch family {
        case .convnet, .convnetBN, .convnetBNDropout:
            let bn = norm == .batch
            var layers: [(String, any Layer)] = [("conv1", try conv(c, 16))]
            if bn { layers.append(("bn1", batchNorm2d(16))) }
            layers += [("relu1", ReLU()), ("pool1", try MaxPool2d(kernelSize: 2)), ("conv2", try conv(16, 32))]
            if bn { layers.append(("bn2", batchNorm2d(32))) }
            layers += [("relu2", ReLU()), ("pool2", try MaxPool2d(kernelSize: 2)), ("flatten", Flatten())]
            if family == .convnetBNDropout { layers.append(("dropout", try Dropout(p: dropout, seed: rng.next()))) }
            layers.append(("fc", try Linear(inFeatures: flat, outFeatures: classes, initialization: initialization, rng: &rng)))
            return try Sequential(layers)

        case .deep:
            // The same network as torch_lr_sweep.py's nn.Sequential: widths 16, 32, 32, …; a 2×2 pool
            // after each of the first two blocks; children are numbered as nn.Sequential numbers them.
            var layers: [any Layer] = []
            var (channels, side) = (c, (h, w))
            for i in 0..<depth {
                let width = i == 0 ? 16 : 32
                if i > 0, dropoutPlacement == .beforeNorm { layers.append(try Dropout(p: dropout, seed: 0)) }
                layers.append(try conv(channels, width))
                if let n = normLayer(width, side) { layers.append(n) }
                layers.append(ReLU())
                if i < 2 {
                    layers.append(try MaxPool2d(kernelSize: 2))
                    side = (side.0 / 2, side.1 / 2)
                }
                channels = width
            }
            layers.append(Flatten())
            if dropoutPlacement == .afterNorm { layers.append(try Dropout(p: dropout, seed: 0)) }
            layers.append(try Linear(inFeatures: flat, outFeatures: classes, initialization: initialization, rng: &rng))
            return Sequential(layers)

        case .mlpSigmoid, .mlpSigmoidBN:
            // Ioffe & Szegedy (arXiv:1502.03167) §4.1: 784-100-100-100-10, sigmoid units, BN before
            // each sigmoid in the BN twin; weights N(0, std²) when the spec says so.
            let initialization = weightStd.map { Initialization.normal(std: $0) } ?? initialization
            var layers: [(String, any Layer)] = [("flatten", Flatten())]
            var width = c * h * w
            for i in 1...Self.mlpHiddenLayers {
                layers.append(("fc\(i)", try Linear(inFeatures: width, outFeatures: Self.mlpWidth, initialization: initialization, rng: &rng)))
                if norm == .batch { layers.append(("bn\(i)", batchNorm1d(Self.mlpWidth))) }
                layers.append(("sigmoid\(i)", Sigmoid()))
                width = Self.mlpWidth
            }
            layers.append(("fc", try Linear(inFeatures: width, outFeatures: classes, initialization: initialization, rng: &rng)))
            return try Sequential(layers)
        case .rnn, .rnnBNShared, .rnnBNStep, .rnnLN:
            return try recurrentLayers(rng: &rng, initialization: initialization)
        }
    }

    /// A BatchNorm1d with this spec's running-statistics options.
    private func batchNorm1d(_ features: Int) -> BatchNorm1d {
        let o = batchNorm ?? BatchNormOptions()
        return BatchNorm1d(numFeatures: features, momentum: o.momentum.value, trackRunningStats: o.trackRunningStats)
    }

    /// A BatchNorm2d with this spec's running-statistics options.
    private func batchNorm2d(_ channels: Int) -> BatchNorm2d {
        let o = batchNorm ?? BatchNormOptions()
        return BatchNorm2d(numFeatures: channels, momentum: o.momentum.value, trackRunningStats: o.trackRunningStats)
    }

    /// The normalisation layer of a `deep` block; `side` is the block's spatial size.
    private func normLayer(_ channels: Int, _ side: (Int, Int)) -> (any Layer)? {
        switch norm {
        case .none: return nil
        case .batch: return batchNorm2d(channels)
        // nn.LayerNorm([C, H, W]): statistics and affine over the whole feature map.
        case .layer: return LayerNorm(normalizedShape: [channels, side.0, side.1])
        // Wu & He's groups of channels; 8 groups of 2 or 4 channels at these widths.
        case .group: return GroupNorm(numGroups: groups ?? Self.defaultGroups, numChannels: channels)
        // Affine, unlike PyTorch's default, so every arm has the same learnable scale and shift.
        case .instance: return InstanceNorm2d(numFeatures: channels, affine: true)
        }
    }

    /// The PyTorch expression that builds the same architecture (for docs and `bnlab models`).
    public var pytorchEquivalent: String {
        switch family {
        case .deep:
            return "nn.Sequential of conv(3×3)-[norm]-ReLU blocks, widths 16, 32, 32, …, a 2×2 max-pool after the first two, "
                + "then Flatten and Linear (net(bn=\(norm == .batch ? "True" : "False"), depth=\(depth)) in PyTorch)" +
                (norm == .batch || norm == .none ? "" : " with \(norm.rawValue) norm in place of BatchNorm2d")
        case .mlpSigmoid, .mlpSigmoidBN:
            return "Ioffe & Szegedy's MLP: Flatten, then fc1-[bn1]-Sigmoid, fc2-[bn2]-Sigmoid, fc3-[bn3]-Sigmoid of width \(Self.mlpWidth), fc"
                + (norm == .batch ? " (BatchNorm1d before each sigmoid)" : "")
                + (weightStd.map { ", weights N(0, \($0)²), biases 0" } ?? "")
        case .rnn, .rnnBNShared, .rnnBNStep, .rnnLN:
            return recurrentPyTorchEquivalent
        default:
            return "a ConvNet: conv1(16)-bn1-ReLU-pool, conv2(32)-bn2-ReLU-pool, fc" + (norm == .batch ? "" : ", without bn1/bn2")
                + (family == .convnetBNDropout ? ", with nn.Dropout(\(dropout)) before fc" : "")
        }
    }
}
