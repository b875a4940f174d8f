import Foundation
import RooflineCore
import RooflineModels

extension ClassifyReport {
    /// The operator table's headers: with a calibration, the predicted time beside the bound's.
    var headers: [String] {
        ["operator", "kind", "×", "FLOPs", "weights", "activations", "KV cache", "FLOP/B", "ceiling", "bound", "time"]
            + (calibration == nil ? [] : ["predicted"]) + ["share"]
    }
    var numericColumns: Set<Int> { Set([2, 3, 4, 5, 6, 7] + Array(10..<headers.count)) }

    var tableRows: [[String]] {
        let predicted = calibration != nil
        return operators.map { row in
            [row.name, row.kind.rawValue, String(row.count), Format.flops(row.flops), Format.bytes(row.weightBytes),
             Format.bytes(row.activationBytes), Format.bytes(row.kvBytes), Format.significant(row.arithmeticIntensity),
             row.ceilingDataType.rawValue + (row.fellBackFrom == nil ? "" : "*"), row.bound.rawValue,
             Format.seconds(row.seconds)] + (predicted ? [row.predicted.map { Format.seconds($0.seconds) } ?? ""] : [])
                + [String(format: "%.1f %%", row.share * 100)]
        } + [["total", "", "", Format.flops(totals.flops), Format.bytes(totals.weightBytes),
              Format.bytes(totals.activationBytes), Format.bytes(totals.kvBytes),
              Format.significant(totals.arithmeticIntensity), "", "", Format.seconds(totals.seconds)]
            + (predicted ? [totals.predictedSeconds.map(Format.seconds) ?? ""] : []) + ["100.0 %"]]
    }

    /// How each operator's predicted time comes about: kernel model, calls, floor, achieved fractions.
    var explanationHeaders: [String] {
        ["operator", "kernel model", "calls", "fused", "floor/call", "η FLOP/s", "η bandwidth", "predicted/call", "predicted", "bound"]
    }

    var explanationRows: [[String]] {
        operators.compactMap { row in
            row.predicted.map { p in
                [row.name, p.kernel, String(p.calls), p.fused ? "yes" : "", Format.seconds(p.floorSecondsPerCall),
                 String(format: "%.3f", p.computeEfficiency), String(format: "%.3f", p.bandwidthEfficiency),
                 Format.seconds(p.secondsPerCall), Format.seconds(p.seconds), Format.seconds(row.seconds)]
            }
        }
    }

    /// The predicted step beside the bound, and the calibration that made it; nil without one.
    var predictionSummary: String? {
        if let host = hostPrediction, let rate = totals.predictedTokensPerSecond {
            return "predicted step \(Format.seconds(host.seconds)), \(Format.significant(rate)) tokens/s (bound \(Format.seconds(totals.seconds)), "
                + "\(Format.significant(totals.tokensPerSecond)) tokens/s) = memory \(Format.seconds(host.memorySeconds)) ÷ "
                + "\(Format.significant(host.memoryFraction, digits: 3)) + compute \(Format.seconds(host.computeSeconds)) ÷ "
                + "\(Format.significant(host.computeFraction, digits: 3)) + attention \(Format.seconds(host.attentionBoundSeconds)) ÷ "
                + "\(Format.significant(host.attentionFraction, digits: 3)) + \(host.layers) layers × \(Format.seconds(host.secondsPerLayer)): \(host.engine) on \(host.cpuModel) (\(host.threads) threads) for \(host.phase) with "
                + "\(host.weights) weights, fitted on \(host.fittedOn.joined(separator: ", "))"
        }
        guard let calibration, let seconds = totals.predictedSeconds, let rate = totals.predictedTokensPerSecond else { return nil }
        return "predicted step \(Format.seconds(seconds)), \(Format.significant(rate)) tokens/s (bound \(Format.seconds(totals.seconds)), "
            + "\(Format.significant(totals.tokensPerSecond)) tokens/s); floors \(Format.seconds(totals.predictedFloorSeconds ?? 0)) over "
            + "\(totals.kernelLaunches ?? 0) kernel launches\n"
            + "calibration \(calibration.name) measured on \(calibration.measuredOn)"
            + (calibration.rescaled ? ", rescaled to \(calibration.appliedTo)'s peaks and bandwidth" : "")
            + "; engine \(calibration.engine.name): \(calibration.engine.summary)\nsource: \(calibration.source)"
    }

