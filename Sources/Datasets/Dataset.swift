/// A dataset ready for training: both splits, the normalisation to apply and the class names.
public struct Dataset: Sendable {
    public let name: DatasetName
    public let train: ImageSet
    public let test: ImageSet
    /// Fashion-MNIST uses its customary constants; the others are fitted on their training split.
    public let normalization: Normalization
    /// Class names indexed by label.
    public let classNames: [String]

    /// Creates a dataset from its parts (train and test must share image shape and classes).
    public init(name: DatasetName, train: ImageSet, test: ImageSet, normalization: Normalization, classNames: [String]) {
        precondition(train.channels == test.channels && train.height == test.height && train.width == test.width
                     && train.classCount == test.classCount && classNames.count == train.classCount,
                     "train and test splits disagree in shape or classes")
        self.name = name
        self.train = train
        self.test = test
        self.normalization = normalization
        self.classNames = classNames
    }

    /// Loads a dataset by name. `directory` overrides the default location (Fashion-MNIST's
    /// `/usr/share/datasets/fashion-mnist`; CIFAR-10 has none); `synthetic` and the counts
    /// describe the synthetic set and are ignored by the others.
    public static func load(_ name: DatasetName, directory: String? = nil,
                            synthetic: SyntheticImages = SyntheticImages(),
                            syntheticTrainCount: Int = 6000, syntheticTestCount: Int = 1000) throws(DatasetError) -> Dataset {
        let dataset = try loadSplits(name, directory: directory, synthetic: synthetic,
                                     syntheticTrainCount: syntheticTrainCount, syntheticTestCount: syntheticTestCount)
        // An empty split would "train" to a loss of 0 and test to an accuracy of nan.
        for (split, set) in [("training", dataset.train), ("test", dataset.test)] where set.count == 0 {
            throw .mismatch("\(name.rawValue)\(directory.map { " in \($0)" } ?? ""): the \(split) split holds no images")
        }
        return dataset
    }

    private static func loadSplits(_ name: DatasetName, directory: String?, synthetic: SyntheticImages,
                                   syntheticTrainCount: Int, syntheticTestCount: Int) throws(DatasetError) -> Dataset {
        switch name {
        case .fashionMNIST:
            let directory = directory ?? FashionMNIST.defaultDirectory
            let train = try FashionMNIST.load(.train, directory: directory)
            let test = try FashionMNIST.load(.test, directory: directory)
            return Dataset(name: name, train: train, test: test, normalization: .fashionMNIST, classNames: FashionMNIST.classNames)
        case .cifar10:
            guard let directory else {
                throw .notFound(path: "CIFAR-10 directory", help: CIFAR10.installHelp)
            }
            let train = try CIFAR10.load(.train, directory: directory)
            let test = try CIFAR10.load(.test, directory: directory)
            return Dataset(name: name, train: train, test: test, normalization: .fit(train), classNames: CIFAR10.classNames)
        case .synthetic:
            let train = synthetic.generate(count: syntheticTrainCount, split: .train)
            let test = synthetic.generate(count: syntheticTestCount, split: .test)
            return Dataset(name: name, train: train, test: test, normalization: .fit(train),
                           classNames: (0..<synthetic.classCount).map { "class \($0)" })
        }
    }
}
