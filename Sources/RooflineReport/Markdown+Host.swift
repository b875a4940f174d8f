import Foundation

extension Markdown {
    /// The machine as a two-column table: CPU, architecture, CPUs (and physical cores where known), caches, NUMA nodes, memory, kernel,
    /// vector width and ISA, CPU features.
    public static func machine(_ host: HostInfo) -> String { machineTable(host).markdown }

    /// The machine table itself (for markdown or terminal text).
    public static func machineTable(_ host: HostInfo) -> Table {
        var rows: [[String]] = []
        rows.append(["CPU", host.cpuModel])
        rows.append(["Architecture", host.architecture])
        let cores = host.physicalCores.map { ", \($0) physical core\($0 == 1 ? "" : "s")" } ?? ""
        rows.append(["CPUs available", "\(host.cpusAvailable.count) (\(cpuList(host.cpusAvailable)))\(cores)"])
        let caches = host.caches.sorted { ($0.level, $0.type) < ($1.level, $1.type) }.map { cache in
            let line = cache.lineBytes.map { ", \($0) B lines" } ?? ""
            return "\(cache.qualifiedName) \(Format.binaryBytes(cache.sizeBytes)) (shared by \(cache.sharedByCPUs) CPU\(cache.sharedByCPUs == 1 ? "" : "s")\(line))"
        }
        rows.append(["Caches", caches.isEmpty ? "not reported" : caches.joined(separator: "; ")])
        if host.numaAvailable {
            let nodes = host.numaNodes.map { "node \($0.id): CPUs \(cpuList($0.cpus)), \(Format.bytes(Double($0.memoryBytes)))" }
            rows.append(["NUMA nodes", "\(host.numaNodes.count) (\(nodes.joined(separator: "; ")))"])
        } else {
            rows.append(["NUMA nodes", "unavailable (libnuma reports no NUMA support)"])
        }
        rows.append(["Memory", "\(Format.bytes(Double(host.memoryTotalBytes))) total, \(Format.bytes(Double(host.memoryAvailableBytes))) available at probe time"])
        rows.append(["Kernel", host.kernelRelease])
        rows.append(["Vector width", "\(host.vectorBits) bits (kernels built for \(host.kernelISA))"])
        rows.append(["CPU features", host.cpuFeatures.isEmpty ? "none reported" : host.cpuFeatures.joined(separator: ", ")])
        return Table(headers: ["", ""], rows: rows, alignments: [.left, .left])
    }

    /// Bandwidth per memory level (rows: level and kernel) and thread count (columns): best rate, median in
    /// parentheses, counted the STREAM way; with the level's capacity at the most threads as the kernel reports it
    /// and where the measured plateau ends.
    public static func bandwidthTable(_ profile: HostProfile) -> String { levelTable(profile).markdown }

    /// The bandwidth-per-level table itself.
    public static func levelTable(_ profile: HostProfile) -> Table {
        let threadCounts = Array(Set(profile.levels.map(\.threads))).sorted()
        let levelOrder = ["L1", "L2", "L3", "L4", "DRAM"]
        struct RowKey: Hashable { var level: String; var kernel: String }
        var keys: [RowKey] = []
        for level in profile.levels where !keys.contains(RowKey(level: level.level, kernel: level.kernel)) {
            keys.append(RowKey(level: level.level, kernel: level.kernel))
        }
        keys.sort { a, b in
            let ia = levelOrder.firstIndex(of: a.level) ?? levelOrder.count
            let ib = levelOrder.firstIndex(of: b.level) ?? levelOrder.count
            return (ia, a.level, a.kernel) < (ib, b.level, b.kernel)
        }
        let headers = ["Level", "Kernel", "Capacity (reported / measured)"]
            + threadCounts.map { "\($0) thread\($0 == 1 ? "" : "s")" }
        var rows: [[String]] = []
        for key in keys {
            let entries = profile.levels.filter { $0.level == key.level && $0.kernel == key.kernel }
            let widest = entries.filter { $0.threads == entries.map(\.threads).max() }
            let reported = widest.compactMap(\.reportedCapacityBytes).max().map { Format.binaryBytes($0) } ?? "–"
            let measured = widest.compactMap(\.measuredCapacityBytes).max().map { Format.binaryBytes($0) } ?? "–"
            var row = [key.level, key.kernel, "\(reported) / \(measured)"]
            for threads in threadCounts {
                if let entry = entries.filter({ $0.threads == threads }).max(by: { $0.bytesPerSecond.best < $1.bytesPerSecond.best }) {
                    row.append("\(Format.bytesPerSecond(entry.bytesPerSecond.best)) (median \(Format.bytesPerSecond(entry.bytesPerSecond.median)))")
                } else {
                    row.append("–")
                }
            }
            rows.append(row)
        }
        return Table(headers: headers, rows: rows, alignments: [.left, .left, .left] + threadCounts.map { _ in .right })
    }

    /// Peak operation rates per data type, instruction path and thread count, measured (best, median) against the
    /// theoretical peak of that path (FMA: clock × FMA units × lanes × 2 × threads; other paths: clock × units ×
    /// operations per instruction × threads), with the fraction reached; then how the theoretical peaks were put
    /// together and which paths this CPU lacks.
    public static func flopsTable(_ profile: HostProfile) -> String {
        flopsTableRows(profile).markdown + "\n" + theoreticalPeakNote(profile) + "\n"
    }

