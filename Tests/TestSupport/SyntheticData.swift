import Datasets

/// A small synthetic dataset shared by the training and studies tests (seeded, so identical in every test).
public let synthetic: Dataset = {
    let gen = SyntheticImages(channels: 1, height: 12, width: 12, classCount: 4, noise: 0.3, seed: 5)
    // Built directly rather than with Dataset.load(.synthetic) to keep the images small.
    let train = gen.generate(count: 512, split: .train), test = gen.generate(count: 128, split: .test)
    return Dataset(name: .synthetic, train: train, test: test, normalization: .fit(train),
                   classNames: (0..<4).map { "class \($0)" })
}()
