/// A labelled set of images kept as uint8 pixels (the full Fashion-MNIST training set is 47 MB this way,
/// 188 MB as Float); batches are converted to normalised Float on demand.
public struct ImageSet: Sendable, Equatable {
    /// Pixel values 0...255; pixels: [count, channels, height, width], channel-major (NCHW).
    public var pixels: [UInt8]
    /// One class index per image, each in 0..<classCount.
    public var labels: [UInt8]
    public let count: Int
    public let channels: Int
    public let height: Int
    public let width: Int
    /// The number of classes (labels lie in 0..<classCount).
    public let classCount: Int

    /// Creates a set from NCHW pixels and labels (programmer input: sizes are checked by precondition;
    /// readers validate file contents and throw before getting here).
    public init(pixels: [UInt8], labels: [UInt8], channels: Int, height: Int, width: Int, classCount: Int) {
        precondition(channels > 0 && height > 0 && width > 0 && classCount > 0, "non-positive image dimensions or class count")
        precondition(pixels.count == labels.count * channels * height * width,
                     "\(pixels.count) pixels do not fill \(labels.count) images of \(channels)×\(height)×\(width)")
        precondition(labels.allSatisfy { Int($0) < classCount }, "label outside 0..<\(classCount)")
        self.pixels = pixels
        self.labels = labels
        self.count = labels.count
        self.channels = channels
        self.height = height
        self.width = width
        self.classCount = classCount
    }

    /// Elements per image, C·H·W.
    public var imageSize: Int { channels * height * width }

    /// The shape of the whole set as a tensor, [N, C, H, W].
    public var shape: [Int] { [count, channels, height, width] }

    /// How many images each class has, indexed by label.
    public func classCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    // MARK: - Selecting images

    /// The images at `indices`, in that order (indices may repeat).
    public func subset(_ indices: some Collection<Int>) -> ImageSet {
        let size = imageSize
        var newPixels = [UInt8](repeating: 0, count: indices.count * size)
        var newLabels = [UInt8](); newLabels.reserveCapacity(indices.count)
        pixels.withUnsafeBufferPointer { src in
            newPixels.withUnsafeMutableBufferPointer { dst in
                for (row, i) in indices.enumerated() {
                    precondition(i >= 0 && i < count, "index \(i) out of range 0..<\(count)")
                    (dst.baseAddress! + row * size).update(from: src.baseAddress! + i * size, count: size)
                    newLabels.append(labels[i])
                }
            }
        }
        return ImageSet(pixels: newPixels, labels: newLabels, channels: channels, height: height, width: width, classCount: classCount)
    }

    /// The first `n` images (all of them if `n >= count`).
    public func prefix(_ n: Int) -> ImageSet {
        let n = max(0, min(n, count))
        return ImageSet(pixels: Array(pixels[..<(n * imageSize)]), labels: Array(labels[..<n]),
                        channels: channels, height: height, width: width, classCount: classCount)
    }

    /// Sets of the same image shape and class count, one after the other (e.g. CIFAR-10's five training batches).
    public static func concatenate(_ sets: [ImageSet]) -> ImageSet {
        precondition(!sets.isEmpty, "nothing to concatenate")
        let first = sets[0]
        precondition(sets.allSatisfy { $0.channels == first.channels && $0.height == first.height && $0.width == first.width && $0.classCount == first.classCount },
                     "concatenated sets must share image shape and class count")
        return ImageSet(pixels: sets.flatMap(\.pixels), labels: sets.flatMap(\.labels),
                        channels: first.channels, height: first.height, width: first.width, classCount: first.classCount)
    }
}
