@testable import Training
import Foundation
import Testing
@testable import Engine

@Suite struct SafeTensorsTests {
    // MARK: - Round trip

    @Test func roundTripPreservesTensorsAndMetadata() throws {
        var rng = SeededGenerator(seed: 31)
        let file = SafeTensors(tensors: [
            "conv.weight": .float(randomTensor([2, 1, 3, 3], &rng)),
            "bn.num_batches_tracked": .int64(shape: [], values: [7]),
            "odd": .float(randomTensor([3], &rng)),                  // 12 bytes: alignment of what follows
            "big": .int64(shape: [2], values: [Int64.min, 1 << 50]),
            "scalar": .float(Tensor(scalar: -0.0)),
            "empty": .float(Tensor(zeros: [0, 4])),
            "naïve \"quoted\"\n": .float(Tensor(shape: [1], data: [.infinity])),
        ], metadata: ["format": "pt", "note": "a \"quote\", a \\ and ünïcödé\t"])
        let bytes = file.serialized()
        let back = try SafeTensors(bytes: bytes)
        #expect(back == file)

        // header size is a multiple of 8 and the I64 tensors precede the F32 ones (Rust order)
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.1) << (8 * $1.0) }
        #expect(n % 8 == 0)
        let header = String(decoding: bytes[8..<8 + n], as: UTF8.self)
        let positions = ["big", "bn.num_batches_tracked", "conv.weight", "empty"].map {
            header.range(of: "\"\($0)\"")!.lowerBound
        }
        #expect(positions == positions.sorted())

        // through a file too
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bnlab-safetensors-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try file.write(to: url)
        #expect(try SafeTensors(contentsOf: url) == file)
    }

    @Test func lookupsThrowClearErrors() throws {
        let file = SafeTensors(tensors: ["w": .float(Tensor(zeros: [2])), "n": .int64(shape: [1], values: [3])])
        #expect(throws: SafeTensorsError.missingTensor("nope")) { try file.tensor("nope") }
        #expect(throws: SafeTensorsError.wrongKind(tensor: "w", expected: "an integer tensor")) { try file.int64s("w") }
        #expect(try file.tensor("n") == Tensor(shape: [1], data: [3]))
        #expect(StoredTensor.integers(Tensor(shape: [3], data: [2, .nan, 1e30])) == .int64(shape: [3], values: [2, 0, .max]))
    }

    // MARK: - Files written by Python

    @Test func readsEveryDTypeWrittenByPython() throws {
        let f = try fixture("dtypes")
        #expect(f.metadata == ["written_by": "python safetensors", "note": "dtype coverage"])
        #expect(try f.tensor("f32") == Tensor(shape: [2, 3], data: [-0.5, -0.25, 0, 0.25, 0.5, 0.75]))
        #expect(try f.tensor("f64") == Tensor(shape: [2, 2], data: [1.5, -2.25, Float(1e-3 as Double), 3e10]))
        #expect(try f.tensor("f16") == Tensor(shape: [5], data: [0.5, -1, 65504, 6.103515625e-05, 0]))
        #expect(try f.tensor("bf16") == Tensor(shape: [3], data: [1, -3.5, 9.972771e19]))
        #expect(try f.int64s("i64") == [0, -1, 1 << 40, 7])
        #expect(f["i32"] == .int64(shape: [1, 2], values: [3, -4]))
        #expect(try f.tensor("scalar") == Tensor(scalar: 2.5))
        #expect(try f.tensor("empty").shape == [0, 3])
        #expect(f.names.count == 8)
    }

    @Test func readsTheConvNetFixtureState() throws {
        let f = try fixture("convnet_bn_step")
        #expect(try f.tensor("x").shape == [16, 1, 28, 28])
        #expect(try f.int64s("y").count == 16)
        #expect(try f.tensor("init.conv1.weight").shape == [16, 1, 3, 3])
        #expect(try f.int64s("step2.bn1.num_batches_tracked") == [2])
        #expect(try f.tensor("loss").isFinite)
    }

    @Test func halfPrecisionConversion() {
        #expect(SafeTensors.halfToFloat(0x3C00) == 1)
        #expect(SafeTensors.halfToFloat(0xC000) == -2)
        #expect(SafeTensors.halfToFloat(0x0001) == 0x1p-24)          // smallest subnormal
        #expect(SafeTensors.halfToFloat(0x7C00) == .infinity)
        #expect(SafeTensors.halfToFloat(0x7E00).isNaN)
        #expect(SafeTensors.halfToFloat(0x8000).sign == .minus)
    }

    // MARK: - Malformed files

    /// A file image from a header string (space-padded to 8 bytes) and a byte buffer.
    private func image(_ header: String, buffer: [UInt8]) -> [UInt8] {
        var h = Array(header.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(h.count).littleEndian) { out += $0 }
        return out + h + buffer
    }

    private func header(_ name: String, _ shape: [Int], _ begin: Int, _ end: Int, dtype: String = "F32") -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"
    }

    @Test func tooShort() {
        #expect(throws: SafeTensorsError.fileTooShort(byteCount: 5)) { try SafeTensors(bytes: [1, 0, 0, 0, 0]) }
    }

    @Test func headerLongerThanFile() {
        var bytes = image("{}", buffer: [])
        bytes[0] = 200
        #expect(throws: SafeTensorsError.headerTooLarge(headerSize: 200, fileSize: 16)) { try SafeTensors(bytes: bytes) }
        bytes.replaceSubrange(0..<8, with: [UInt8](repeating: 0xFF, count: 8))   // 2⁶⁴ − 1: no overflow trap
        #expect(throws: SafeTensorsError.headerTooLarge(headerSize: .max, fileSize: 16)) { try SafeTensors(bytes: bytes) }
    }

    @Test func invalidJSON() {
        for text in ["{\"a\": [1, 2", "not json", "{\"a\":}"] {
            #expect(performing: { try SafeTensors(bytes: image(text, buffer: [])) },
                    throws: { if case SafeTensorsError.invalidJSON = $0 { true } else { false } })
        }
        var bytes = image("{}", buffer: [])
        bytes[8] = 0xFF                                                       // not UTF-8
        #expect(performing: { try SafeTensors(bytes: bytes) }, throws: { $0 is SafeTensorsError })
    }

    @Test func wellFormedJSONThatIsNotAHeader() {
        let bad = [
            "[1, 2]",                                                         // not an object
            "{\"a\": {\"dtype\": \"F32\", \"shape\": [1]}}",                  // no data_offsets
            "{\"a\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}",
            "{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}",
            "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}",
            "{\"__metadata__\": {\"k\": 3}}",                                 // metadata values are strings
        ]
        for text in bad {
            #expect("\(text)", performing: { try SafeTensors(bytes: image(text, buffer: [0, 0, 0, 0])) },
                    throws: { if case SafeTensorsError.invalidHeader = $0 { true } else { false } })
        }
    }

    @Test func unknownDType() {
        let bytes = image("{\(header("q", [2], 0, 2, dtype: "Q4"))}", buffer: [0, 0])
        #expect(throws: SafeTensorsError.unknownDType(tensor: "q", dtype: "Q4")) { try SafeTensors(bytes: bytes) }
    }

    @Test func offsetsOutOfRange() {
        let bytes = image("{\(header("a", [2], 0, 8)),\(header("b", [2], 8, 16))}", buffer: [UInt8](repeating: 0, count: 12))
        #expect(throws: SafeTensorsError.offsetsOutOfRange(tensor: "b", begin: 8, end: 16, bufferSize: 12)) {
            try SafeTensors(bytes: bytes)
        }
        let reversed = image("{\(header("a", [0], 4, 0))}", buffer: [0, 0, 0, 0])
        #expect(throws: SafeTensorsError.offsetsOutOfRange(tensor: "a", begin: 4, end: 0, bufferSize: 4)) {
            try SafeTensors(bytes: reversed)
        }
    }

    @Test func overlappingTensors() {
        let bytes = image("{\(header("a", [2], 0, 8)),\(header("b", [2], 4, 12))}", buffer: [UInt8](repeating: 0, count: 12))
        #expect(throws: SafeTensorsError.offsetsNotContiguous(tensor: "b", expected: 8, begin: 4)) {
            try SafeTensors(bytes: bytes)
        }
    }

    @Test func gapsAndUncoveredBytes() {
        let gap = image("{\(header("a", [1], 0, 4)),\(header("b", [1], 8, 12))}", buffer: [UInt8](repeating: 0, count: 12))
        #expect(throws: SafeTensorsError.offsetsNotContiguous(tensor: "b", expected: 4, begin: 8)) {
            try SafeTensors(bytes: gap)
        }
        let trailing = image("{\(header("a", [1], 0, 4))}", buffer: [UInt8](repeating: 0, count: 8))
        #expect(throws: SafeTensorsError.bufferNotCovered(dataEnd: 4, bufferSize: 8)) { try SafeTensors(bytes: trailing) }
    }

    @Test func shapeDisagreesWithByteLength() {
        let bytes = image("{\(header("a", [3], 0, 8))}", buffer: [UInt8](repeating: 0, count: 8))
        #expect(throws: SafeTensorsError.byteCountMismatch(tensor: "a", expected: 12, actual: 8)) {
            try SafeTensors(bytes: bytes)
        }
        let huge = image("{\(header("a", [1 << 40, 1 << 40], 0, 8))}", buffer: [UInt8](repeating: 0, count: 8))
        #expect(performing: { try SafeTensors(bytes: huge) }, throws: { $0 is SafeTensorsError })
    }

    @Test func missingFileIsAnIOError() {
        let url = URL(fileURLWithPath: "/nonexistent/bnlab/x.safetensors")
        #expect(performing: { try SafeTensors(contentsOf: url) },
                throws: { if case SafeTensorsError.io = $0 { true } else { false } })
    }
}
