import Foundation
import RooflineDevices

/// Text and markdown views of a `DeploymentSweep`: one row per (context, batch), every number from the sweep.
public enum DeploymentSweepRendering {
    /// The sweep for a terminal: headline, table, assumptions.
    public static func text(_ sweep: DeploymentSweep) -> String {
        headline(sweep) + "\n\n" + table(sweep).text + serving(sweep).map { "\n" + $0 + "\n" }.joined()
            + "\nAssumptions\n"
            + sweep.assumptions.map { "  - \(sentence($0, sweep: sweep))\n" }.joined()
    }

    /// The sweep as a markdown section.
    public static func markdown(_ sweep: DeploymentSweep) -> String {
        "## \(headline(sweep))\n\n" + table(sweep).markdown + serving(sweep).map { "\n" + $0 + "\n" }.joined()
            + "\n### Assumptions\n\n"
            + sweep.assumptions.map { "- \(sentence($0, sweep: sweep))\n" }.joined()
    }

    /// "llama-3.1-70b on NVIDIA H200 (h200): 8 points, layout tensor-pipeline, weights bf16, KV cache bf16".
    static func headline(_ sweep: DeploymentSweep) -> String {
        "\(sweep.model) on \(sweep.deviceName) (\(sweep.deviceID)): sweep of \(Format.grouped(sweep.points.count)) points, "
            + "layout \(sweep.layout.rawValue), weights \(sweep.weightType.rawValue), KV cache \(sweep.kvCacheType.rawValue), "
            + "efficiency \(Format.shortest(sweep.options.efficiency))"
    }

    /// The columns: context, batch, prompt, fits (or why not), devices, then the serving figures of the sweep's
    /// basis with the bound's in brackets where they differ, the decode step's bound and the knee.
    static func table(_ sweep: DeploymentSweep) -> Table {
        let serial = sweep.prefillSchedule == .serial
        let ttftHeaders = serial ? ["TTFT/request mean", "TTFT/request worst", "batch prefill"] : ["TTFT/request"]
        let headers = ["context", "batch", "prompt", "fits", "devices", "time/output token", "tokens/s/user",
                       "tokens/s"] + ttftHeaders + ["$/M input", "$/M output", "decode", "knee"]
        let rows = sweep.points.map { point -> [String] in
            let shown = point.figures(sweep.basis), bound = point.bound
            func cell(_ value: (SweepFigures) -> Double?, _ format: (Double) -> String) -> String {
                DeploymentPlanRendering.pair(shown.flatMap(value), bound.flatMap(value), format)
            }
            let fits = point.plan.fits ? "yes" : "no: " + (point.plan.reason.map(DeploymentPlanWording.clause) ?? "")
            let ttft = [cell({ $0.timeToFirstTokenSeconds }, Format.seconds)]
                + (serial ? [cell({ $0.worstTimeToFirstTokenSeconds }, Format.seconds), cell({ $0.batchPrefillSeconds }, Format.seconds)] : [])
            return [Format.grouped(point.contextTokens), Format.grouped(point.batch),
                    point.promptTokens.map(Format.grouped) ?? "-", fits, point.plan.shapeDescription,
                    cell({ $0.secondsPerOutputToken }, Format.seconds),
                    cell({ $0.tokensPerSecondPerUser }) { Format.countOrRate($0) },
                    cell({ $0.tokensPerSecond }) { Format.countOrRate($0) }]
                + ttft
                + [cell({ $0.costPerMillionInputTokensUSD }, Format.dollars),
                   cell({ $0.costPerMillionOutputTokensUSD }, Format.dollars),
                   bound.map { $0.decodeComputeBound ? "compute" : "memory" } ?? "-",
                   [point.knee.map(kneeLabel), point.chosen == true ? chosenLabel : nil].compactMap { $0 }
                       .joined(separator: " ")]
        }
        return Table(headers: headers, rows: rows, rightAligned: Set(0...2).union(5..<(headers.count - 2)))
    }

    /// The knee column's mark on a context's latency choice.
    static let chosenLabel = "★ chosen"

    /// Lines under the table: each context's serving front (the batches on it) and, with latency targets, its
    /// choice or that no point meets them.
    static func serving(_ sweep: DeploymentSweep) -> [String] {
        var lines = sweep.fronts.map { front in
            "Serving front, context \(Format.grouped(front.contextTokens)) (tokens/s per device against tokens/s per user): "
                + (front.front.isEmpty ? "no point fits." : front.front.map { point in
                    "batch \(Format.grouped(point.batch))\(shape(point)) (\(Format.countOrRate(point.tokensPerSecondPerDevice)) per device, "
                        + "\(Format.countOrRate(point.tokensPerSecondPerUser)) per user)"
                }.joined(separator: ", ") + ".")
        }
        guard let targets = sweep.targets else { return lines }
        let wanted = [targets.maxSecondsPerOutputToken.map { "time/output token ≤ \(Format.seconds($0))" },
                      targets.maxTimeToFirstTokenSeconds.map { "TTFT of every request ≤ \(Format.seconds($0))" }].compactMap { $0 }
            .joined(separator: " and ")
        for choice in sweep.choices {
            let ranking = choice.criterion == .cheapestOutputTokens ? "the lowest $ per million output tokens" : "the fewest devices (no price known)"
            if let point = choice.point, let shown = point.figures(sweep.basis) {
                lines.append("Latency target \(wanted), context \(Format.grouped(choice.contextTokens)): \(chosenLabel) batch "
                    + "\(Format.grouped(point.batch)) on \(point.plan.shapeDescription), \(Format.seconds(shown.secondsPerOutputToken)) per output token, "
                    + "\(Format.countOrRate(shown.tokensPerSecond)) tokens/s"
                    + (shown.costPerMillionOutputTokensUSD.map { ", \(Format.dollars($0)) per million output tokens" } ?? "")
                    + " (\(ranking) among the configurations meeting it, on the \(basisWord(sweep.basis)) figures"
                    + (point.chosen == true || sweep.points.contains { $0.chosen == true && $0.contextTokens == choice.contextTokens }
                       ? "" : "; a deployment shape outside the table") + ").")
            } else {
                lines.append("Latency target \(wanted), context \(Format.grouped(choice.contextTokens)): no configuration of this sweep on "
                    + "\(sweep.deviceID) meets it (\(basisWord(sweep.basis)) figures).")
            }
        }
        if sweep.options.chosenShape == nil, sweep.layout == .tensorPipeline {
            lines.append("With latency targets every batch is also evaluated at each tensor-parallel size dividing the node "
                + "(for a mixture of experts also each expert-parallel size dividing the node and the expert count, a multiple of "
                + "the tensor-parallel size), with the fewest pipeline stages that hold it; the front and the choice cover them all.")
        }
        return lines
    }

