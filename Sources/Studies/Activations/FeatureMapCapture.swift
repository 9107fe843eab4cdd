import Datasets
import Engine

/// One convolution layer's post-activation maps for a few images.
public struct FeatureMaps: Sendable, Equatable {
    /// The convolution's child name (`conv1`, or `3` in a `deep` network).
    public var layer: String
    /// values: [images, channels, height, width]
    public var values: [Float]
    public var images: Int
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(layer: String, values: [Float], images: Int, channels: Int, height: Int, width: Int) {
        self.layer = layer; self.values = values
        self.images = images; self.channels = channels; self.height = height; self.width = width
    }

    /// The map of one image and channel, row-major [height, width].
    public func map(image: Int, channel: Int) -> ArraySlice<Float> {
        let size = height * width, start = (image * channels + channel) * size
        return values[start..<(start + size)]
    }
}

/// The input images of a capture, for drawing beside their maps: pixels in [0, 1] (the mean over
/// colour channels) and labels.
public struct CaptureImages: Sendable, Equatable {
    /// pixels: [count, height, width]
    public var pixels: [Float]
    public var labels: [Int]
    public var height: Int
    public var width: Int
    public var count: Int { labels.count }

    public init(pixels: [Float], labels: [Int], height: Int, width: Int) {
        self.pixels = pixels; self.labels = labels; self.height = height; self.width = width
    }

    /// The images at `indices` of a set.
    public init(_ set: ImageSet, indices: [Int]) {
        let (c, h, w) = (set.channels, set.height, set.width)
        var pixels: [Float] = []
        pixels.reserveCapacity(indices.count * h * w)
        for i in indices {
            for k in 0..<(h * w) {
                var s: Float = 0
                for ch in 0..<c { s += Float(set.pixels[i * c * h * w + ch * h * w + k]) }
                pixels.append(s / Float(c) / 255)
            }
        }
        self.init(pixels: pixels, labels: indices.map { Int(set.labels[$0]) }, height: h, width: w)
    }
}

/// Forward hooks that read a network's feature maps: which layers, and one pass that captures them.
public enum FeatureMapCapture {
    /// A convolution and the layer whose output is its post-activation map.
    public struct Probe: Sendable, Equatable {
        /// The convolution's child name.
        public var convolution: String
        /// The first ReLU or Sigmoid after it (before the next convolution), else the convolution itself.
        public var activation: String
    }

    /// The model's top-level convolutions, in order, each with its activation.
    public static func probes(of model: Sequential) -> [Probe] {
        var out: [Probe] = []
        let layers = model.layers
        for (i, (name, layer)) in layers.enumerated() where layer is Conv2d {
            var activation = name
            for (next, l) in layers[(i + 1)...] {
                if l is Conv2d || l is Linear { break }
                if l is ReLU || l is Sigmoid { activation = next; break }
            }
            out.append(Probe(convolution: name, activation: activation))
        }
        return out
    }

    /// The first image of each class in `set`, in class order (classes without images are skipped).
    public static func onePerClass(_ set: ImageSet) -> [Int] {
        var first = [Int?](repeating: nil, count: set.classCount)
        for (i, label) in set.labels.enumerated() where Int(label) < first.count && first[Int(label)] == nil {
            first[Int(label)] = i
            if !first.contains(where: { $0 == nil }) { break }
        }
        return first.compactMap { $0 }
    }

    /// The post-activation maps of `probes` for `images: [N, C, H, W]` (normalised), from one forward
    /// pass without gradients in the model's current mode. Hooks are removed before returning.
    /// In training mode, BatchNorm uses the images' batch statistics and updates its running
    /// statistics: callers that must not change a run restore them (`ModelSnapshot`).
    public static func capture(_ model: Sequential, images: Tensor, probes: [Probe]) throws -> [FeatureMaps] {
        var maps = [FeatureMaps?](repeating: nil, count: probes.count)
        var handles: [HookHandle] = []
        defer { for h in handles { h.remove() } }
        for (k, probe) in probes.enumerated() {
            handles.append(try model.registerForwardHook(probe.activation) { call in
                let y = call.output
                guard y.rank == 4 else { return }
                maps[k] = FeatureMaps(layer: probe.convolution, values: y.data, images: y.shape[0], channels: y.shape[1],
                                      height: y.shape[2], width: y.shape[3])
            })
        }
        _ = GradientMode.disabled { model.forward(images) }
        return maps.compactMap { $0 }
    }
}
