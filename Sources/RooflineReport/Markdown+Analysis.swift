import Foundation
import RooflineCalibration

extension Markdown {
    /// One step's operators on one roofline, in step order: FLOPs, bytes (weights, activations, KV cache),
    /// intensity = FLOPs ÷ bytes, bound, time = max(FLOPs ÷ peak, bytes ÷ bandwidth), share = time ÷ step time;
    /// then a total row and the ceilings used. With a `prediction`, its time beside the bound's ("Predicted").
    public static func analysisTable(_ analysis: Analysis, prediction: StepPrediction? = nil) -> String {
        var rows: [[String]] = analysis.placements.enumerated().map { index, p in
            let op = p.operator
            let row = [op.name, op.kind.rawValue, "\(op.count)", Format.flops(op.flops), Format.bytes(op.bytes.weights),
                       Format.bytes(op.bytes.activations), Format.bytes(op.bytes.kvCache), intensity(p.arithmeticIntensity),
                       p.bound.rawValue, duration(p.seconds)]
            return row + (prediction.map { [duration($0.operators[index].seconds)] } ?? []) + [percent(analysis.share(of: p))]
        }
        let totalBytes = analysis.totalBytes
        rows.append(["**total**", "", "", "**\(Format.flops(analysis.totalFlops))**", "**\(Format.bytes(totalBytes.weights))**",
                     "**\(Format.bytes(totalBytes.activations))**", "**\(Format.bytes(totalBytes.kvCache))**",
                     "**\(intensity(analysis.arithmeticIntensity))**", "", "**\(duration(analysis.totalSeconds))**"]
                     + (prediction.map { ["**\(duration($0.totalSeconds))**"] } ?? [])
                     + ["**\(percent(analysis.totalSeconds > 0 ? 1 : 0))**"])
        let headers = ["Operator", "Kind", "Count", "FLOPs", "Weights", "Activations", "KV cache", "FLOP/byte", "Bound", "Time"]
            + (prediction == nil ? [] : ["Predicted"]) + ["Share"]
        let alignments: [Table.Alignment] = [.left, .left, .right, .right, .right, .right, .right, .right, .left, .right, .right]
            + (prediction == nil ? [] : [.right])
        return table(headers, alignments: alignments, rows: rows)
    }

    /// How each operator's predicted time comes about, in the analysis's order, inside a collapsed block: the kernel
    /// model that applied, calls, whether the engine profile fuses it (no floor of its own), floor per call
    /// (with the per-wave time where the model has one), the achieved fractions η of peak FLOP/s and bandwidth, the time per call =
    /// floor + max(compute at peak ÷ η_c, memory at peak ÷ η_m), the predicted time = calls × that, and the bound beside it.
    public static func predictionExplanation(_ analysis: Analysis, prediction: StepPrediction) -> String {
        let rows: [[String]] = zip(analysis.placements, prediction.operators).map { p, o in
            [p.operator.name, o.kernel, "\(o.calls)", o.fused ? "yes" : "", duration(o.floorSecondsPerCall),
             String(format: "%.3f", o.computeEfficiency), String(format: "%.3f", o.bandwidthEfficiency),
             duration(o.secondsPerCall), duration(o.seconds), duration(p.seconds)]
        }
        let headers = ["Operator", "Kernel model", "Calls", "Fused", "Floor per call", "η FLOP/s", "η bandwidth",
                       "Predicted per call", "Predicted", "Bound"]
        let alignments: [Table.Alignment] = [.left, .left, .right, .left, .right, .right, .right, .right, .right, .right]
        return "<details><summary>How the predicted times come about</summary>\n\n"
            + "Per call: floor + max(compute time at peak ÷ η FLOP/s, memory time at peak ÷ η bandwidth). The floor is the "
            + "kernel's launch and synchronisation time, plus, for prefill attention, a measured time per wave of query tiles "
            + "over the device's SMs. A fused operator launches no kernel of its own, so it has no floor and streams at the "
            + "best measured fraction.\n\n"
            + table(headers, alignments: alignments, rows: rows) + "\n</details>\n"
    }

    /// The calibration behind a table's predicted times, one line.
    public static func predictionNote(_ prediction: StepPrediction) -> String {
        let used = prediction.calibration
        return "Predicted: calibration \(used.name) measured on \(used.measuredOn)"
            + (used.rescaled ? ", rescaled to \(used.appliedTo)'s peaks and bandwidth" : "")
            + ", engine profile \(used.engine.name) (\(used.engine.summary)); floors \(duration(prediction.floorSeconds)) over "
            + "\(prediction.kernelLaunches) kernel launches.\n"
    }

    /// The ceilings an analysis used, one line: each data type's peak, the memory level bytes were read from
    /// and the ridge point = peak ÷ bandwidth; plus any data type the roofline lacked and what stood in for it.
    public static func ceilingsUsed(_ analysis: Analysis) -> String {
        let roofline = analysis.roofline
        let types = Array(Set(analysis.placements.map(\.ceilingDataType))).sorted()
        let levels = Array(Set(analysis.placements.map(\.memoryLevel))).sorted()
        var parts: [String] = []
        for type in types {
            guard let ceiling = roofline.computeCeilings.first(where: { $0.dataType == type }) else { continue }
            var text = "\(type.rawValue) \(Format.flopsPerSecond(ceiling.flopsPerSecond))"
            if let ridge = roofline.ridgeFlopsPerByte(dataType: type, level: levels.first) {
                text += " (ridge \(Format.significant(ridge)) FLOP/byte)"
            }
            parts.append(text)
        }
        for level in levels {
            if let ceiling = roofline.bandwidthCeiling(level: level) {
                parts.append("\(level) \(Format.bytesPerSecond(ceiling.bytesPerSecond))")
            }
        }
        var out = "Ceilings on \(escape(roofline.name)): " + parts.joined(separator: ", ") + "."
        for fallback in analysis.fallbacks {
            out += " No \(fallback.requested.rawValue) ceiling: \(fallback.used.rawValue)'s used instead."
        }
        for type in analysis.untimedTypes {
            out += " No \(type.rawValue) or wider ceiling: \(type.rawValue) vector operators are timed by their bytes alone."
        }
        return out + "\n"
    }

    /// Arithmetic intensity for a table: whole and grouped from 100 up ("1,536"), otherwise three significant
    /// digits without trailing zeros ("16.8", "1", "0.125"); "∞" when nothing is moved.
    static func intensity(_ value: Double) -> String {
        if value.isInfinite { return "∞" }
        return abs(value) >= 100 ? rate(value) : String(format: "%.3g", value)
    }
}
