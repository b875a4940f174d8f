import Foundation
import RooflineCore
import RooflineDevices

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
