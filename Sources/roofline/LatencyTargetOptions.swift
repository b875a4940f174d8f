import ArgumentParser
import RooflineCore
import RooflineDevices

/// `--max-tpot` and `--max-ttft`, shared by `plan` and `report`.
struct LatencyTargetOptions: ParsableArguments {
    @Option(name: .customLong("max-tpot"), help: "Latency target: the longest time per output token (50ms, 0.05s, 500us); picks each device's cheapest configuration meeting it.")
    var maxTimePerOutputToken: String?

    @Option(name: .customLong("max-ttft"), help: "Latency target: the longest time to first token of one request (2s, 800ms); needs a prompt.")
    var maxTimeToFirstToken: String?

    /// The targets as seconds; `--max-ttft` without a prompt is a usage error.
    func targets(hasPrompt: Bool) throws -> LatencyTargets {
        if maxTimeToFirstToken != nil && !hasPrompt {
            throw RooflineError.usage("--max-ttft needs --prompt: the time to first token is the prefill of the prompt")
        }
        return LatencyTargets(
            maxSecondsPerOutputToken: try maxTimePerOutputToken.map { try Quantity.parseDuration($0, name: "--max-tpot") },
            maxTimeToFirstTokenSeconds: try maxTimeToFirstToken.map { try Quantity.parseDuration($0, name: "--max-ttft") })
    }

    /// The options as words for a reproducing command line.
    var words: [String] {
        (maxTimePerOutputToken.map { ["--max-tpot", $0] } ?? []) + (maxTimeToFirstToken.map { ["--max-ttft", $0] } ?? [])
    }
}
