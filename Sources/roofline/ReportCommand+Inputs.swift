import Foundation
import RooflineCore
import RooflineDevices

/// Reads a host profile written by `roofline probe --format json`; usage error when the file cannot be read,
/// bad data when it is not a profile.
func loadHostProfile(_ path: String) throws -> HostProfile {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw RooflineError.usage("cannot read host profile \(path): check the path, or write one with `roofline probe --format json --output \(path)`")
    }
    do {
        return try JSONDecoder().decode(HostProfile.self, from: data)
    } catch {
        throw RooflineError.badData("\(path) is not a host profile (\(RooflineError.decodingProblem(error))): write one with `roofline probe --format json --output \(path)`")
    }
}

/// The accelerators named by `--device` (ids or aliases) from the bundled data and every `--device-file`, the
/// single one at `--price` when given.
func reportDevices(_ names: [String], deviceFiles: [String], price: Double?) throws -> [Device] {
    var catalog = try DeviceCatalog.bundled()
    for path in deviceFiles { try catalog.add(contentsOf: path) }
    return try names.map { name in
        let device = try catalog.device(named: name)
        return price.map { device.pricedAt($0, note: "set with --price") } ?? device
    }
}