    /// A warning when one device cannot hold the weights and KV cache; nil when it can.
    var capacityWarning: String? {
        guard let capacity, !capacity.fits else { return nil }
        let planner = capacity.plannerDeployedDevices.map { deployed in
            ": the deployment planner needs \(capacity.plannerMinimumDevices ?? deployed) (deploys \(deployed), `roofline plan`)"
        } ?? ""
        return "does not fit: weights + KV cache \(Format.bytes(capacity.weightsAndKVCacheBytes)) exceed one device's "
            + "\(Format.bytes(capacity.deviceMemoryBytes))\(planner); the times above are one device's as if it held them"
    }

    /// What was classified, in one sentence.
    var stepDescription: String {
        let step = promptTokens.map { "prefill of \(Format.grouped($0)) tokens" }
            ?? "decode of one token at context \(Format.grouped(contextTokens ?? 0))"
        return "\(model) (\(family.rawValue)): \(step), batch \(batch); weights \(precision.weights.rawValue), "
            + "activations \(precision.activations.rawValue), KV cache \(precision.kvCache.rawValue); "
            + "\(attention.rawValue) attention" + (lmHeadAllPositions ? "; lm_head on every position" : "")
    }

    var deviceDescription: String {
        let ridge = ridgeFlopsPerByte.map { "ridge \(Format.significant($0)) FLOP/B at \(ridgeDataType.rawValue)" }
            ?? "no ridge for \(ridgeDataType.rawValue)"
        return "\(device.name): \(device.mainMemoryLevel) \(Format.bytesPerSecond(device.bandwidthBytesPerSecond)); \(ridge)"
    }

    var summary: String {
        "step \(Format.seconds(totals.seconds)) (\(Format.seconds(totals.computeBoundSeconds)) compute-bound, "
            + "\(Format.seconds(totals.memoryBoundSeconds)) memory-bound), \(Format.significant(totals.tokensPerSecond)) tokens/s; "
            + "weights \(Format.bytes(weightBytes)), KV cache \(Format.bytes(kvCacheBytes))"
    }

    /// The terminal rendering: a header, the operator table, a summary and the notes.
    func text() -> String {
        var out = stepDescription + "\n" + deviceDescription + "\n\n"
        out += Table(headers: headers, rows: tableRows, rightAligned: numericColumns).text
        out += "\n" + summary + "\n"
        if let predictionSummary {
            out += predictionSummary + "\n\n"
            if calibration != nil { out += Table(headers: explanationHeaders, rows: explanationRows, rightAligned: Set(2..<10)).text }
        }
        if let capacityWarning { out += "warning: " + capacityWarning + "\n" }
        if operators.contains(where: { $0.fellBackFrom != nil }) { out += "* ceiling of a wider data type (see notes)\n" }
        out += notes.map { "note: \($0)\n" }.joined()
        return out
    }

    /// The markdown rendering: a heading, the same table, the summary and the notes as a list.
    func markdown() -> String {
        var out = "## \(model): \(phase.rawValue)\n\n\(stepDescription)\n\n\(deviceDescription)\n\n"
        out += Table(headers: headers, rows: tableRows, rightAligned: numericColumns).markdown
        out += "\n\(summary)\n"
        if let predictionSummary {
            out += "\n" + predictionSummary.replacingOccurrences(of: "\n", with: "\n\n") + "\n\n"
            if calibration != nil { out += Table(headers: explanationHeaders, rows: explanationRows, rightAligned: Set(2..<10)).markdown }
        }
        if let capacityWarning { out += "\n**Warning:** " + capacityWarning + "\n" }
        if operators.contains(where: { $0.fellBackFrom != nil }) { out += "\n\\* ceiling of a wider data type (see notes)\n" }
        if !notes.isEmpty { out += "\n" + notes.map { "- \($0)\n" }.joined() }
        return out
    }
}
