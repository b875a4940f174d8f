extension ModelConfig {
    /// What may make an answer at `context` tokens misleading: a context beyond `maxPositionEmbeddings` (after
    /// RoPE scaling), sliding-window layers that read only their window at this context, and routed experts that
    /// `num_experts_per_tok` does not divide evenly (uniform routing cannot balance them).
    public func sanityWarnings(context: Int) -> [String] {
        var warnings: [String] = []
        if let maxPositionEmbeddings, context > maxPositionEmbeddings {
            warnings.append("context \(Format.grouped(context)) exceeds the \(Format.grouped(maxPositionEmbeddings)) positions the model was trained for "
                + "(max_position_embeddings after RoPE scaling): quality is not assured there, the counts still are")
        }
        if let slidingWindow, context > slidingWindow {
            warnings.append("\(slidingWindowLayers.count) of \(layerCount) layers attend a window of \(Format.grouped(slidingWindow)) tokens: "
                + "at context \(Format.grouped(context)) they read and cache \(Format.grouped(slidingWindow)) tokens, not \(Format.grouped(context)) (counted so)")
        }
        if let moe, moe.expertCount % moe.expertsPerToken != 0 {
            warnings.append("\(moe.expertsPerToken) experts per token do not divide the \(moe.expertCount) experts evenly: "
                + "expert weights are counted for uniform routing, which real routers only approach")
        }
        return warnings
    }
}
