extension HostProfile {
    /// The kernel whose bandwidth a level's ceiling is taken from when it was measured: a read-only stream, which
    /// is what model operators mostly do (weights and KV cache are read, little is written).
    public static let readKernel = "load"

    /// The host's roofline at `threads` (all available CPUs by default): per data type the best measured
    /// FLOP rate at that thread count; per memory level the best bandwidth of the read-only `load` kernel at that
    /// thread count (the best of any kernel where load was not measured; streaming-store kernels can beat it on
    /// some machines, but model operators do not write like them). Main memory is "DRAM". Throws when the profile
    /// lacks the measurements.
    public func roofline(threads: Int? = nil) throws -> Roofline {
        let wanted = threads ?? (flops.map(\.threads).max() ?? 1)
        var compute: [ComputeCeiling] = []
        for type in DataType.allCases {
            let candidates = flops.filter { $0.dataType == type && $0.threads == wanted }
            if let best = candidates.max(by: { $0.flopsPerSecond.best < $1.flopsPerSecond.best }) {
                compute.append(ComputeCeiling(
                    dataType: type, flopsPerSecond: best.flopsPerSecond.best,
                    source: "measured: FMA probe, \(wanted) thread\(wanted == 1 ? "" : "s")"))
            }
        }
        var memory: [BandwidthCeiling] = []
        for name in ["L1", "L2", "L3", "DRAM"] {
            let all = levels.filter { $0.level == name && $0.threads == wanted }
            let reads = all.filter { $0.kernel == Self.readKernel }
            if let best = (reads.isEmpty ? all : reads).max(by: { $0.bytesPerSecond.best < $1.bytesPerSecond.best }) {
                memory.append(BandwidthCeiling(
                    level: name, bytesPerSecond: best.bytesPerSecond.best,
                    source: "measured: \(best.kernel) kernel, \(wanted) thread\(wanted == 1 ? "" : "s")",
                    capacityBytes: best.measuredCapacityBytes.map(Double.init) ?? best.reportedCapacityBytes.map(Double.init)))
            }
        }
        guard !compute.isEmpty else {
            throw RooflineError.badData("the host profile has no FLOP measurement at \(wanted) threads: run `roofline probe` again")
        }
        guard memory.contains(where: { $0.level == "DRAM" }) else {
            throw RooflineError.badData("the host profile has no DRAM bandwidth at \(wanted) threads: run `roofline probe` again")
        }
        return Roofline(name: "host (\(host.cpuModel), \(wanted) threads)", computeCeilings: compute,
                        bandwidthCeilings: memory, mainMemoryLevel: "DRAM")
    }
}
