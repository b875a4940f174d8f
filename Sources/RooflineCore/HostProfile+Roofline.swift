extension HostProfile {
    /// The kernels a level's ceiling is taken from when one was measured: read-only, which is what model operators
    /// mostly do (weights and KV cache are read, little is written) — `load`, one sequential stream per thread, and
    /// `load4`, four streams per thread; the better of the two, since engines read several rows at once and beat a
    /// one-stream ceiling.
    public static let readKernels = ["load", "load4"]

    /// The host's roofline at `threads` (all available CPUs by default): per data type the best measured
    /// FLOP rate at that thread count over the instruction paths measured for it (FMA for fp64/fp32; VNNI, AVX2 or AMX
    /// dot products for int8; AVX512-BF16 or AMX for bf16; AVX512-FP16 or F16C + FMA for fp16); per memory level the
    /// best bandwidth of the read-only kernels (`readKernels`) at that thread count (the best of any kernel where
    /// neither was measured; streaming-store kernels can beat them on some machines, but model operators do not
    /// write like them). Main memory is "DRAM", taken from the
    /// measurement at the largest working set: in a virtual machine the physical last-level cache can be larger
    /// than the one the guest reports, so sets a few times the reported size still partly hit it (on this
    /// project's 2-vCPU guest, 2 threads read 67 MB at 44 GB/s and 268 MB at 33 GB/s), and the best of those would
    /// put the DRAM ceiling too high. Throws when the profile lacks the measurements.
    public func roofline(threads: Int? = nil) throws -> Roofline {
        let wanted = threads ?? (flops.map(\.threads).max() ?? 1)
        var compute: [ComputeCeiling] = []
        for type in DataType.allCases {
            // A type narrower than fp32 can always be widened and multiplied with fp32 FMAs (engines do: ggml's
            // tinyBLAS converts fp16 tiles once and reuses them), so its ceiling is its own best path or fp32 FMA,
            // whichever is higher; a type with no path of its own still falls back through `widerTypes`.
            let own = flops.filter { $0.dataType == type && $0.threads == wanted }
            let widened = own.isEmpty || type.bits >= 32 ? [] : flops.filter { $0.dataType == .fp32 && $0.threads == wanted }
            if let best = (own + widened).max(by: { $0.flopsPerSecond.best < $1.flopsPerSecond.best }) {
                let probe = (best.instruction.map { "\($0) probe" } ?? "FMA probe")
                    + (best.dataType == type ? "" : " (above every \(type.rawValue) path: \(type.rawValue) widened to fp32)")
                compute.append(ComputeCeiling(
                    dataType: type, flopsPerSecond: best.flopsPerSecond.best,
                    source: "measured: \(probe), \(wanted) thread\(wanted == 1 ? "" : "s")"))
            }
        }
        var memory: [BandwidthCeiling] = []
        for name in ["L1", "L2", "L3", "DRAM"] {
            let all = levels.filter { $0.level == name && $0.threads == wanted }
            let reads = all.filter { Self.readKernels.contains($0.kernel) }
            let pick: (LevelBandwidth, LevelBandwidth) -> Bool = name == "DRAM"
                ? { ($0.fromWorkingSetBytes.max() ?? 0, $0.bytesPerSecond.best) < ($1.fromWorkingSetBytes.max() ?? 0, $1.bytesPerSecond.best) }
                : { $0.bytesPerSecond.best < $1.bytesPerSecond.best }
            if let best = (reads.isEmpty ? all : reads).max(by: pick) {
                memory.append(BandwidthCeiling(
                    level: name, bytesPerSecond: best.bytesPerSecond.best,
                    source: "measured: \(best.kernel) kernel, \(wanted) thread\(wanted == 1 ? "" : "s")",
                    capacityBytes: best.measuredCapacityBytes.map(Double.init) ?? best.reportedCapacityBytes.map(Double.init)))
            }
        }
        guard !compute.isEmpty else {
            throw RooflineError.badData("the host profile has no FLOP measurement at \(wanted) thread\(wanted == 1 ? "" : "s"): run `roofline probe` again")
        }
        guard memory.contains(where: { $0.level == "DRAM" }) else {
            throw RooflineError.badData("the host profile has no DRAM bandwidth at \(wanted) thread\(wanted == 1 ? "" : "s"): run `roofline probe` again")
        }
        return Roofline(name: "host (\(host.cpuModel), \(wanted) threads)", computeCeilings: compute,
                        bandwidthCeilings: memory, mainMemoryLevel: "DRAM")
    }
}
