import ArgumentParser
import Foundation
import RooflineCore
import RooflineProbes

/// `roofline validate`: runs GEMM, softmax, decode attention and RMSNorm on this host and prints predicted vs
/// measured against the host roofline from a probe profile.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Measure real operators on this host and hold the roofline's predictions against them.",
        discussion: """
            Kernels, with Llama 3.1 8B's shapes: GEMM through OpenBLAS (fp32, fp64; decode M = 1, 16 and prefill), \
            softmax over rows of scores (materialized 3-pass and online 2-pass), decode attention over a GQA KV \
            cache (fp32 and bf16), RMSNorm. Each is first checked against a reference on small random inputs. \
            Working sets are sized to half of each cache level of the profile and to main memory; each row shows \
            the roofline's prediction (FLOPs and bytes from the workload model where the kernel is a model \
            operator), the best and median measured time, efficiency = predicted ÷ measured, and whether the \
            measurement agrees with the bound. OpenBLAS is loaded at run time: when it picks a generic core on a \
            CPU with AVX2 or AVX-512, OPENBLAS_CORETYPE is set for the load and the output says so; a value you \
            set is always respected. Threads: --threads (default: the profile's largest thread count).
            """)

    @Option(name: .long, help: "Host profile JSON from `roofline probe --format json --output FILE` (default: run a quick probe now).")
    var profile: String?

    @Option(name: .long, help: "Comma-separated kernels: gemm, softmax, kv, rmsnorm.")
    var kernels: String = OperatorSuite.Kernel.allCases.map(\.rawValue).joined(separator: ",")

    @Option(name: .long, help: "Size set: quick or full.")
    var sizes: String = OperatorSuite.SizeSet.quick.rawValue

    @Option(name: .long, help: "Worker threads (default: the profile's largest measured thread count).")
    var threads: Int?

    @Option(name: .long, help: "Timed samples per kernel (at least 5).")
    var samples: Int = 5

    @OptionGroup var results: OutputOptions

    @Flag(name: .shortAndLong, help: "No progress lines on stderr.")
    var quiet = false

    func validate() throws {
        guard (5...ProbeCommand.maximumSamples).contains(samples) else {
            throw ValidationError("--samples must be from 5 to \(ProbeCommand.maximumSamples), got \(samples)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        _ = try parsedKernels()
        guard OperatorSuite.SizeSet(rawValue: sizes) != nil else {
            throw ValidationError("--sizes must be quick or full")
        }
    }

    func parsedKernels() throws -> [OperatorSuite.Kernel] {
        let names = try listOption(kernels, name: "--kernels")
        let parsed = names.compactMap(OperatorSuite.Kernel.init(rawValue:))
        guard parsed.count == names.count else {
            throw ValidationError("--kernels takes a comma-separated list of gemm, softmax, kv, rmsnorm; got '\(kernels)'")
        }
        return parsed
    }

    func run() throws {
        Diagnostics.quiet = quiet
        let hostProfile: HostProfile
        if let profile {
            hostProfile = try loadHostProfile(profile)
        } else {
            Diagnostics.progress("no --profile: running a quick probe (save a full one with `roofline probe --format json --output host.json`)")
            hostProfile = try HostProbe.run(.quick, progress: Diagnostics.progress)
        }
        let result = try Self.measure(on: hostProfile, kernels: try parsedKernels(), sizes: OperatorSuite.SizeSet(rawValue: sizes)!,
                                      threads: threads, samples: samples)
        try results.emit(result, text: result.renderText, markdown: { result.renderMarkdown() },
                         csv: { [try CSVTable("operators", rows: result.rows)] })
    }

    /// Runs the operator suite on this host and holds it against `profile`'s roofline at `threads` (default: the
    /// profile's largest measured thread count), counting with the workload model.
    static func measure(on profile: HostProfile, kernels: [OperatorSuite.Kernel] = OperatorSuite.Kernel.allCases,
                        sizes: OperatorSuite.SizeSet = .quick, threads: Int? = nil, samples: Int = 5) throws -> OperatorValidation {
        let available = OperatorSuite.availableCPUs().count
        let wanted = threads ?? (profile.flops.map(\.threads).max() ?? 1)
        if wanted > available {
            throw RooflineError.usage(threads == nil
                ? "the profile was measured with up to \(wanted) threads but this process may run on \(available) CPUs: pass --threads \(available) or fewer, or probe this host again"
                : "--threads \(wanted) exceeds the \(available) CPUs this process may run on: pass --threads \(available) or fewer")
        }
        let roofline = try profile.roofline(threads: wanted)
        let suite = OperatorSuite(kernels: kernels, sizes: sizes, threads: wanted, samples: samples,
                                  memoryLimitBytes: OperatorSuite.defaultMemoryLimitBytes(),
                                  counting: try WorkloadModelCounting())
        return try suite.run(roofline: roofline, features: CPUFeatureReport.current()) { Diagnostics.progress($0) }
    }
}
