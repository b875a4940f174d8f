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

/// A host profile written by `roofline probe --format json`, its values checked (`HostProfile.validated`).
func loadHostProfile(_ path: String) throws -> HostProfile {
    try checked(path, "roofline probe --format json") {
        try loadJSON(HostProfile.self, at: path, what: "host profile", writtenBy: "roofline probe --format json").validated()
    }
}

/// An operator validation written by `roofline validate --format json`, its values checked.
func loadOperatorValidation(_ path: String) throws -> OperatorValidation {
    try checked(path, "roofline validate --format json") {
        try loadJSON(OperatorValidation.self, at: path, what: "operator validation",
                     writtenBy: "roofline validate --format json").validated()
    }
}

/// Runs `load`, prefixing a data error about a value with the file it came from and the command that writes a
/// good one.
private func checked<Value>(_ path: String, _ command: String, _ load: () throws -> Value) throws -> Value {
    do {
        return try load()
    } catch let error as RooflineError where error.category == .badData && !error.message.hasPrefix(path) {
        throw RooflineError.badData("\(path): \(error.message): write a new one with `\(command) --output \(path)`")
    }
}
