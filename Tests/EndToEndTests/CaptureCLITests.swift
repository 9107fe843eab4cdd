import Foundation
import Testing

/// `bnlab capture`: feature-map grids of a checkpoint from `bnlab train --save`, and one-line errors.
@Suite(.serialized) struct CaptureCLITests {
    let dir: URL = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-capture-\(UUID())")

    @Test func capturesEveryConvolutionAndRejectsBadInput() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("m.safetensors").path
        let trained = try CLI.run(["train", "--dataset", "synthetic", "--model", "convnet-bn", "--train-limit", "128", "--save", model])
        #expect(trained.status == 0, "\(trained.err)")

        let out = dir.appendingPathComponent("maps").path
        let ok = try CLI.run(["capture", "--load", model, "--dataset", "synthetic", "--formats", "png,svg", "--out", out])
        #expect(ok.status == 0, "\(ok.err)")
        for name in ["m-conv1.png", "m-conv1.svg", "m-conv2.png", "m-conv2.svg"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(name)"), "\(name)")
        }
        let one = try CLI.run(["capture", "--load", model, "--dataset", "synthetic", "--layer", "conv2", "--class", "1", "--images", "3", "--out", out])
        #expect(one.status == 0 && one.out.contains("m-conv2.png") && !one.out.contains("conv1"), "\(one.err)")

        func error(_ arguments: [String]) throws -> (Int32, String) {
            let r = try CLI.run(["capture", "--dataset", "synthetic", "--out", out] + arguments)
            return (r.status, r.err.split(separator: "\n").first.map(String.init) ?? "")
        }
        let missing = try error(["--load", dir.appendingPathComponent("nope.safetensors").path])
        #expect(missing.0 == 2 && missing.1.contains("nope.safetensors") && missing.1.contains("no such file"))
        let junk = dir.appendingPathComponent("junk.safetensors")
        try Data("not a checkpoint".utf8).write(to: junk)
        let bad = try error(["--load", junk.path])
        #expect(bad.0 == 2 && bad.1.contains("junk.safetensors") && bad.1.contains("not a usable safetensors checkpoint"))
        let layer = try error(["--load", model, "--layer", "conv9"])
        #expect(layer.0 == 64 && layer.1 == "Error: --layer conv9: model convnet-bn has no convolution 'conv9'; its convolutions: conv1, conv2")
        let cls = try error(["--load", model, "--class", "12"])
        #expect(cls.0 == 64 && cls.1.hasPrefix("Error: --class 12: the classes are 0–"), "\(cls)")
        let count = try error(["--load", model, "--images", "500"])
        #expect(count.0 == 64 && count.1.contains("--images: must be between 1 and 100, got 500"))
        let asFile = try error(["--load", model, "--out", model])
        #expect(asFile.0 == 2 && asFile.1.contains("--out"))
        // nothing half-written is left behind
        let left = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(left.allSatisfy { !$0.hasSuffix(".partial") })
    }
}
