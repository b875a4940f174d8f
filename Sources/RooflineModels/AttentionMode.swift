/// How attention is computed.
public enum AttentionMode: String, Codable, Sendable, CaseIterable {
    /// FlashAttention-style: scores stay on chip; Q, K, V are read and O written once per layer.
    case fused
    /// Scores written to memory; softmax reads and writes them; AV reads them.
    case materialized
}
