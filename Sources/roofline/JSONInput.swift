import Foundation
import RooflineCore

/// Reads a JSON file this tool wrote: a usage error when the file cannot be read, bad data when it is not a `what`
/// (with where it failed); both name the command that writes one.
func loadJSON<Value: Decodable>(_ type: Value.Type, at path: String, what: String, writtenBy command: String) throws -> Value {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw RooflineError.usage("cannot read \(what) \(path): check the path, or write one with `\(command) --output \(path)`")
    }
    do {
        return try JSONDecoder().decode(Value.self, from: data)
    } catch {
        throw RooflineError.badData(
            "\(path) is not a \(what) (\(RooflineError.decodingProblem(error))): write one with `\(command) --output \(path)`")
    }
}

/// A host profile written by `roofline probe --format json`.
func loadHostProfile(_ path: String) throws -> HostProfile {
    try loadJSON(HostProfile.self, at: path, what: "host profile", writtenBy: "roofline probe --format json")
}

/// An operator validation written by `roofline validate --format json`.
func loadOperatorValidation(_ path: String) throws -> OperatorValidation {
    try loadJSON(OperatorValidation.self, at: path, what: "operator validation", writtenBy: "roofline validate --format json")
}
