import Foundation
import RooflineCore

/// The calibrations bundled with the tool (`Data/calibrations/*.json`, fitted by `scripts/fit-calibrations.sh`
/// from the thinned AIConfigurator tables in `Data/measured`, Apache-2.0, provenance in its README).
public enum BundledCalibrations {
    /// Every bundled calibration, by name.
    public static func all() throws -> [Calibration] {
        guard let folder = Bundle.module.url(forResource: "Data/calibrations", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) else {
            throw RooflineError.runtime("the bundled calibrations are missing: reinstall roofline")
        }
        return try files.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }.map { try Calibration.load($0.path) }
    }

    /// The bundled calibration named `name` (`h100-sxm`, `b200-sxm`, `a100-sxm`); a usage error otherwise.
    public static func named(_ name: String) throws -> Calibration {
        let all = try all()
        guard let found = all.first(where: { $0.name == name.lowercased() }) else {
            throw RooflineError.usage("no bundled calibration '\(name)': use \(all.map(\.name).joined(separator: ", ")), none, or a file from `roofline calibrate`")
        }
        return found
    }

    /// The calibration measured on the device with catalog id `deviceID`, or the one that names it as its closest
    /// architecture (`appliesTo`); nil when none does.
    public static func forDevice(_ deviceID: String) throws -> Calibration? {
        try all().first { $0.appliesTo.contains(deviceID) }
    }

    /// The folder of the bundled measured tables (`Data/measured`).
    public static var measuredFolder: URL? { Bundle.module.url(forResource: "Data/measured", withExtension: nil) }
}
