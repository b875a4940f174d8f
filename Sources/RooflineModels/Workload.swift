/// One inference step of a model: phase, batch, data types, attention form. Turns into operators.
public struct Workload: Sendable {
    public var model: ModelConfig
    public var phase: Phase
    public var batch: Int
    public var precision: Precision
    public var attention: AttentionMode
    /// Prefill only: compute logits for every position instead of the last one.
    public var lmHeadAllPositions: Bool

    /// Validates sizes (batch, tokens, context ≥ 1; a model with learned positions, like GPT-2/3, cannot see more
    /// tokens than it has positions) and data types (storage formats only); usage errors otherwise.
    public init(model: ModelConfig, phase: Phase, batch: Int, precision: Precision, attention: AttentionMode,
                lmHeadAllPositions: Bool = false) throws {
        guard batch >= 1 else { throw RooflineError.usage("batch must be at least 1, got \(batch)") }
        switch phase {
        case .prefill(let tokens):
            guard tokens >= 1 else { throw RooflineError.usage("prefill tokens must be at least 1, got \(tokens)") }
        case .decode(let context):
            guard context >= 1 else { throw RooflineError.usage("decode context must be at least 1, got \(context)") }
        }
        if let positions = model.learnedPositionCount {
            let length: Int
            switch phase {
            case .prefill(let tokens): length = tokens
            case .decode(let context): length = context
            }
            guard length <= positions else {
                throw RooflineError.usage("\(model.name) has \(positions) learned positions: a sequence of \(length) tokens does not exist for it; use at most \(positions)")
            }
        }
        for (role, type) in [("weights", precision.weights), ("weights", precision.weightScheme.base),
                             ("activations", precision.activations), ("KV cache", precision.kvCache)] {
            _ = try Precision.storage(type, for: role)
        }
        self.model = model
        self.phase = phase
        self.batch = batch
        self.precision = precision
        self.attention = attention
        self.lmHeadAllPositions = lmHeadAllPositions
    }

    /// New tokens per sequence in this step: N for prefill, 1 for decode.
    public var tokensPerSequence: Int {
        switch phase {
        case .prefill(let tokens): tokens
        case .decode: 1
        }
    }

    /// Tokens the step produces or processes over the whole batch: B·N for prefill, B for decode.
    public var tokensPerStep: Double { Double(batch) * Double(tokensPerSequence) }

    /// Bytes of all weights stored as `precision.weightScheme` (`ModelConfig.weightBytes`: each group at its own
    /// format, scales included). The memory footprint, not the step's traffic.
    public var weightBytes: Double {
        model.weightBytes(precision.weightScheme)
    }

    /// KV-cache bytes held after the step: prefill N or decode C tokens per sequence, sliding windows capped.
    public var kvCacheBytes: Double {
        let tokens = switch phase {
        case .prefill(let tokens): tokens
        case .decode(let context): context
        }
        return model.kvCacheBytes(context: tokens, batch: batch, kvType: precision.kvCache)
    }

    /// The step's operators in execution order; per-layer operators carry `count` = the layers they cover and
    /// totals over those layers.
    public func operators() -> [Operator] {
        let builder = OperatorBuilder(workload: self)
        var ops: [Operator] = builder.embedding()
        ops += builder.attentionBlock()
        ops += builder.mlpBlock()
        ops += builder.head()
        return ops
    }
}
