import ArgumentParser
import Charts
import Datasets
import Engine
import Foundation
import Report
import Studies
import Training

/// `bnlab capture`: the activation study's feature-map grids for a saved checkpoint.
struct Capture: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a checkpoint's convolution feature maps for a few test images (PNG, SVG, PDF).",
        discussion: """
            Loads a checkpoint written by `bnlab train --save`, runs test images through it in \
            evaluation mode with forward hooks on each convolution's activation (its ReLU), and draws \
            one grid per convolution: a row per image with the image on the left, a column per \
            channel, one colour scale with a colorbar. Files: DIR/<checkpoint>-<layer>.png (and .svg, \
            .pdf with --formats), at twice the report's resolution for sharp docs.
            Images: by default the first test image of each class; --images N the first N test \
            images; --class K the first 10 (or --images N) test images of class K.
            Examples:
              bnlab train --model convnet-bn --epochs 2 --save convnet.safetensors
              bnlab capture --load convnet.safetensors --out maps
              bnlab capture --load convnet.safetensors --layer conv2 --class 3 --images 6 --formats png,svg --out maps
            """)

    @Option(help: ArgumentHelp("The checkpoint (`bnlab train --save`).", valueName: "file.safetensors")) var load: String
    @Option(help: ArgumentHelp("One convolution to draw (its child name, e.g. conv2); default: every convolution.", valueName: "name"))
    var layer: String?
    @Option(help: ArgumentHelp("How many test images (1–100): the first N, or the first N of --class.", valueName: "N")) var images: Int?
    @Option(name: .customLong("class"), help: ArgumentHelp("Only test images of this class (0-based).", valueName: "K"))
    var classIndex: Int?
    @Option(help: ArgumentHelp("Figure formats: png, svg, pdf (comma-separated; PNG is always written).", valueName: "list"))
    var formats: String = "png"
    @Option(help: ArgumentHelp("Output directory (created if missing).", valueName: "dir")) var out: String
    @OptionGroup var data: DataOptions

    static let maxImages = 100

    func run() throws {
        let imageFormats = try parseFormats(formats)
        if let n = images, !(1...Self.maxImages).contains(n) {
            throw ValidationError("--images: must be between 1 and \(Self.maxImages), got \(n)")
        }
        if let problem = FileProblem.notARegularFile(load) { throw InputError("--load \(load): \(problem)") }
        if FileManager.default.fileExists(atPath: out), let problem = FileProblem.notADirectory(out) {
            throw InputError("--out \(out): \(problem)")
        }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.read(from: URL(fileURLWithPath: load)) } catch {
            var message = "\(error)"
            if message.hasPrefix("safetensors: ") { message = "not a usable safetensors checkpoint: " + message.dropFirst(13) }
            throw InputError("--load \(load): \(message)")
        }
        let model = checkpoint.model
        let probes = FeatureMapCapture.probes(of: model)
        guard !probes.isEmpty else {
            throw InputError("--load \(load): model \(checkpoint.spec) has no convolution layers; capture draws convolution feature maps")
        }
        var chosen = probes
        if let layer {
            guard let probe = probes.first(where: { $0.convolution == layer }) else {
                throw ValidationError("--layer \(layer): model \(checkpoint.spec) has no convolution '\(layer)'; its convolutions: "
                                      + probes.map(\.convolution).joined(separator: ", "))
            }
            chosen = [probe]
        }
        let sets = try data.load()
        let test = sets.test
        guard checkpoint.spec.inputShape == [test.channels, test.height, test.width] else {
            throw InputError("--load \(load): the checkpoint expects \(checkpoint.spec.inputShape) inputs; the dataset has "
                             + "[\(test.channels), \(test.height), \(test.width)]")
        }
        let indices = try imageIndices(test, classNames: sets.classNames)

        let directory = URL(fileURLWithPath: out, isDirectory: true)
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw InputError("--out \(out): cannot create: \(FileProblem.reason(error, path: out))")
        }
        let normalization = checkpoint.normalization ?? sets.normalization
        let batch = BatchLoader(test, normalization: normalization, batchSize: indices.count).batch(indices)
        model.eval()
        let maps = try FeatureMapCapture.capture(model, images: batch.images, probes: chosen)
        let captured = CaptureImages(test, indices: indices)
        let stem = URL(fileURLWithPath: load).deletingPathExtension().lastPathComponent
        for m in maps {
            let figure = FeatureMapFigure.grid(m, images: captured, classNames: sets.classNames,
                                               title: "\(checkpoint.spec), \(m.layer) after its activation")
            let metadata = FigureMetadata(title: "\(stem): \(m.layer) feature maps", software: "bnlab \(bnlabVersion)", source: load)
            for format in imageFormats {
                let url = directory.appendingPathComponent("\(stem)-\(m.layer).\(format.rawValue)")
                // written beside its final name, then renamed: a failed write leaves no half file
                let temporary = directory.appendingPathComponent(".\(stem)-\(m.layer).\(format.rawValue).partial")
                do {
                    try figure.render(to: temporary, format: format, dpi: 200, metadata: metadata)
                    _ = try? FileManager.default.removeItem(at: url)
                    try FileManager.default.moveItem(at: temporary, to: url)
                } catch {
                    try? FileManager.default.removeItem(at: temporary)
                    throw InputError("--out \(out): cannot write \(url.lastPathComponent): \(FileProblem.reason(error, path: url.path))")
                }
                print("wrote \(url.path)")
            }
        }
    }

    /// The test images to draw, from --images and --class.
    func imageIndices(_ test: ImageSet, classNames: [String]) throws -> [Int] {
        if let k = classIndex {
            guard (0..<test.classCount).contains(k) else {
                let names = classNames.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", ")
                throw ValidationError("--class \(k): the classes are 0–\(test.classCount - 1)" + (names.isEmpty ? "" : " (\(names))"))
            }
            let n = images ?? 10
            let found = test.labels.indices.filter { Int(test.labels[$0]) == k }.prefix(n)
            guard !found.isEmpty else { throw InputError("--class \(k): the test set has no image of this class") }
            return Array(found)
        }
        if let n = images { return Array(0..<min(n, test.count)) }
        return FeatureMapCapture.onePerClass(test)
    }
}
