import Foundation
import RooflineCore
import RooflineProbes

/// The minimal H200 spec: NVIDIA datasheet figures without 2:4 sparsity (as in reference/accelerators.json).
/// fp32 is the non-tensor vector rate, which the vector operators (norms, softmax, adds) use.
let minimalH200 = Roofline(
    name: "NVIDIA H200 SXM",
    computeCeilings: [
        ComputeCeiling(dataType: .fp32, flopsPerSecond: 67e12, source: "NVIDIA H200 datasheet: 67 TFLOP/s fp32 (vector)"),
        ComputeCeiling(dataType: .bf16, flopsPerSecond: 989.4e12,
                       source: "NVIDIA H200 datasheet: 1,979 TFLOP/s bf16 with sparsity = 989.4 dense"),
        ComputeCeiling(dataType: .fp8, flopsPerSecond: 1978.9e12,
                       source: "NVIDIA H200 datasheet: 3,958 TFLOP/s fp8 with sparsity = 1,978.9 dense"),
    ],
    bandwidthCeilings: [
        BandwidthCeiling(level: "HBM", bytesPerSecond: 4.8e12, source: "NVIDIA H200 datasheet: 4.8 TB/s HBM3e",
                         capacityBytes: 141e9),
    ],
    mainMemoryLevel: "HBM")

/// Resolves `--device`: a host profile written by `roofline probe` (a path ending in .json), `h200` /
/// `nvidia-h200` (the minimal bundled spec), or `host`. Returns the roofline and lines saying where it came from.
func resolveRoofline(_ spec: String) throws -> (roofline: Roofline, notes: [String]) {
    if spec.lowercased().hasSuffix(".json") {
        guard let data = FileManager.default.contents(atPath: spec) else {
            throw RooflineError.usage("cannot read host profile \(spec): check the path, or write one with `roofline probe --output \(spec)`")
        }
        let profile: HostProfile
        do {
            profile = try JSONDecoder().decode(HostProfile.self, from: data)
        } catch {
            throw RooflineError.badData(
                "\(spec) is not a host profile (\(decodingProblem(error))): write one with `roofline probe --output \(spec)`")
        }
        let roofline = try profile.roofline()
        return (roofline, ["roofline measured on this host: \(spec) (\(profile.mode) probe, \(profile.createdAt))"])
    }
    switch spec.lowercased() {
    case "h200", "nvidia-h200":
        return (minimalH200, ["device spec: NVIDIA H200 SXM datasheet, dense peaks (sparsity figures halved): "
            + "4.8 TB/s HBM, 989.4 TFLOP/s bf16, 1978.9 fp8, 67 fp32"])
    case "host":
        Diagnostics.progress("--device host: running a quick probe (save one with `roofline probe --output host.json` to reuse it)")
        let profile = try HostProbe.run(.quick, progress: Diagnostics.progress)
        return (try profile.roofline(), ["roofline measured now on this host by a quick probe (\(profile.host.cpuModel), "
            + "\(profile.host.cpusAvailable.count) threads)"])
    default:
        throw RooflineError.usage("unknown device '\(spec)': use h200, host, or a host profile .json from `roofline probe`")
    }
}

/// One line saying what is wrong in a JSON document that did not decode.
private func decodingProblem(_ error: Error) -> String {
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
        return keys.isEmpty ? "top level" : keys.joined(separator: ".")
    }
    let text: String
    switch error {
    case DecodingError.keyNotFound(let key, let context):
        text = "missing key '\(key.stringValue)' at \(path(context))"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        text = "wrong type at \(path(context))"
    case DecodingError.dataCorrupted(let context):
        text = context.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(context))"
    default:
        text = "unreadable"
    }
    return text.replacingOccurrences(of: "\n", with: " ")
}
