import ArgumentParser
import Foundation
import RooflineCore

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

/// Writes `text` to `--output` atomically, or to stdout.
func emit(_ text: String, output: String?) throws {
    if let output {
        try AtomicFile.write(Data(text.utf8), to: output)
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// Encodes a value as pretty, key-sorted JSON ending in a newline.
func jsonString<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}
