import Foundation
import RooflineCore
import RooflineDevices
import RooflineProbes

/// Resolves `--device`: a host profile written by `roofline probe` (a path ending in .json), `host` (a quick
/// probe now), or a bundled accelerator id or alias (`h200`, `b200`, `mi300x`…). Returns the roofline and lines saying where it came from.
func resolveRoofline(_ spec: String) throws -> (roofline: Roofline, notes: [String]) {
    if spec.lowercased().hasSuffix(".json") {
        let profile = try loadHostProfile(spec)
        let roofline = try profile.roofline()
        return (roofline, ["roofline measured on this host: \(spec) (\(profile.mode.rawValue) probe, \(profile.createdAt))"])
    }
    if spec.lowercased() == "host" {
        Diagnostics.progress("--device host: running a quick probe (save one with `roofline probe --output host.json` to reuse it)")
        let profile = try HostProbe.run(.quick, progress: Diagnostics.progress)
        return (try profile.roofline(), ["roofline measured now on this host by a quick probe (\(profile.host.cpuModel), "
            + "\(profile.host.cpusAvailable.count) threads)"])
    }
    let device = try DeviceCatalog.bundled().device(named: spec)
    let peaks = DataType.allCases.compactMap { type in
        device.peakFlopsPerSecond[type].map { "\(Format.significant($0 / 1e12, digits: 4)) TFLOP/s \(type.rawValue)" }
    }
    return (device.roofline, ["device spec: \(device.name), dense peaks (no sparsity): "
        + (device.memoryBytesPerSecond.map { Format.bytesPerSecond($0) + " " + device.mainMemoryLevel + ", " } ?? "")
        + peaks.joined(separator: ", ")])
}
