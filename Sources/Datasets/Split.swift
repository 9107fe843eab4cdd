/// Which part of a dataset: the training images or the held-out test images.
public enum Split: String, Sendable, Codable, CaseIterable {
    case train
    case test
}
