import ArgumentParser
import Foundation
import RooflineCore

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

extension OutputFormat {
    /// The format asked for, else the one `--output`'s extension names (.json, .md), else text.
    static func resolve(_ format: OutputFormat?, output: String?) -> OutputFormat {
        if let format { return format }
        switch output.map({ URL(fileURLWithPath: $0).pathExtension.lowercased() }) {
        case "json": return .json
        case "md", "markdown": return .markdown
        default: return .text
        }
    }
}

/// Fails before any work is done when `--output`'s folder is missing or not writable.
func checkWritable(_ output: String?) throws {
    guard let output else { return }
    let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
    if !FileManager.default.isWritableFile(atPath: folder) {
        throw ValidationError("cannot write --output \(output): folder \(folder) is missing or not writable")
    }
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
