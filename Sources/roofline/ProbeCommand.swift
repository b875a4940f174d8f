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

    @Option(help: "Comma-separated phases to run: \(ProbeOptions.Phase.allCases.map(\.rawValue).joined(separator: ", ")).")
    var phases: String?

    @Option(help: "Timed samples per point (at least 5 for the summary to mean anything).")
    var samples: Int?

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
        if kernels != nil || sweepKernels != nil || threads != nil || sizes != nil || phases != nil || dramSize != nil {
            options.mode = .custom
        }
        return options
    }

    /// Timed samples per point at most: far more than any summary needs, few enough to stay in memory and time.
    static let maximumSamples = 1000

    func run() throws {
        Diagnostics.quiet = quiet
        let options = try options()
        let start = MonotonicClock.now()
        let profile = try HostProbe.run(options, progress: Diagnostics.progress)
        Diagnostics.progress("probe finished in \(Format.significant(MonotonicClock.now() - start, digits: 3)) s")
        let renderer = HostProfileRenderer(profile: profile)
        try results.emit(profile, text: { renderer.text }, markdown: { renderer.markdown },
                         csv: { [try CSVTable("bandwidth", rows: profile.bandwidth), try CSVTable("flops", rows: profile.flops)] })
    }
}
