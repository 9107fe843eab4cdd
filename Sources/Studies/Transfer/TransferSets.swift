import Datasets
import Engine
import Training

extension TransferStudy {
    /// A target data set: other classes, or the source's classes under a covariate shift of the inputs.
    public enum Target: String, Codable, Sendable, CaseIterable {
        /// Classes 5–9 (the second half of the classes), relabelled 0–4.
        case newClasses = "new-classes"
        /// Classes 0–4 at half the contrast on a grey background (p/2 + 64).
        case lowContrast = "low-contrast"
        /// Classes 0–4 with every pixel inverted (255 − p): white backgrounds.
        case inverted

        public var label: String {
            switch self {
            case .newClasses: "new classes (5–9)"
            case .inverted: "inverted images (classes 0–4)"
            case .lowContrast: "low contrast (classes 0–4)"
            }
        }

        /// A panel title: `low contrast (0–4)`.
        public var shortLabel: String {
            switch self {
            case .newClasses: "new classes (5–9)"
            case .inverted: "inverted (0–4)"
            case .lowContrast: "low contrast (0–4)"
            }
        }

        /// Whether the target shares the source's classes (so the source head still applies).
        public var sharesClasses: Bool { self != .newClasses }

        /// The shifted pixel value.
        func shift(_ p: UInt8) -> UInt8 {
            switch self {
            case .newClasses: p
            case .inverted: 255 - p
            case .lowContrast: p / 2 + 64
            }
        }
    }

    /// The images of one source/target pair, cut from the dataset: the source is the first half of
    /// the classes; a shifted target draws its training images from the source classes' images the
    /// pretraining did not use, and its test images from the same classes' test images, shifted.
    struct Sets {
        /// The first `sourceImages` training images of the source classes.
        var source: ImageSet
        var sourceTest: ImageSet
        /// The target's training images, every one a run may draw from.
        var pool: ImageSet
        var test: ImageSet
        /// Classes of the source (and of every target).
        var classes: Int

        init(target: Target, config: Config, train: ImageSet, test: ImageSet) throws(ConfigError) {
            let half = train.classCount / 2
            guard half >= 2 else {
                throw ConfigError(key: "\(TransferStudy.configKey)", message: "needs a dataset of at least 4 classes, got \(train.classCount)")
            }
            classes = half
            let sourceIndices = train.labels.indices.filter { Int(train.labels[$0]) < half }
            let used = Array(sourceIndices.prefix(config.sourceImages))
            source = Self.relabel(train.subset(used), classes: half, offset: 0)
            sourceTest = Self.relabel(test.subset(test.labels.indices.filter { Int(test.labels[$0]) < half }.prefix(config.testLimit)),
                                      classes: half, offset: 0)
            switch target {
            case .newClasses:
                let targetClass = { (l: UInt8) in Int(l) >= half && Int(l) < 2 * half }
                pool = Self.relabel(train.subset(train.labels.indices.filter { targetClass(train.labels[$0]) }), classes: half, offset: half)
                self.test = Self.relabel(test.subset(test.labels.indices.filter { targetClass(test.labels[$0]) }.prefix(config.testLimit)),
                                         classes: half, offset: half)
            case .inverted, .lowContrast:
                pool = Self.shifted(Self.relabel(train.subset(sourceIndices.dropFirst(used.count)), classes: half, offset: 0), by: target)
                self.test = Self.shifted(sourceTest, by: target)
            }
            guard pool.count >= 2 else {
                throw ConfigError(key: "\(TransferStudy.configKey).sourceImages",
                                  message: "leaves \(pool.count) training images of classes 0–\(half - 1) for the \(target.rawValue) target; it needs at least 2")
            }
            guard self.test.count >= 1, sourceTest.count >= 1, source.count >= 2 else {
                throw ConfigError(key: "\(TransferStudy.configKey)", message: "the dataset has too few images of the source or target classes")
            }
        }

        /// Labels moved down by `offset` into 0..<classes.
        static func relabel(_ set: ImageSet, classes: Int, offset: Int) -> ImageSet {
            ImageSet(pixels: set.pixels, labels: set.labels.map { $0 - UInt8(offset) }, channels: set.channels,
                     height: set.height, width: set.width, classCount: classes)
        }

        static func shifted(_ set: ImageSet, by target: Target) -> ImageSet {
            var out = set
            out.pixels = set.pixels.map(target.shift)
            return out
        }

        /// The `n` training images of a run (all of them for nil): a seeded random draw from the pool,
        /// the smaller sets inside the larger ones.
        func training(_ n: Int?, seed: UInt64) -> ImageSet {
            var rng = SeededGenerator(seed: seed ^ 0x5EED_DA7A)
            let order = Shuffle.permutation(pool.count, using: &rng)
            return pool.subset(order.prefix(min(n ?? pool.count, pool.count)))
        }
    }
}
