import ArgumentParser
import Foundation
import RooflineCore
import RooflineModels

/// `roofline models`: the bundled model presets with their size and KV-cache cost.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the bundled model presets: parameters and KV-cache bytes per token.",
        discussion: "Any preset name works as --model; so does a path to a Hugging Face config.json.")

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
        var kvCacheDataType: DataType
        var kvCacheBytesPerToken: Double
        var slidingWindow: Int?
        var slidingWindowLayers: Int
    }

    func run() throws {
        let kvType = try Precision.storage(try DataType(parsing: kv), for: "KV cache")
        let entries = try ModelConfig.presetNames.map { name in
            let model = try ModelConfig.load(name)
            return Entry(name: name, family: model.family, layers: model.layerCount, hiddenSize: model.hiddenSize,
                         parameterCount: model.parameterCount, activeParameterCount: model.activeParameterCount,
                         kvCacheDataType: kvType, kvCacheBytesPerToken: model.kvCacheBytesPerToken(kvType: kvType),
                         slidingWindow: model.slidingWindow, slidingWindowLayers: model.slidingWindowLayers.count)
        }
        let headers = ["model", "family", "layers", "parameters", "active", "KV/token (\(kvType.rawValue))", "window"]
        let rows = entries.map { entry in
            [entry.name, entry.family.rawValue, String(entry.layers), Format.decimal(Double(entry.parameterCount), unit: ""),
             Format.decimal(Double(entry.activeParameterCount), unit: ""), Format.bytes(entry.kvCacheBytesPerToken),
             entry.slidingWindow.map { "\($0) on \(entry.slidingWindowLayers)/\(entry.layers) layers" } ?? "-"]
        }
        let numeric: Set<Int> = [2, 3, 4, 5]
        let table = Table(headers: headers, rows: rows, rightAligned: numeric)
        try results.emit(entries, text: { table.text }, markdown: { table.markdown })
    }
}
