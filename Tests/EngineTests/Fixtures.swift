import Training
import Foundation
import Testing
@testable import Engine

/// Reads a PyTorch-written fixture from the test bundle (`.copy("Fixtures")` keeps the folder).
func fixture(_ name: String) throws -> SafeTensors {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "safetensors",
                                             subdirectory: "Fixtures"),
                           "fixture \(name).safetensors missing; run Fixtures/make_fixtures.py")
    return try SafeTensors(contentsOf: url)
}

/// Expects equal shapes and `|a − b| ≤ atol + rtol · |b|` elementwise; reports the worst element.
func expectClose(_ a: Tensor, _ b: Tensor, atol: Float = 1e-5, rtol: Float = 1e-5, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.shape == b.shape, "\(what): shape \(a.shape) vs \(b.shape)", sourceLocation: sourceLocation)
    guard a.count == b.count else { return }
    var worst = -1, worstExcess: Float = 0
    for i in 0..<a.count {
        let excess = abs(a.data[i] - b.data[i]) - (atol + rtol * abs(b.data[i]))
        if !(excess <= worstExcess) { worst = i; worstExcess = excess.isNaN ? .infinity : excess }
    }
    #expect(worst < 0, "\(what)[\(worst)]: \(worst < 0 ? 0 : a.data[worst]) vs \(worst < 0 ? 0 : b.data[worst])",
            sourceLocation: sourceLocation)
}
