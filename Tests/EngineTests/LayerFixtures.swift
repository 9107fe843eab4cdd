import Foundation
import Testing
@testable import Engine

/// PyTorch reference values from `Fixtures/layer_fixtures.json` (made by `make_layer_fixtures.py`).
struct LayerFixtures: Decodable {
    struct Conv: Decodable {
        let stride, padding, kernel: Int
        let x_shape, weight_shape, y_shape: [Int]
        let x, weight, y, dy, dx, dweight: [Float]
        let bias, dbias: [Float]?
    }
    struct Linear: Decodable {
        let x, weight, bias, y, dy, dx, dweight, dbias: [Float]
    }
    struct MaxPool: Decodable {
        let kernel, stride: Int
        let x_shape, y_shape: [Int]
        let x, y, dy, dx: [Float]
    }
    struct CrossEntropy: Decodable {
        let logits: [Float]
        let labels: [Int32]
        let loss: Float
        let dlogits: [Float]
    }
    struct SGDCase: Decodable {
        struct Options: Decodable {
            let momentum, dampening, weight_decay: Float?
            let nesterov: Bool?
        }
        let options: Options
        let p0: [Float]
        let grads, after: [[Float]]
    }

    let conv: [Conv]
    let linear: Linear
    let maxpool: [MaxPool]
    let cross_entropy: [CrossEntropy]
    let sgd: [SGDCase]

    /// The decoded fixture file, loaded once.
    static let shared: LayerFixtures = {
        let url = Bundle.module.url(forResource: "layer_fixtures", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(LayerFixtures.self, from: Data(contentsOf: url))
    }()
}

/// Expects two float arrays to agree elementwise within `atol + rtol·|expected|`.
func expectClose(_ actual: [Float], _ expected: [Float], atol: Float = 1e-5, rtol: Float = 1e-5,
                 _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): count", sourceLocation: sourceLocation)
    let bad = zip(actual, expected).enumerated().filter { abs($1.0 - $1.1) > atol + rtol * abs($1.1) }
    #expect(bad.isEmpty, "\(what): \(bad.count) mismatches, first \(bad.prefix(3).map { "[\($0.offset)] \($0.element.0) vs \($0.element.1)" })",
            sourceLocation: sourceLocation)
}
