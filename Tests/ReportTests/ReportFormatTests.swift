import Report
import Studies
import Training
import Testing

@Suite("Number formatting")
struct ReportFormatTests {
    @Test func learningRatesPrintAsWritten() {
        let grid: [Float] = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3]
        #expect(grid.map { ReportFormat.learningRate(Double($0)) } == ["0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3"])
        #expect(ReportFormat.learningRate(0.00001) == "1e-05")
    }

    @Test func valuesAndChanges() {
        #expect(ReportFormat.accuracy(0.8812) == "88.1%")
        #expect(ReportFormat.accuracy(0.8812, std: 0.0041) == "88.1 ± 0.4%")
        #expect(ReportFormat.ratio(Double(Float(0.3) / Float(0.03))) == "10×")
        #expect(ReportFormat.decades(1) == "1 decade")
        #expect(ReportFormat.decades(1.5) == "1.5 decades")
        #expect(ReportFormat.duration(161) == "2 min 41 s")
        #expect(ReportFormat.duration(3.456) == "3.46 s")
        #expect(ReportFormat.count(60000) == "60,000")
        #expect(ReportFormat.value(nil, unit: .accuracy) == "–")
        let acc = Comparison.Row(id: "a", label: "a", baseline: 0.9, current: 0.88, change: -0.02, relativeChange: -0.0222,
                                 verdict: .regressed, unit: .accuracy)
        #expect(ReportFormat.change(acc) == "−2.0 pts")
        let time = Comparison.Row(id: "t", label: "t", baseline: 100, current: 112, change: 12, relativeChange: 0.12,
                                  verdict: .withinTolerance, unit: .seconds)
        #expect(ReportFormat.change(time) == "+12.0 s (+12%)")
        let lr = Comparison.Row(id: "l", label: "l", baseline: 0.1, current: 0.3, change: 0.2, relativeChange: 2,
                                verdict: .improved, unit: .learningRate)
        #expect(ReportFormat.change(lr) == "×3")
    }

    @Test func compactJSONPutsPlainListsOnOneLine() {
        let pretty = "{\n  \"a\" : [\n    1,\n    2.5\n  ],\n  \"b\" : {\n    \"c\" : [\n      \"x\",\n      \"y z\"\n    ]\n  },\n  \"d\" : [\n    {\n      \"e\" : 1\n    }\n  ]\n}"
        let compact = ReportFormat.compactJSON(pretty)
        #expect(compact.contains("\"a\" : [1, 2.5]"))
        #expect(compact.contains("\"c\" : [\"x\", \"y z\"]"))
        #expect(compact.contains("\"d\" : [\n    {"), "arrays of objects stay as they are")
        #expect(ReportFormat.ratio(1000) == "1,000×" && ReportFormat.ratio(3.16) == "3.16×")
    }
}
