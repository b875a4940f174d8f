/// Which step of inference.
public enum Phase: Codable, Sendable, Equatable {
    /// The prompt: N tokens per sequence, causal, with an empty cache before the step.
    case prefill(tokens: Int)
    /// One new token per sequence at context length C: it attends to C positions (its own included), whose
    /// keys and values are all read from the cache after the new token's K/V are written to it.
    case decode(context: Int)
}

/// Which phase a step is, without its size: what JSON and headings name it by.
public enum PhaseKind: String, Codable, Sendable, CaseIterable {
    case prefill, decode
}

extension Phase {
    /// The phase without its size.
    public var kind: PhaseKind {
        switch self {
        case .prefill: .prefill
        case .decode: .decode
        }
    }
}
