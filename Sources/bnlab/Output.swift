import Foundation
import Studies
import Training

/// Input that cannot be used (a bad config, file, checkpoint or dataset): one line, exit status 2,
/// no usage text (the command line itself was fine).
struct InputError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Writes a line to standard error (progress and diagnostics; stdout carries results).
func stderrLine(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

/// Prints a value as one line of JSON with snake_case keys (the `--json` output of every command).
func printJSON(_ value: some Encodable) {
    let encoder = JSONCoding.encoder(pretty: false)
    encoder.keyEncodingStrategy = .convertToSnakeCase
    // Encoding plain numbers, strings and optionals cannot fail.
    let data = try! encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}

/// Peak resident memory of this process in megabytes (Linux `VmHWM`), if known.
func peakResidentMegabytes() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
    return kb / 1024
}
