/// The sizes of serving one batch: sequences decoded together, tokens in each sequence's KV cache while decoding,
/// and the prompt each sequence is prefilled with (nil: no prefill). Checked once, here.
public struct StepSizes: Sendable, Equatable {
    public let batch: Int
    /// Tokens in each sequence's KV cache while decoding.
    public let contextTokens: Int
    /// Prompt tokens per sequence, for the prefill (time to first token); nil to leave prefill out.
    public let promptTokens: Int?

    /// Throws a usage error for a prompt longer than the context (the cache holds the prompt before decoding adds
    /// to it). `Workload` checks each size against the model.
    public init(batch: Int, contextTokens: Int, promptTokens: Int?) throws {
        if let promptTokens, promptTokens > contextTokens {
            throw RooflineError.usage(
                "the prompt (\(promptTokens) tokens) is longer than the context (\(contextTokens)): give --prompt ≤ --context")
        }
        self.batch = batch
        self.contextTokens = contextTokens
        self.promptTokens = promptTokens
    }
}
