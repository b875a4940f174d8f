/// Renders a `HostProfile` as tables: the machine, bandwidth per level and threads, the size sweep,
/// FLOP peaks measured vs theoretical, latency and NUMA. Values in, strings out.
public struct HostProfileRenderer: Sendable {
    public var profile: HostProfile

    public init(profile: HostProfile) { self.profile = profile }

    /// The machine: CPU, CPUs used, caches, NUMA, kernel ISA, clock.
    public var machineTable: Table {
        let host = profile.host
        let caches = host.dataCaches.map { "\($0.name) \(Format.binaryBytes($0.sizeBytes)) (shared by \($0.sharedByCPUs))" }
        let peak = profile.theoreticalPeak
        return Table(headers: ["property", "value"], rows: [
            ["CPU", host.cpuModel],
            ["architecture", host.architecture],
            ["CPUs used", "\(host.cpusAvailable.count) (\(host.cpusAvailable.map(String.init).joined(separator: ",")))"],
            ["caches (sysfs)", caches.joined(separator: ", ")],
            ["NUMA", host.numaAvailable ? "\(host.numaNodes.count) node(s)" : "unavailable (libnuma)"],
            ["kernels compiled for", "\(host.kernelISA), \(host.vectorBits)-bit vectors"],
            ["CPU vector features", host.cpuFeatures.joined(separator: " ")],
            ["core clock", "\(Format.significant(peak.clockHertz / 1e9, digits: 3)) GHz (\(peak.clockMethod))"],
            ["FMA units per core", "\(peak.fmaUnitsPerCore) (\(peak.fmaUnitsMethod))"],
            ["memory", "\(Format.bytes(Double(host.memoryTotalBytes))) total, \(Format.bytes(Double(host.memoryAvailableBytes))) available"],
            ["timer", "resolution \(Format.seconds(profile.timerResolutionSeconds)); samples ≥ \(Format.seconds(profile.minimumSampleSeconds))"],
            ["probe", "\(profile.mode), roofline \(profile.toolVersion), \(profile.createdAt)"],
        ], alignments: [.left, .left])
    }

    /// Bandwidth ceiling per memory level, kernel and thread count (algorithmic bytes, best / median / worst).
    public var levelTable: Table {
        let order = ["L1", "L2", "L3", "DRAM"]
        let rows = profile.levels.sorted {
            (order.firstIndex(of: $0.level) ?? 9, $0.threads, $0.kernel) < (order.firstIndex(of: $1.level) ?? 9, $1.threads, $1.kernel)
        }.map { level in
            [level.level, level.kernel, "\(level.threads)", gbps(level.bytesPerSecond.best), gbps(level.bytesPerSecond.median),
             gbps(level.bytesPerSecond.worst),
             level.fromWorkingSetBytes.count == 1 ? Format.binaryBytes(level.fromWorkingSetBytes[0])
                : "\(Format.binaryBytes(level.fromWorkingSetBytes.min() ?? 0))–\(Format.binaryBytes(level.fromWorkingSetBytes.max() ?? 0))",
             level.reportedCapacityBytes.map(Format.binaryBytes) ?? "–", level.measuredCapacityBytes.map(Format.binaryBytes) ?? "–"]
        }
        return Table(headers: ["level", "kernel", "threads", "best GB/s", "median GB/s", "worst GB/s", "working set",
                               "sysfs capacity", "plateau ends"], rows: rows)
    }

    /// Every fixed-size bandwidth measurement, both byte conventions.
    public var bandwidthTable: Table {
        let rows = profile.bandwidth.map { m in
            [m.kernel, Format.binaryBytes(m.workingSetBytes), "\(m.threads)", gbps(m.algorithmicBytesPerSecond.best),
             gbps(m.algorithmicBytesPerSecond.median), gbps(m.algorithmicBytesPerSecond.worst), gbps(m.hardwareBytesPerSecond.best)]
        }
        return Table(headers: ["kernel", "working set", "threads", "best GB/s", "median GB/s", "worst GB/s", "hardware GB/s"],
                     rows: rows)
    }

    /// FLOP peaks measured against the theoretical peak.
    public var flopsTable: Table {
        Table(headers: ["type", "threads", "best GFLOP/s", "median GFLOP/s", "worst GFLOP/s", "theoretical GFLOP/s", "of theoretical"],
              rows: profile.flops.map { f in
                  [f.dataType.rawValue, "\(f.threads)", gflops(f.flopsPerSecond.best), gflops(f.flopsPerSecond.median),
                   gflops(f.flopsPerSecond.worst), gflops(f.theoreticalFlopsPerSecond),
                   "\(Format.significant(100 * f.fractionOfTheoretical, digits: 3)) %"]
              })
    }

    /// Dependent-load latency per level.
    public var latencyTable: Table {
        Table(headers: ["level", "working set", "best ns", "median ns", "worst ns"], rows: profile.latency.map { l in
            [l.level, Format.binaryBytes(l.workingSetBytes), Format.significant(l.nanosecondsPerLoad.best),
             Format.significant(l.nanosecondsPerLoad.median), Format.significant(l.nanosecondsPerLoad.worst)]
        })
    }

    /// NUMA matrix: rows are the threads' node, columns the memory's node.
    public var numaTable: Table? {
        guard let numa = profile.numa else { return nil }
        return Table(headers: ["threads on \\ memory on"] + numa.nodes.map { "node \($0) GB/s" },
                     rows: numa.bytesPerSecond.enumerated().map { index, row in
                         ["node \(numa.nodes[index])"] + row.map { gbps($0.best) }
                     })
    }

    private var sections: [(String, Table)] {
        var list: [(String, Table)] = [("Machine", machineTable)]
        if !profile.levels.isEmpty { list.append(("Bandwidth ceiling per level (algorithmic bytes: arrays read + written)", levelTable)) }
        if !profile.bandwidth.isEmpty {
            list.append(("Bandwidth measurements (algorithmic bytes; hardware adds the write-allocate read)", bandwidthTable))
        }
        if !profile.flops.isEmpty { list.append(("Peak FLOP rate (FMA)", flopsTable)) }
        if !profile.latency.isEmpty { list.append(("Latency (\(profile.latency[0].pattern))", latencyTable)) }
        if let numaTable, let numa = profile.numa { list.append(("NUMA bandwidth, \(numa.kernel) kernel (\(numa.note))", numaTable)) }
        return list
    }

    /// Plain-text tables for a terminal.
    public var text: String {
        var out = sections.map { "\($0.0)\n\n\($0.1.text)" }.joined(separator: "\n")
        if !profile.notes.isEmpty { out += "\nNotes\n" + profile.notes.map { "- \($0)\n" }.joined() }
        return out
    }

    /// Markdown: one `###` heading and table per section.
    public var markdown: String {
        var out = sections.map { "### \($0.0)\n\n\($0.1.markdown)" }.joined(separator: "\n")
        if !profile.notes.isEmpty { out += "\n" + profile.notes.map { "- \($0)\n" }.joined() }
        return out
    }

    private func gbps(_ value: Double) -> String { Format.significant(value / 1e9, digits: 4) }
    private func gflops(_ value: Double) -> String { Format.significant(value / 1e9, digits: 4) }
}
