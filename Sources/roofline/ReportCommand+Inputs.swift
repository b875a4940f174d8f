import Foundation
import RooflineCore
import RooflineReport

/// Reads a host profile written by `roofline probe --format json`; usage error when the file cannot be read,
/// bad data when it is not a profile.
func loadHostProfile(_ path: String) throws -> HostProfile {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw RooflineError.usage("cannot read host profile \(path): check the path, or write one with `roofline probe --format json --output \(path)`")
    }
    do {
        return try JSONDecoder().decode(HostProfile.self, from: data)
    } catch {
        throw RooflineError.badData("\(path) is not a host profile (\(jsonProblem(error))): write one with `roofline probe --format json --output \(path)`")
    }
}

/// The rooflines named by `--device`, at `--price` when given.
func reportTargets(_ names: [String], price: Double?) throws -> [ReportTarget] {
    try names.map { name in
        let (roofline, notes) = try resolveRoofline(name)
        return ReportTarget(name: roofline.name, slug: Report.slug(name), roofline: roofline,
                            memoryBytes: roofline.bandwidthCeiling()?.capacityBytes, pricePerHourUSD: price,
                            priceNote: price == nil ? nil : "set with --price", sources: notes)
    }
}

/// One line saying where a JSON document failed to decode.
private func jsonProblem(_ error: Error) -> String {
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
        return keys.isEmpty ? "top level" : keys.joined(separator: ".")
    }
    switch error {
    case DecodingError.keyNotFound(let key, let context):
        return "missing key '\(key.stringValue)' at \(path(context))"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        return "wrong type at \(path(context))"
    case DecodingError.dataCorrupted(let context):
        return context.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(context))"
    default:
        return "unreadable"
    }
}
