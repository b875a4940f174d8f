import Foundation
import RooflineCore
import RooflineModels

extension ClassifyReport {
    static let headers = ["operator", "kind", "×", "FLOPs", "weights", "activations", "KV cache", "FLOP/B", "ceiling",
                          "bound", "time", "share"]
    static let numericColumns: Set<Int> = [2, 3, 4, 5, 6, 7, 10, 11]

    var tableRows: [[String]] {
        operators.map { row in
            [row.name, row.kind.rawValue, String(row.count), Format.flops(row.flops), Format.bytes(row.weightBytes),
             Format.bytes(row.activationBytes), Format.bytes(row.kvBytes), Format.significant(row.arithmeticIntensity),
             row.ceilingDataType.rawValue + (row.fellBackFrom == nil ? "" : "*"), row.bound.rawValue,
             Format.seconds(row.seconds), String(format: "%.1f %%", row.share * 100)]
        } + [["total", "", "", Format.flops(totals.flops), Format.bytes(totals.weightBytes),
              Format.bytes(totals.activationBytes), Format.bytes(totals.kvBytes),
              Format.significant(totals.arithmeticIntensity), "", "", Format.seconds(totals.seconds), "100.0 %"]]
    }

    /// What was classified, in one sentence.
    var stepDescription: String {
        let step = tokens.map { "prefill of \(Format.grouped($0)) tokens" }
            ?? "decode of one token at context \(Format.grouped(context ?? 0))"
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
            + "weights \(Format.bytes(weightFootprintBytes)), KV cache \(Format.bytes(kvCacheBytes))"
    }

    /// The terminal rendering: a header, the operator table, a summary and the notes.
    func text() -> String {
        var out = stepDescription + "\n" + deviceDescription + "\n\n"
        out += Table(headers: Self.headers, rows: tableRows, rightAligned: Self.numericColumns).text
        out += "\n" + summary + "\n"
        if operators.contains(where: { $0.fellBackFrom != nil }) { out += "* ceiling of a wider data type (see notes)\n" }
        out += notes.map { "note: \($0)\n" }.joined()
        return out
    }

    /// The markdown rendering: a heading, the same table, the summary and the notes as a list.
    func markdown() -> String {
        var out = "## \(model): \(phase.rawValue)\n\n\(stepDescription)\n\n\(deviceDescription)\n\n"
        out += Table(headers: Self.headers, rows: tableRows, rightAligned: Self.numericColumns).markdown
        out += "\n\(summary)\n"
        if operators.contains(where: { $0.fellBackFrom != nil }) { out += "\n\\* ceiling of a wider data type (see notes)\n" }
        if !notes.isEmpty { out += "\n" + notes.map { "- \($0)\n" }.joined() }
        return out
    }
}
