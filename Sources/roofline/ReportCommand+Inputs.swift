import Foundation
import RooflineCore
import RooflineDevices

/// The accelerators named by `--device` (ids or aliases) from the bundled data and every `--device-file`, the
/// single one at `--price` when given.
func reportDevices(_ names: [String], deviceFiles: [String], price: Double?) throws -> [Device] {
    try namedDevices(names, in: try DeviceCatalog.bundled(adding: deviceFiles), price: price)
}

/// The devices `names` name in `catalog`, in that order, each at `price` when given; a device named twice (by id
/// or alias) is a usage error.
func namedDevices(_ names: [String], in catalog: DeviceCatalog, price: Double?) throws -> [Device] {
    var seen: [String: String] = [:]
    return try names.map { name in
        let device = try catalog.device(named: name)
        if let earlier = seen.updateValue(name, forKey: device.id) {
            throw RooflineError.usage("--device names \(device.id) twice ('\(earlier)' and '\(name)'): give each device once")
        }
        return price.map { device.pricedAt($0, note: "set with --price") } ?? device
    }
}
