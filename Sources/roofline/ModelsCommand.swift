import ArgumentParser
import Foundation
import RooflineCore
import RooflineModels

/// `roofline models`: the bundled model presets, or the models `--model` names, with their size and KV-cache cost.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the bundled model presets, or the models --model names: parameters, weight bytes and KV-cache bytes per token.",
        discussion: """
            Any preset name works as --model elsewhere; so does a path to a Hugging Face config.json (or its folder), a
            GGUF file (its header only: types and exact bytes per tensor) and a hub id org/name cached by huggingface-cli
            (HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub).
            Example: roofline models --model meta-llama/Llama-3.1-8B --model ./my-model/config.json
            """)

    @Option(help: "A preset, a config.json path or folder, a GGUF file, or a hub id org/name; repeatable. Default: every preset.")
    var model: [String] = []

    @OptionGroup var source: ModelSource

    @OptionGroup var results: OutputOptions

    @Option(help: "Data type for the KV-cache column.")
    var kv: String = "bf16"

    /// One preset as `models --format json` writes it.
    struct Entry: Encodable {
        var name: String
        var family: ModelFamily
        var layers: Int
        var hiddenSize: Int
        var parameterCount: Int
        var activeParameterCount: Int
        /// Bytes of all weights at the checkpoint's own types (`ModelConfig.checkpointWeightBytes`), scales included.
        var weightBytes: Double
        /// Bytes of the checkpoint's weight files: `weightBytes` plus modules inference does not load, such as
        /// DeepSeek-V3's multi-token prediction (`ModelConfig.checkpointBytes`).
        var checkpointBytes: Double
        /// The checkpoint's weight formats, e.g. `bf16` or `fp8 (fp8, block 128×128 scales) for attention, …`.
        var weightFormat: String
        var kvCacheDataType: DataType
        var kvCacheBytesPerToken: Double
        var slidingWindow: Int?
        var slidingWindowLayers: Int
    }

    func run() throws {
        let kvType = try Precision.storage(try DataType(parsing: kv), for: "KV cache")
        let models = try model.isEmpty ? ModelConfig.presetNames.map { try ModelConfig.load($0) } : model.map(source.load)
        let entries = models.map { model in
            Entry(name: model.name, family: model.family, layers: model.layerCount, hiddenSize: model.hiddenSize,
                         parameterCount: model.parameterCount, activeParameterCount: model.activeParameterCount,
                         weightBytes: model.checkpointWeightBytes, checkpointBytes: model.checkpointBytes, weightFormat: model.describe(model.weights),
                         kvCacheDataType: kvType, kvCacheBytesPerToken: model.kvCacheBytesPerToken(kvType: kvType),
                         slidingWindow: model.slidingWindow, slidingWindowLayers: model.slidingWindowLayers.count)
        }
        let headers = ["model", "family", "layers", "parameters", "active", "weights", "KV/token (\(kvType.rawValue))", "window"]
        let rows = entries.map { entry in
            [entry.name, entry.family.rawValue, String(entry.layers), Format.decimal(Double(entry.parameterCount), unit: ""),
             Format.decimal(Double(entry.activeParameterCount), unit: ""), Format.bytes(entry.weightBytes),
             Format.bytes(entry.kvCacheBytesPerToken),
             entry.slidingWindow.map { "\($0) on \(entry.slidingWindowLayers)/\(entry.layers) layers" } ?? "-"]
        }
        let numeric: Set<Int> = [2, 3, 4, 5, 6]
        let table = Table(headers: headers, rows: rows, rightAligned: numeric)
        try results.emit(entries, arrayKey: "models", text: { table.text }, markdown: { table.markdown },
                         csv: { [try CSVTable("models", rows: entries)] })
    }
}