    /// " on tp 4 × pp 2" (" on tp 1 × ep 8" with expert parallelism) for a front point with a shape, else "".
    static func shape(_ point: ServingFront.Point) -> String {
        guard let tp = point.tensorParallel else { return "" }
        return " on tp \(tp)" + (point.expertParallel.map { " × ep \($0)" } ?? "")
            + ((point.pipelineStages ?? 1) > 1 ? " × pp \(point.pipelineStages ?? 1)" : "")
    }

    /// "predicted", "efficiency", "bound" as words for a sentence.
    static func basisWord(_ basis: SweepBasis) -> String {
        switch basis {
        case .predicted: "calibrated predicted"
        case .efficiency: "--efficiency"
        case .bound: "roofline bound"
        }
    }

    /// The knee column's words for each kind of knee.
    static func kneeLabel(_ kind: SweepKneeKind) -> String {
        switch kind {
        case .computeBound: "◆ turns compute-bound"
        case .largestFitting: "◆ largest that fits"
        }
    }

    /// An assumption of the sweep, as a sentence.
    public static func sentence(_ assumption: SweepAssumption, sweep: DeploymentSweep) -> String {
        switch assumption {
        case let .layout(layout, chosenByUser):
            "Every point uses the \(layout.rawValue) layout" + (chosenByUser ? " (--layout)." :
                ": tensor parallel in a node and pipeline stages across nodes, with their communication "
                + "(--layout aggregate gives the bandwidth bound without communication).")
        case let .deployedPerPoint(devicesPerNode, maxNodes):
            "Each point is deployed as `plan` deploys it: the smallest deployment (a divisor of a node of \(devicesPerNode), "
                + "or whole nodes, up to \(Format.grouped(maxNodes)) nodes) that holds its weights and KV cache; a point that "
                + "needs more does not fit."
        case let .chosenShape(shape):
            "Every point is deployed on the shape chosen with --tp, --pp and --ep: \(DeploymentPlanWording.shapeWords(shape)) = "
                + "\(Format.grouped(shape.devices)) devices; a point it does not hold does not fit."
        case .batchedPrefill:
            "Time to first token (TTFT) of one request, prefill schedule batched: the batch's prompts are prefilled together "
                + "in one step, as `plan` times it, and every request's first token comes when that step ends, so each request's "
                + "TTFT is the whole batch's prefill; a request arriving alone sees the batch-1 row (--prefill-schedule serial "
                + "prefills the prompts one after another)."
                + (sweep.points.contains { $0.promptTokens != nil } ? "" : " Give --prompt for TTFT and the input cost.")
        case .serialPrefill:
            "Time to first token (TTFT) of one request, prefill schedule serial: the batch's prompts are prefilled one after "
                + "another on the whole deployment, so request i waits behind the i − 1 prefills before it and its TTFT is "
                + "i × one request's prefill t₁; the table gives the mean over the batch ((B + 1)/2 × t₁), the worst request "
                + "(B × t₁, what --max-ttft is held against) and the whole batch's prefill (B × t₁, what the input cost pays)."
                + (sweep.points.contains { $0.promptTokens != nil } ? "" : " Give --prompt for TTFT and the input cost.")
        case .costSplit:
            "Cost per million input tokens = devices × price per hour × the batch's prefill time ÷ (batch × prompt); per million "
                + "output tokens = devices × price per hour × time per output token ÷ batch"
                + (sweep.pricePerDeviceHourUSD == nil ? "; no price is known for this device: give --price." : ".")
        case let .figures(basis):
            switch basis {
            case .predicted: "Figures predicted by calibration \(sweep.calibration?.name ?? ""), the roofline bound in brackets."
            case .efficiency: "Figures at efficiency \(Format.shortest(sweep.options.efficiency)), the roofline bound in brackets."
            case .bound: "Figures at the roofline bound (no calibration applies, or --calibration none)."
            }
        case .knee:
            "Knee (◆), per context: the first batch whose decode step at the bound is compute-bound (compute time ≥ memory "
                + "time), else the largest batch that fits."
        }
    }
}
