import ArgumentParser
import Foundation
import RooflineCore
import RooflineProbes
import RooflineReport

/// `roofline probe`: measures this host's bandwidth per memory level, FLOP peaks, latency and NUMA layout.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Measure this host: bandwidth per cache level and DRAM, peak FLOP/s, latency, NUMA.",
        discussion: """
            Bandwidth is reported two ways: algorithmic bytes (STREAM/likwid convention: arrays read + written) and
            hardware bytes (adds the write-allocate read of normally stored arrays). The default full probe takes
            under a minute on 2 cores; --quick under 10 seconds.
            """)

    @Flag(help: "DRAM kernels, one cache level and FLOPs at 1 and all threads (≤ 10 s on 2 cores).")
    var quick = false

    @Option(help: "Comma-separated kernels for the fixed-size measurements (\(BandwidthKernel.all.map(\.name).joined(separator: ", "))).")
    var kernels: String?

    @Option(help: "Comma-separated kernels for the working-set sweep (full probe: load,triad).")
    var sweepKernels: String?

    @Option(help: "Comma-separated thread counts (each 1…CPUs available).")
    var threads: String?

    @Option(help: "Comma-separated working-set sizes for the fixed-size measurements (32KiB, 1MiB, 2GB), replacing the per-level defaults.")
    var sizes: String?

    @Option(help: "Working set for DRAM measurements (default max(8 × last-level cache, 256 MiB)).")
    var dramSize: String?

    @Option(help: "How long the DRAM read ceilings are sampled, per kernel and thread count (full probe: 3s; the quick probe samples none). Give a minute or more on a virtual machine whose bandwidth drifts with its host's other tenants, so a quiet moment is caught.")
    var dramWindow: String?

    @Option(help: "Comma-separated phases to run: \(ProbeOptions.Phase.allCases.map(\.rawValue).joined(separator: ", ")).")
    var phases: String?

    @Option(help: "Timed samples per point (at least 5 for the summary to mean anything).")
    var samples: Int?

    @OptionGroup var cluster: ClusterProbeArguments

    @OptionGroup var results: OutputOptions

    @Flag(name: .shortAndLong, help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if let samples, !(1...Self.maximumSamples).contains(samples) {
            throw ValidationError("--samples must be from 1 to \(Self.maximumSamples), got \(samples)")
        }
    }

    func options() throws -> ProbeOptions {
        var options = quick ? ProbeOptions.quick : ProbeOptions.full
        if let kernels { options.kernels = try listOption(kernels, name: "--kernels").map(BandwidthKernel.named) }
        if let sweepKernels {
            options.sweepKernels = try listOption(sweepKernels, name: "--sweep-kernels").map(BandwidthKernel.named)
        }
        if let threads {
            options.threadCounts = try listOption(threads, name: "--threads").map { text in
                guard let count = Int(text) else { throw RooflineError.usage("--threads '\(text)' is not a whole number") }
                return count
            }
        }
        if let sizes {
            options.workingSets = try listOption(sizes, name: "--sizes").map { try Quantity.parseBytes($0, name: "--sizes") }
        }
        if let dramSize { options.dramBytes = try Quantity.parseBytes(dramSize, name: "--dram-size") }
        if let phases {
            options.phases = Set(try listOption(phases, name: "--phases").map { name in
                guard let phase = ProbeOptions.Phase(rawValue: name) else {
                    throw RooflineError.usage("unknown phase '\(name)': use \(ProbeOptions.Phase.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return phase
            })
        }
        if let samples { options.samples = samples }
        if let dramWindow {
            let seconds = try Quantity.parseDuration(dramWindow, name: "--dram-window")
            guard seconds <= Self.maximumDRAMWindowSeconds else {
                throw RooflineError.usage("--dram-window '\(dramWindow)' is longer than \(Int(Self.maximumDRAMWindowSeconds)) s: give a shorter window")
            }
            options.dramReadWindowSeconds = seconds
        }
        if kernels != nil || sweepKernels != nil || threads != nil || sizes != nil || phases != nil || dramSize != nil {
            options.mode = .custom
        }
        return options
    }

    /// Timed samples per point at most: far more than any summary needs, few enough to stay in memory and time.
    static let maximumSamples = 1000
    /// The longest `--dram-window`: an hour per kernel and thread count is already longer than anyone waits.
    static let maximumDRAMWindowSeconds = 3600.0

    func run() throws {
        Diagnostics.quiet = quiet
        let options = try options()
        if cluster.mpi { return try runCluster(options) }
        try cluster.refuseWithoutMPI()
        let start = MonotonicClock.now()
        let profile = try HostProbe.run(options, progress: Diagnostics.progress)
        Diagnostics.progress("probe finished in \(Format.significant(MonotonicClock.now() - start, digits: 3)) s")
        let renderer = HostProfileRenderer(profile: profile)
        try results.emit(profile, text: { renderer.text }, markdown: { renderer.markdown },
                         csv: { [try CSVTable("bandwidth", rows: profile.bandwidth), try CSVTable("flops", rows: profile.flops)] })
    }

    /// `--mpi`: every rank probes its node, rank 0 gathers them, measures the network with the others and writes the
    /// cluster profile; the other ranks write nothing. An error after MPI_Init ends every rank (MPI_Abort), so none
    /// waits forever for a rank that failed.
    func runCluster(_ options: ProbeOptions) throws {
        let clusterOptions = try cluster.options(quick: quick)
        let session = try MPISession()
        if session.rank != 0 { Diagnostics.quiet = true }
        do {
            let start = MonotonicClock.now()
            let profile = try ClusterProbe.run(session, options: clusterOptions, probeHost: {
                try HostProbe.run(options, progress: { _ in })
            }, progress: Diagnostics.progress)
            session.finish()
            guard let profile else { return }
            Diagnostics.progress("cluster probe finished in \(Format.significant(MonotonicClock.now() - start, digits: 3)) s")
            try results.emit(profile, text: { ClusterProfileRendering.text(profile) },
                             markdown: { ClusterProfileRendering.markdown(profile) },
                             csv: { try Self.clusterTables(profile) })
        } catch {
            let rooflineError = error as? RooflineError ?? RooflineError.runtime("\(error)")
            Diagnostics.error("rank \(session.rank): \(rooflineError.message)")
            session.abort(code: ExitStatus(rooflineError.category).rawValue)
        }
    }
}

extension ProbeCommand {
    /// A node's row of `--format csv`: rank, host and its ceilings.
    struct NodeRow: Encodable {
        var rank: Int
        var hostname: String
        var ceilings: NodeCeilings
        var outliers: String
    }

    /// A ping-pong point of one pair, or an all-reduce point (no ranks), for `--format csv`.
    struct MessageRow: Encodable {
        var rankA: Int?
        var rankB: Int?
        var point: MessagePoint

        func encode(to encoder: Encoder) throws {
            enum Keys: String, CodingKey { case rankA, rankB }
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeIfPresent(rankA, forKey: .rankA)
            try container.encodeIfPresent(rankB, forKey: .rankB)
            try point.encode(to: encoder)
        }
    }

    /// The cluster profile's tables: `nodes`, `pingpong` (every pair and size), `allreduce` and `fits`.
    static func clusterTables(_ profile: ClusterProfile) throws -> [CSVTable] {
        let nodes = profile.nodes.map { node in
            NodeRow(rank: node.rank, hostname: node.hostname, ceilings: node.ceilings,
                    outliers: profile.outliers.filter { $0.rank == node.rank }.map(\.ceiling.rawValue).joined(separator: " "))
        }
        var tables = [try CSVTable("nodes", rows: nodes)]
        if let network = profile.network {
            let pairs = network.pairs.flatMap { pair in pair.points.map { MessageRow(rankA: pair.rankA, rankB: pair.rankB, point: $0) } }
            tables.append(try CSVTable("pingpong", rows: pairs))
            tables.append(try CSVTable("allreduce", rows: network.allReduce.map { MessageRow(point: $0) }))
            let fits = (network.pointToPointFit.map { [$0] } ?? []) + network.allReduceFits + (network.plannerFit.map { [$0] } ?? [])
            tables.append(try CSVTable("fits", rows: fits))
        }
        return tables
    }
}

/// `probe --mpi` and the options that shape the cluster probe.
struct ClusterProbeArguments: ParsableArguments {
    @Flag(help: "Run under mpirun (OpenMPI, loaded at run time): each rank probes its node, rank 0 measures the network and writes one cluster profile.")
    var mpi = false

    @Flag(help: "With --mpi, probe every node at once (to see contention) instead of one after another.")
    var concurrent = false

    @Option(help: "With --mpi, flag a node whose DRAM bandwidth or FLOP peak is more than this percentage below the median, or latency above it.")
    var outlierMargin: Double = 10

    @Option(help: "With --mpi, the largest ping-pong and all-reduce message (sizes double from 8 B; default 64MiB).")
    var maxMessage: String?

    @Option(help: "With --mpi, iterations per message size: mpi4py (as `python3 -m mpi4py.bench pingpong`: 100 warm-up + 10,000 timed, fewer above 16 KiB and 1 MiB) or quick (a tenth; the default with --quick).")
    var messageTiming: MessageTimingChoice?

    @Flag(help: "With --mpi, ping-pong from fresh buffers never written, as mpi4py.bench's numpy.empty (large sends then read the kernel's zero page from cache); for comparing with it.")
    var untouchedBuffers = false

    enum MessageTimingChoice: String, ExpressibleByArgument, CaseIterable {
        case mpi4py, quick
    }

    /// The cluster probe's options; usage errors name the option.
    func options(quick: Bool) throws -> ClusterProbeOptions {
        var options = ClusterProbeOptions()
        options.schedule = concurrent ? .concurrent : .sequential
        options.untouchedBuffers = untouchedBuffers
        guard outlierMargin > 0, outlierMargin < 100 else {
            throw RooflineError.usage("--outlier-margin must be a percentage between 0 and 100, got \(Format.significant(outlierMargin, digits: 3))")
        }
        options.outlierMarginFraction = outlierMargin / 100
        if let maxMessage {
            let bytes = try Quantity.parseBytes(maxMessage, name: "--max-message")
            guard bytes >= 8, bytes <= Int(Int32.max) else {
                throw RooflineError.usage("--max-message must be from 8 B to 2 GiB, got \(maxMessage)")
            }
            options.messageSizes = MessageTiming.sizes(to: bytes)
        }
        switch messageTiming ?? (quick ? .quick : .mpi4py) {
        case .mpi4py: options.timing = .mpi4py
        case .quick: options.timing = .quick
        }
        return options
    }

    /// The cluster options without --mpi are a usage error naming --mpi.
    func refuseWithoutMPI() throws {
        let given = [(concurrent, "--concurrent"), (outlierMargin != 10, "--outlier-margin"), (maxMessage != nil, "--max-message"),
                     (messageTiming != nil, "--message-timing"), (untouchedBuffers, "--untouched-buffers")].filter(\.0).map(\.1)
        if let first = given.first {
            throw RooflineError.usage("\(first) applies to a cluster probe: add --mpi and run under mpirun")
        }
    }
}
