import Foundation
import RooflineDevices

extension Markdown {
    /// The deployment section from the planner's plans, one per device (or the reason a device has none):
    /// devices needed for weights + KV cache, then per device and layout the devices used, time per token
    /// (one decode step), tokens/s = batch ÷ time per token, time to first token (the prefill of the batch's prompts together),
    /// $/hour = devices × price, $ per million tokens = $/hour ÷ (tokens/s × 3600) × 1e6, and where a plan has a
    /// calibration the same four predicted by it; then the planner's notes and assumptions. Every number is the plan's.
    public static func deployment(_ plans: [(name: String, plan: Result<DeploymentPlan, RooflineError>)]) -> String {
        let planned = plans.compactMap { entry -> DeploymentPlan? in
            if case .success(let plan) = entry.plan { return plan }
            return nil
        }
        var out = ""
        if let first = planned.first {
            let efficiency = first.options.efficiency
            out += "Serving \(escape(first.model)) at context \(Format.grouped(first.contextTokens)), batch \(first.batch), "
            out += "weights \(first.weightType.rawValue), KV cache \(first.kvCacheType.rawValue)"
            out += first.promptTokens.map { ", prompt \(Format.grouped($0)) tokens" } ?? ""
            out += efficiency == 1 ? ", at the roofline bound (efficiency 1).\n\n"
                : ", at efficiency \(Format.significant(efficiency)) of peak.\n\n"
            out += "### Devices needed\n\n"
            let rows = planned.map { plan -> [String] in
                [plan.deviceName, Format.bytes(plan.weightBytes), Format.bytes(plan.kvCacheBytes), Format.bytes(plan.deviceMemoryBytes),
                 Format.grouped(plan.kvOnlyDevices), Format.grouped(plan.minimumDevices),
                 plan.deployedDescription,
                 plan.pricePerDeviceHourUSD.map(Format.dollars) ?? "not known"]
            }
            out += table(["Device", "Weights", "KV cache", "Device memory", "Devices for the KV cache alone", "Minimum devices",
                          "Deployed", "Price per device-hour"],
                         alignments: [.left, .right, .right, .right, .right, .right, .right, .left], rows: rows) + "\n"
            let priceNotes = planned.compactMap { plan in plan.priceNote.map { "\(plan.deviceName): \($0)" } }
            if !priceNotes.isEmpty {
                out += "Prices: " + priceNotes.map(escape).joined(separator: "; ") + ".\n\n"
            }
            out += "### Throughput and cost per layout\n\n"
            out += "Time per token is one decode step (the time between two tokens of a sequence); tokens/s = batch ÷ time per token; "
            out += first.batch == 1 ? "time to first token is the prompt's prefill.\n\n"
                : "time to first token is the prefill of the batch's \(first.batch) prompts together, each request's first "
                    + "token coming when it ends (a serving sweep's --prefill-schedule serial prefills them one after another).\n\n"
            let predicted = planned.contains { $0.calibration != nil }
            if predicted {
                out += "Predicted columns use the calibration named in each device's assumptions (measured kernel floors and "
                    + "achieved fractions of peak); the columns before them are at the \(efficiency == 1 ? "bound" : "efficiency").\n\n"
            }
            var layoutRows: [[String]] = []
            for plan in planned {
                for layout in plan.layouts {
                    guard layout.fits else {
                        layoutRows.append([plan.deviceName, layout.layout.rawValue, "does not fit: \(layout.reason.map(DeploymentPlanWording.clause) ?? "")"])
                        continue
                    }
                    let boundColumns: [String] = [
                        plan.deviceName, layout.layout.rawValue, layout.shapeDescription,
                        layout.secondsPerToken.map(duration) ?? "–",
                        DeploymentPlanRendering.pair(layout.tokensPerSecond, layout.boundTokensPerSecond, rate),
                        layout.tokensPerHour.map { Format.grouped($0) } ?? "–",
                        layout.timeToFirstTokenSeconds.map(duration) ?? "–",
                        layout.costPerHourUSD.map(Format.dollars) ?? "–",
                        layout.costPerMillionTokensUSD == nil ? "– (no price)"
                            : DeploymentPlanRendering.pair(layout.costPerMillionTokensUSD, layout.boundCostPerMillionTokensUSD, Format.dollars),
                        layout.decode?.bound.rawValue ?? "–",
                    ]
                    let predictedColumns: [String] = [
                        layout.decodePredicted.map { duration($0.seconds) } ?? "–",
                        layout.predictedTokensPerSecond.map(rate) ?? "–",
                        layout.predictedTimeToFirstTokenSeconds.map(duration) ?? "–",
                        layout.predictedCostPerMillionTokensUSD.map(Format.dollars) ?? "–",
                    ]
                    layoutRows.append(boundColumns + (predicted ? predictedColumns : []))
                }
            }
            let atBound = efficiency == 1 ? "" : " (at the bound)"
            out += table(["Device", "Layout", "Devices", "Time per token", "Tokens/s\(atBound)", "Tokens/hour", "Time to first token",
                          "$/hour", "$ per million tokens\(atBound)", "Decode bound"]
                            + (predicted ? ["Predicted time per token", "Predicted tokens/s", "Predicted time to first token",
                                            "Predicted $ per million tokens"] : []),
                         alignments: [.left, .left, .left, .right, .right, .right, .right, .right, .right, .left]
                            + (predicted ? [.right, .right, .right, .right] : []), rows: layoutRows) + "\n"
            let notes = planned.flatMap { plan in plan.notes.map { "\(plan.deviceName): \(DeploymentPlanWording.sentence($0))" } }
            if !notes.isEmpty {
                out += "Read first:\n\n" + notes.map { "- \(escape($0))\n" }.joined() + "\n"
            }
        }
        for entry in plans {
            if case .failure(let error) = entry.plan {
                out += "No plan on \(escape(entry.name)): \(escape(error.message)).\n\n"
            }
        }
        for plan in planned {
            out += "<details><summary>Planner assumptions on \(escape(plan.deviceName))</summary>\n\n"
            out += plan.assumptions.map { "- \(escape(DeploymentPlanWording.sentence($0)))\n" }.joined()
            for layout in plan.layouts {
                out += "- \(layout.layout.rawValue):\n" + layout.assumptions.map { "  - \(escape(DeploymentPlanWording.sentence($0)))\n" }.joined()
            }
            out += "\n</details>\n\n"
        }
        return out
    }

}
