import ArgumentParser
import RooflineCore
import RooflineDevices

extension PrefillSchedule: ExpressibleByArgument {}

/// `--max-tpot`, `--max-ttft` and the `--prefill-schedule` behind the time to first token, shared by `plan` and
/// `report`.
struct LatencyTargetOptions: ParsableArguments {
    @Option(name: .customLong("max-tpot"), help: "Latency target: the longest time per output token (50ms, 0.05s, 500us); picks each device's cheapest configuration meeting it.")
    var maxTimePerOutputToken: String?

    @Option(name: .customLong("max-ttft"), help: "Latency target: the longest time to first token of any request of the batch (2s, 800ms); needs a prompt.")
    var maxTimeToFirstToken: String?

    @Option(name: .customLong("prefill-schedule"), help: "How a batch's prompts are prefilled for the time to first token: batched (all together in one step, every request waits for it; the default) or serial (one after another: request i waits behind i − 1 prefills; mean and worst request shown). Gives a sweep.")
    var prefillSchedule: PrefillSchedule?

    /// The schedule chosen, batched by default.
    var schedule: PrefillSchedule { prefillSchedule ?? .batched }

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
            + (prefillSchedule.map { ["--prefill-schedule", $0.rawValue] } ?? [])
    }
}
