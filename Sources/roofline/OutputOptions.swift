import ArgumentParser
import Foundation
import RooflineCore

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown, csv
}

/// `--format` and `--output`, the same for every command: the result goes to stdout or, atomically, to the file
/// `--output` names, in the format `--format` names, else the one the file's extension names (.json, .md, .csv), else
/// text.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "text, json, markdown or csv (default: the format --output's extension names, .json, .md or .csv, else text).")
    var format: OutputFormat?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the result to this file, whole or not at all, instead of stdout (- is stdout; a link's target is written, a file's mode kept, a device written in place).", valueName: "file"))
    var output: String?

    /// `--format`, else the format `--output`'s extension names (.json, .md/.markdown, .csv), else text.
    var resolvedFormat: OutputFormat {
        if let format { return format }
        switch output.map({ URL(fileURLWithPath: $0).pathExtension.lowercased() }) {
        case "json": return .json
        case "md", "markdown": return .markdown
        case "csv": return .csv
        default: return .text
        }
    }

    /// Fails before any work is done when `--output`'s folder is missing or not writable.
    func validate() throws {
        guard let output else { return }
        guard !output.isEmpty, !output.hasSuffix("/") else {
            throw ValidationError("--output '\(output)' names no file: give a file name such as result.json")
        }
        do {
            try AtomicFile.checkFolder(of: output)
        } catch let error as RooflineError {
            throw ValidationError(error.message)
        }
    }

    /// Writes `text` to `--output` atomically, or to stdout (also for `--output -`).
    func emit(_ text: String) throws {
        if let output, output != AtomicFile.standardOutputPath {
            try AtomicFile.write(Data(text.utf8), to: output)
        } else {
            try StandardStream.output.write(text)
        }
    }

    /// Renders `value` in the resolved format and emits it: JSON from its `Encodable` form, text and markdown from
    /// the given renderers, CSV from the tables `csv` gives (a usage error for a command without tables).
    /// A keyed value becomes a document with `schemaVersion` beside its keys; an array (`arrayKey` given) becomes
    /// `{"schemaVersion": 1, arrayKey: [...]}`.
    func emit<Value: Encodable>(_ value: Value, arrayKey: String? = nil, text: () -> String,
                                markdown: () -> String, csv: (() throws -> [CSVTable])? = nil) throws {
        switch resolvedFormat {
        case .csv:
            guard let csv else {
                throw RooflineError.usage("this result has no tables for --format csv: use --format json")
            }
            try emit(CSVTable.document(try csv()))
        case .json: try emit(jsonString(JSONDocument(value: value, arrayKey: arrayKey)))
        case .text: try emit(text())
        case .markdown: try emit(markdown())
        }
    }
}

/// The version of the shape of every JSON document the tool writes (`schemaVersion`, the schemas in `Schemas/`):
/// raised when a key is renamed or removed or its meaning changes, not when one is added.
let jsonSchemaVersion = 1

/// A JSON document as the tool writes it: `schemaVersion` beside the keys of `value` (a keyed value), or
/// `{"schemaVersion": 1, arrayKey: value}` when `arrayKey` is given (a list such as `models` or `devices`).
struct JSONDocument<Value: Encodable>: Encodable {
    /// The document's content.
    var value: Value
    /// The key a list is written under; nil for a keyed value, whose keys sit beside `schemaVersion`.
    var arrayKey: String?

    /// A key of the document's top-level object.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(jsonSchemaVersion, forKey: Key(stringValue: "schemaVersion"))
        if let arrayKey {
            try container.encode(value, forKey: Key(stringValue: arrayKey))
        } else {
            // The value's keyed container is the same top-level object: its keys join schemaVersion.
            try value.encode(to: encoder)
        }
    }
}

/// How the JSON and CSV forms write infinite and NaN values: "inf", "-inf", "nan".
let nonConformingFloats = JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(
    positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

/// Encodes a value as pretty, key-sorted JSON ending in a newline.
func jsonString<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = nonConformingFloats
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}

/// The entries of a comma-separated list option, trimmed: `1,2` is [1, 2]. An empty list or an empty entry (`''`,
/// `,`, `1,,2`) is a usage error naming the option.
func listOption(_ text: String, name: String) throws -> [String] {
    let entries = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard !entries.contains(where: \.isEmpty) else {
        throw RooflineError.usage("\(name) '\(text)' has an empty entry: give a comma-separated list such as \(name) a,b")
    }
    return entries
}