    /// The FLOP table itself. int8 rows count integer operations (a multiply-add is 2), comparable with FLOPs.
    public static func flopsTableRows(_ profile: HostProfile) -> Table {
        let sorted = profile.flops.sorted {
            ($0.dataType, $0.path ?? "", $0.threads) < ($1.dataType, $1.path ?? "", $1.threads)
        }
        let rows = sorted.map { m in
            [m.dataType.rawValue, m.instruction ?? "FMA", "\(m.threads)", Format.flopsPerSecond(m.flopsPerSecond.best),
             Format.flopsPerSecond(m.flopsPerSecond.median), Format.flopsPerSecond(m.theoreticalFlopsPerSecond),
             percent(m.fractionOfTheoretical)]
        }
        return Table(headers: ["Data type", "Instruction path", "Threads", "Measured (best)", "Median", "Theoretical",
                               "Measured ÷ theoretical"],
                     rows: rows, alignments: [.left, .left, .right, .right, .right, .right, .right])
    }

    /// How the theoretical peaks were put together, and the paths not measured with why.
    public static func theoreticalPeakNote(_ profile: HostProfile) -> String {
        let peak = profile.theoreticalPeak
        var note = "Theoretical FMA peak per core = clock × FMA units × (vector bits ÷ element bits) × 2: "
            + "\(Format.decimal(peak.clockHertz, unit: "Hz")) (\(peak.clockMethod)) × \(peak.fmaUnitsPerCore) FMA units "
            + "(\(peak.fmaUnitsMethod)) × \(peak.vectorBits)-bit vectors (\(peak.vectorMethod)) × 2."
        let paths = profile.flops.filter { $0.path != nil && $0.path != "fma" }
        var seen = Set<String>()
        let methods = paths.filter { seen.insert($0.path ?? "").inserted }.compactMap { m in
            m.theoreticalMethod.map { "\(m.instruction ?? m.path ?? "") — \($0)" }
        }
        if !methods.isEmpty {
            note += " Other paths: clock × units × operations per instruction (2 per multiply-add; int8 operations count "
                + "like FLOPs): " + methods.joined(separator: "; ") + "."
        }
        if let absent = profile.absentComputePaths, !absent.isEmpty {
            note += " Not measured: " + absent.map { "\($0.dataType.rawValue) \($0.instruction) (\($0.reason))" }
                .joined(separator: "; ") + "."
        }
        return note
    }

    /// Latency of dependent loads per level: best and median nanoseconds per load, the working set and the
    /// chain's layout.
    public static func latencyTable(_ profile: HostProfile) -> String { latencyTableRows(profile).markdown }

    /// The latency table itself.
    public static func latencyTableRows(_ profile: HostProfile) -> Table {
        let rows = profile.latency.sorted { $0.workingSetBytes < $1.workingSetBytes }.map { m in
            [m.level, Format.binaryBytes(m.workingSetBytes), "\(Format.significant(m.nanosecondsPerLoad.best)) ns",
             "\(Format.significant(m.nanosecondsPerLoad.median)) ns", m.pattern]
        }
        return Table(headers: ["Level", "Working set", "Best", "Median", "Pattern"], rows: rows,
                     alignments: [.left, .right, .right, .right, .left])
    }

    /// NUMA bandwidth matrix (rows: node the threads ran on; columns: node the memory was on), or the probe's
    /// note when it has none worth a table.
    public static func numaTable(_ profile: HostProfile) -> String {
        guard let numa = profile.numa else { return "No NUMA measurement in this profile.\n" }
        guard numa.nodes.count > 1, numa.bytesPerSecond.count == numa.nodes.count else { return numa.note + "\n" }
        return numaTableRows(numa).markdown + "\nKernel: \(numa.kernel). \(numa.note)\n"
    }

    /// The NUMA matrix as a table (rows: node of the threads; columns: node of the memory).
    public static func numaTableRows(_ numa: NumaMatrix) -> Table {
        let headers = ["Threads on ↓ / memory on →"] + numa.nodes.map { "node \($0)" }
        let rows = zip(numa.nodes, numa.bytesPerSecond).map { node, row in
            ["node \(node)"] + row.map { Format.bytesPerSecond($0.best) }
        }
        return Table(headers: headers, rows: rows, alignments: [.left] + numa.nodes.map { _ in .right })
    }

    /// The host ceilings section: bandwidth table, bandwidth chart, FLOP peaks, latency, NUMA, hierarchical
    /// roofline chart and the probe's notes. Chart arguments are file names relative to the markdown file
    /// (nil leaves the chart out).
    public static func hostCeilings(_ profile: HostProfile, bandwidthChart: String?, rooflineChart: String?,
                                    heading: String = "##") -> String {
        var out = "\(heading) Host ceilings\n\n"
        out += "Measured by a `\(profile.mode.rawValue)` probe at \(profile.createdAt) (roofline \(profile.toolVersion)); "
        out += "timer resolution \(Format.seconds(profile.timerResolutionSeconds)), "
        out += "every timed region at least \(Format.seconds(profile.minimumSampleSeconds)).\n\n"
        out += "\(heading)# Memory bandwidth per level and threads\n\n" + bandwidthTable(profile) + "\n"
        if let bandwidthChart {
            out += "![Bandwidth against working-set size](\(linkTarget(bandwidthChart)))\n\n"
        }
        out += "\(heading)# Peak FLOP rates\n\n" + flopsTable(profile) + "\n"
        out += "\(heading)# Load latency\n\n" + (profile.latency.isEmpty ? "No latency measurement in this profile.\n" : latencyTable(profile)) + "\n"
        out += "\(heading)# NUMA\n\n" + numaTable(profile) + "\n"
        if let rooflineChart {
            out += "\(heading)# Hierarchical roofline\n\n![Hierarchical roofline of this host](\(linkTarget(rooflineChart)))\n\n"
        }
        if !profile.notes.isEmpty {
            out += "Probe notes:\n\n" + profile.notes.map { "- \(escape($0))\n" }.joined() + "\n"
        }
        return out
    }
}
