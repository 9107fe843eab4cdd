import Foundation

/// Fashion-MNIST: 60,000 training and 10,000 test greyscale 28×28 images of 10 clothing classes, as IDX files.
public enum FashionMNIST {
    /// Where the Debian package `dataset-fashion-mnist` installs the files.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

    /// The class names, indexed by label.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// What to do when the files are missing.
    public static let installHelp = "Install Fashion-MNIST with `apt-get install dataset-fashion-mnist` (files go to \(defaultDirectory)), or pass --data DIR pointing at a directory holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (gzip-compressed or not)."

    /// The base file names (without `.gz`) of a split's images and labels.
    public static func fileNames(_ split: Split) -> (images: String, labels: String) {
        let prefix = split == .train ? "train" : "t10k"
        return ("\(prefix)-images-idx3-ubyte", "\(prefix)-labels-idx1-ubyte")
    }

    /// Loads one split from `directory`, accepting `NAME.gz` or the uncompressed `NAME`.
    public static func load(_ split: Split, directory: String = defaultDirectory) throws(DatasetError) -> ImageSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw .notFound(path: directory, help: installHelp)
        }
        if let problem = FileProblem.notADirectory(directory) { throw .unreadable(file: directory, reason: problem) }
        let names = fileNames(split)
        func locate(_ name: String) throws(DatasetError) -> String {
            guard let path = DataFile.find(["\(name).gz", name], in: directory) else {
                throw .notFound(path: (directory as NSString).appendingPathComponent("\(name).gz"), help: installHelp)
            }
            return path
        }
        let imagesPath = try locate(names.images)
        let set = try IDX.loadImageSet(images: imagesPath, labels: try locate(names.labels), classCount: 10, help: installHelp)
        guard set.count > 0 else {
            throw .corrupt(file: DataFile.displayName(imagesPath), reason: "holds no images; a dataset needs at least one to train or test on")
        }
        guard set.height == 28 && set.width == 28 else {
            throw .corrupt(file: DataFile.displayName(imagesPath), reason: "wrong dimensions: Fashion-MNIST images are 28×28, file has \(set.height)×\(set.width)")
        }
        return set
    }
}
