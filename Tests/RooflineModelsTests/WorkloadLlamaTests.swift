import Foundation
import Testing
@testable import RooflineModels

/// What one operator should be: FLOPs and bytes worked out by hand below (all bf16: 2 bytes per element).
struct Expected {
    var name: String
    var count: Int
    var flops: Double
    var weights: Double = 0
    var activations: Double = 0
    var kv: Double = 0
}

/// Checks the workload's operators against `expected`, one by one, in order.
func check(_ operators: [Operator], _ expected: [Expected], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(operators.map(\.name) == expected.map(\.name), sourceLocation: sourceLocation)
    for (op, want) in zip(operators, expected) {
        let close = { (a: Double, b: Double) in a.isApproximatelyEqual(to: b, relativeTolerance: 1e-12) }
        #expect(op.count == want.count, "\(op.name) count", sourceLocation: sourceLocation)
        #expect(close(op.flops, want.flops), "\(op.name) FLOPs \(op.flops) ≠ \(want.flops)", sourceLocation: sourceLocation)
        #expect(close(op.bytes.weights, want.weights), "\(op.name) weight bytes \(op.bytes.weights) ≠ \(want.weights)",
                sourceLocation: sourceLocation)
        #expect(close(op.bytes.activations, want.activations),
                "\(op.name) activation bytes \(op.bytes.activations) ≠ \(want.activations)", sourceLocation: sourceLocation)
        #expect(close(op.bytes.kvCache, want.kv), "\(op.name) KV bytes \(op.bytes.kvCache) ≠ \(want.kv)",
                sourceLocation: sourceLocation)
    }
}

/// `wanted` tokens, or the model's learned positions where it has fewer (GPT-2/3 cannot see more).
func longest(_ preset: String, _ wanted: Int) -> Int {
    ((try? ModelConfig.load(preset))?.learnedPositionCount).map { min($0, wanted) } ?? wanted
}

func workload(_ preset: String, _ phase: Phase, batch: Int = 1, attention: AttentionMode = .fused,
              precision: Precision = .bf16, lmHeadAllPositions: Bool = false) throws -> Workload {
    try Workload(model: ModelConfig.load(preset), phase: phase, batch: batch, precision: precision, attention: attention,
                 lmHeadAllPositions: lmHeadAllPositions)
}

/// Llama 2 7B: h 4096, 32 heads, 32 KV heads, head dim 128, I 11008, 32 layers, V 32000. Every number below is
/// written out from the formulas in the doc comments, with the sizes substituted by hand.
@Suite struct Llama2SevenBTests {
    // Layer-independent pieces shared by the three phases.
    /// Causal pairs for 4096 tokens: 4096·4097/2.
    static let pairs4096 = 4096.0 * 4097 / 2

    @Test func prefill4096Fused() throws {
        let ops = try workload("llama-2-7b", .prefill(tokens: 4096)).operators()
        let m = 4096.0
        check(ops, [
            // 4096 tokens from a 32,000-row table touch 32000·(1 − (1 − 1/32000)^4096) distinct rows
            // (1 − (1 − 1/V)^m written as −expm1(m·log1p(−1/V)) to keep 12 digits).
            Expected(name: "embedding", count: 1, flops: 0, weights: 32000 * -expm1(m * log1p(-1.0 / 32000)) * 4096 * 2,
                     activations: m * 4096 * 2),
            Expected(name: "attn_norm", count: 32, flops: 32 * m * 4096 * 4, weights: 32 * 4096 * 2,
                     activations: 32 * 2 * m * 4096 * 2),
            // q, k, v: 4096 → (32 + 2·32)·128 = 12288
            Expected(name: "qkv_proj", count: 32, flops: 32 * 2 * m * 4096 * 12288, weights: 32 * 4096 * 12288 * 2,
                     activations: 32 * m * (4096 + 12288) * 2),
            // q and k: (32 + 32)·128 = 8192 elements per token
            Expected(name: "rope", count: 32, flops: 32 * m * 8192 * 3, activations: 32 * 2 * m * 8192 * 2),
            // K and V: 2·32·128 = 8192 elements per token
            Expected(name: "kv_write", count: 32, flops: 0, activations: 32 * m * 8192 * 2, kv: 32 * m * 8192 * 2),
            // 32 heads × pairs × (2·128 scores + 5 softmax + 2·128 AV); Q, K, V, O each 4096 × 4096 elements
            Expected(name: "attention", count: 32, flops: 32 * 32 * Self.pairs4096 * 517,
                     activations: 32 * 4 * m * 4096 * 2),
            Expected(name: "o_proj", count: 32, flops: 32 * 2 * m * 4096 * 4096, weights: 32 * 4096 * 4096 * 2,
                     activations: 32 * m * 8192 * 2),
            Expected(name: "residual_add", count: 64, flops: 64 * m * 4096, activations: 64 * 3 * m * 4096 * 2),
            Expected(name: "mlp_norm", count: 32, flops: 32 * m * 4096 * 4, weights: 32 * 4096 * 2,
                     activations: 32 * 2 * m * 4096 * 2),
            Expected(name: "gate_up_proj", count: 32, flops: 32 * 2 * m * 4096 * 22016, weights: 32 * 4096 * 22016 * 2,
                     activations: 32 * m * (4096 + 22016) * 2),
            // SiLU 4 + gate multiply 1 per element of I = 11008 (not h)
            Expected(name: "act_mul", count: 32, flops: 32 * m * 11008 * 5, activations: 32 * 3 * m * 11008 * 2),
            Expected(name: "down_proj", count: 32, flops: 32 * 2 * m * 11008 * 4096, weights: 32 * 11008 * 4096 * 2,
                     activations: 32 * m * (11008 + 4096) * 2),
            Expected(name: "final_norm", count: 1, flops: m * 4096 * 4, weights: 4096 * 2, activations: 2 * m * 4096 * 2),
            // last position only: 1 row
            Expected(name: "lm_head", count: 1, flops: 2 * 4096 * 32000, weights: 4096 * 32000 * 2,
                     activations: (4096 + 32000) * 2),
        ])
    }

    @Test func prefill4096Materialized() throws {
        let ops = try workload("llama-2-7b", .prefill(tokens: 4096), attention: .materialized).operators()
        // score elements per layer: heads × the whole N × N square (computed and written, then masked)
        let m = 4096.0, s = 32 * m * m
        let attention = ops.filter { [.attentionScores, .softmax, .attentionValues].contains($0.kind) }
        check(attention, [
            // reads Q (4096·4096) and K (4096·32·128), writes S
            Expected(name: "attn_scores", count: 32, flops: 32 * s * 2 * 128, activations: 32 * (m * 4096 + m * 4096 + s) * 2),
            Expected(name: "softmax", count: 32, flops: 32 * s * 5, activations: 32 * 2 * s * 2),
            // reads P and V, writes O
            Expected(name: "attn_values", count: 32, flops: 32 * s * 2 * 128, activations: 32 * (s + m * 4096 + m * 4096) * 2),
        ])
        #expect(ops.count == 16)
    }

    @Test func decode4096() throws {
        let ops = try workload("llama-2-7b", .decode(context: 4096)).operators()
        check(ops, Self.decodeExpectations(context: 4096))
    }

    @Test func decodeTenMillion() throws {
        let ops = try workload("llama-2-7b", .decode(context: 10_000_000)).operators()
        check(ops, Self.decodeExpectations(context: 10_000_000))
    }

    @Test func decode4096Materialized() throws {
        let ops = try workload("llama-2-7b", .decode(context: 4096), attention: .materialized).operators()
        let s = 32.0 * 4096  // 32 heads × 4096 keys
        check(ops.filter { [.attentionScores, .softmax, .attentionValues].contains($0.kind) }, [
            // Q 32·128 = 4096 elements; K from the cache: 4096 tokens × 32 KV heads × 128
            Expected(name: "attn_scores", count: 32, flops: 32 * s * 256, activations: 32 * (4096 + s) * 2,
                     kv: 32 * 4096 * 4096 * 2),
            Expected(name: "softmax", count: 32, flops: 32 * s * 5, activations: 32 * 2 * s * 2),
            Expected(name: "attn_values", count: 32, flops: 32 * s * 256, activations: 32 * (s + 4096) * 2,
                     kv: 32 * 4096 * 4096 * 2),
        ])
    }

    /// Decode of one token at context C, batch 1: every matmul is a GEMV over one row.
    static func decodeExpectations(context c: Double) -> [Expected] {
        [
            Expected(name: "embedding", count: 1, flops: 0, weights: 4096 * 2, activations: 4096 * 2),
            Expected(name: "attn_norm", count: 32, flops: 32 * 4096 * 4, weights: 32 * 4096 * 2, activations: 32 * 2 * 4096 * 2),
            Expected(name: "qkv_proj", count: 32, flops: 32 * 2 * 4096 * 12288, weights: 32 * 4096 * 12288 * 2,
                     activations: 32 * (4096 + 12288) * 2),
            Expected(name: "rope", count: 32, flops: 32 * 8192 * 3, activations: 32 * 2 * 8192 * 2),
            Expected(name: "kv_write", count: 32, flops: 0, activations: 32 * 8192 * 2, kv: 32 * 8192 * 2),
            // 32 heads × C keys × 517; Q and O 4096 elements each; K and V: C × 32 KV heads × 128 × 2 from the cache
            Expected(name: "attention", count: 32, flops: 32 * 32 * c * 517, activations: 32 * 2 * 4096 * 2,
                     kv: 32 * c * 32 * 256 * 2),
            Expected(name: "o_proj", count: 32, flops: 32 * 2 * 4096 * 4096, weights: 32 * 4096 * 4096 * 2,
                     activations: 32 * 8192 * 2),
            Expected(name: "residual_add", count: 64, flops: 64 * 4096, activations: 64 * 3 * 4096 * 2),
            Expected(name: "mlp_norm", count: 32, flops: 32 * 4096 * 4, weights: 32 * 4096 * 2, activations: 32 * 2 * 4096 * 2),
            Expected(name: "gate_up_proj", count: 32, flops: 32 * 2 * 4096 * 22016, weights: 32 * 4096 * 22016 * 2,
                     activations: 32 * (4096 + 22016) * 2),
            Expected(name: "act_mul", count: 32, flops: 32 * 11008 * 5, activations: 32 * 3 * 11008 * 2),
            Expected(name: "down_proj", count: 32, flops: 32 * 2 * 11008 * 4096, weights: 32 * 11008 * 4096 * 2,
                     activations: 32 * (11008 + 4096) * 2),
            Expected(name: "final_norm", count: 1, flops: 4096 * 4, weights: 4096 * 2, activations: 2 * 4096 * 2),
            Expected(name: "lm_head", count: 1, flops: 2 * 4096 * 32000, weights: 4096 * 32000 * 2,
                     activations: (4096 + 32000) * 2),
        ]
    }
}

/// Llama 3.1 405B: h 16384, 128 heads, 8 KV heads (GQA), head dim 128, I 53248, 126 layers, V 128256.
@Suite struct Llama31FourOhFiveBTests {
    static let pairs4096 = 4096.0 * 4097 / 2

    @Test func prefill4096Fused() throws {
        let ops = try workload("llama-3.1-405b", .prefill(tokens: 4096)).operators()
        let m = 4096.0
        check(ops, [
            // 4096 tokens from a 128,256-row table touch 128256·(1 − (1 − 1/128256)^4096) distinct rows
            // (1 − (1 − 1/V)^m written as −expm1(m·log1p(−1/V)) to keep 12 digits).
            Expected(name: "embedding", count: 1, flops: 0, weights: 128256 * -expm1(m * log1p(-1.0 / 128256)) * 16384 * 2,
                     activations: m * 16384 * 2),
            Expected(name: "attn_norm", count: 126, flops: 126 * m * 16384 * 4, weights: 126 * 16384 * 2,
                     activations: 126 * 2 * m * 16384 * 2),
            // 16384 → (128 + 2·8)·128 = 18432
            Expected(name: "qkv_proj", count: 126, flops: 126 * 2 * m * 16384 * 18432, weights: 126 * 16384 * 18432 * 2,
                     activations: 126 * m * (16384 + 18432) * 2),
            // q and k: (128 + 8)·128 = 17408
            Expected(name: "rope", count: 126, flops: 126 * m * 17408 * 3, activations: 126 * 2 * m * 17408 * 2),
            // K and V of 8 KV heads: 2·8·128 = 2048 per token
            Expected(name: "kv_write", count: 126, flops: 0, activations: 126 * m * 2048 * 2, kv: 126 * m * 2048 * 2),
            // 128 query heads × pairs × 517; Q and O 4096 × 16384 each, K and V 4096 × 1024 each
            Expected(name: "attention", count: 126, flops: 126 * 128 * Self.pairs4096 * 517,
                     activations: 126 * (2 * m * 16384 + 2 * m * 1024) * 2),
            Expected(name: "o_proj", count: 126, flops: 126 * 2 * m * 16384 * 16384, weights: 126 * 16384 * 16384 * 2,
                     activations: 126 * m * 32768 * 2),
            Expected(name: "residual_add", count: 252, flops: 252 * m * 16384, activations: 252 * 3 * m * 16384 * 2),
            Expected(name: "mlp_norm", count: 126, flops: 126 * m * 16384 * 4, weights: 126 * 16384 * 2,
                     activations: 126 * 2 * m * 16384 * 2),
            Expected(name: "gate_up_proj", count: 126, flops: 126 * 2 * m * 16384 * 106_496,
                     weights: 126 * 16384 * 106_496 * 2, activations: 126 * m * (16384 + 106_496) * 2),
            Expected(name: "act_mul", count: 126, flops: 126 * m * 53248 * 5, activations: 126 * 3 * m * 53248 * 2),
            Expected(name: "down_proj", count: 126, flops: 126 * 2 * m * 53248 * 16384, weights: 126 * 53248 * 16384 * 2,
                     activations: 126 * m * (53248 + 16384) * 2),
            Expected(name: "final_norm", count: 1, flops: m * 16384 * 4, weights: 16384 * 2, activations: 2 * m * 16384 * 2),
            Expected(name: "lm_head", count: 1, flops: 2 * 16384 * 128_256, weights: 16384 * 128_256 * 2,
                     activations: (16384 + 128_256) * 2),
        ])
    }

    @Test func prefill4096MaterializedAndAllPositionsHead() throws {
        let ops = try workload("llama-3.1-405b", .prefill(tokens: 4096), attention: .materialized,
                               lmHeadAllPositions: true).operators()
        let m = 4096.0, s = 128 * m * m  // materialized: the full square
        check(ops.filter { [.attentionScores, .softmax, .attentionValues].contains($0.kind) || $0.name == "lm_head" }, [
            // Q: 4096 × 128·128; K: 4096 × 8·128 (each KV head read once for its group of 16 query heads)
            Expected(name: "attn_scores", count: 126, flops: 126 * s * 256, activations: 126 * (m * 16384 + m * 1024 + s) * 2),
            Expected(name: "softmax", count: 126, flops: 126 * s * 5, activations: 126 * 2 * s * 2),
            Expected(name: "attn_values", count: 126, flops: 126 * s * 256, activations: 126 * (s + m * 1024 + m * 16384) * 2),
            Expected(name: "lm_head", count: 1, flops: 2 * m * 16384 * 128_256, weights: 16384 * 128_256 * 2,
                     activations: m * (16384 + 128_256) * 2),
        ])
    }

    @Test func decode4096() throws {
        check(try workload("llama-3.1-405b", .decode(context: 4096)).operators(), Self.decodeExpectations(context: 4096))
    }

    @Test func decodeTenMillion() throws {
        let ops = try workload("llama-3.1-405b", .decode(context: 10_000_000)).operators()
        check(ops, Self.decodeExpectations(context: 10_000_000))
        // The whole cache is read once per token: 10M × 516,096 B = 5.16 TB (with 128 query heads instead of 8
        // KV heads it would be 16× that).
        let attention = try #require(ops.first { $0.name == "attention" })
        #expect(attention.bytes.kvCache == 5_160_960_000_000)
    }

    @Test func decode10MMaterialized() throws {
        let ops = try workload("llama-3.1-405b", .decode(context: 10_000_000), attention: .materialized).operators()
        let c = 10_000_000.0, s = 128 * c
        check(ops.filter { [.attentionScores, .softmax, .attentionValues].contains($0.kind) }, [
            Expected(name: "attn_scores", count: 126, flops: 126 * s * 256, activations: 126 * (16384 + s) * 2,
                     kv: 126 * c * 1024 * 2),
            Expected(name: "softmax", count: 126, flops: 126 * s * 5, activations: 126 * 2 * s * 2),
            Expected(name: "attn_values", count: 126, flops: 126 * s * 256, activations: 126 * (s + 16384) * 2,
                     kv: 126 * c * 1024 * 2),
        ])
    }

    static func decodeExpectations(context c: Double) -> [Expected] {
        [
            Expected(name: "embedding", count: 1, flops: 0, weights: 16384 * 2, activations: 16384 * 2),
            Expected(name: "attn_norm", count: 126, flops: 126 * 16384 * 4, weights: 126 * 16384 * 2,
                     activations: 126 * 2 * 16384 * 2),
            Expected(name: "qkv_proj", count: 126, flops: 126 * 2 * 16384 * 18432, weights: 126 * 16384 * 18432 * 2,
                     activations: 126 * (16384 + 18432) * 2),
            Expected(name: "rope", count: 126, flops: 126 * 17408 * 3, activations: 126 * 2 * 17408 * 2),
            Expected(name: "kv_write", count: 126, flops: 0, activations: 126 * 2048 * 2, kv: 126 * 2048 * 2),
            // FLOPs follow the context (128 heads × C × 517); K and V of 8 KV heads × 128 × C from the cache
            Expected(name: "attention", count: 126, flops: 126 * 128 * c * 517, activations: 126 * 2 * 16384 * 2,
                     kv: 126 * c * 8 * 256 * 2),
            Expected(name: "o_proj", count: 126, flops: 126 * 2 * 16384 * 16384, weights: 126 * 16384 * 16384 * 2,
                     activations: 126 * 32768 * 2),
            Expected(name: "residual_add", count: 252, flops: 252 * 16384, activations: 252 * 3 * 16384 * 2),
            Expected(name: "mlp_norm", count: 126, flops: 126 * 16384 * 4, weights: 126 * 16384 * 2,
                     activations: 126 * 2 * 16384 * 2),
            Expected(name: "gate_up_proj", count: 126, flops: 126 * 2 * 16384 * 106_496, weights: 126 * 16384 * 106_496 * 2,
                     activations: 126 * (16384 + 106_496) * 2),
            Expected(name: "act_mul", count: 126, flops: 126 * 53248 * 5, activations: 126 * 3 * 53248 * 2),
            Expected(name: "down_proj", count: 126, flops: 126 * 2 * 53248 * 16384, weights: 126 * 53248 * 16384 * 2,
                     activations: 126 * (53248 + 16384) * 2),
            Expected(name: "final_norm", count: 1, flops: 16384 * 4, weights: 16384 * 2, activations: 2 * 16384 * 2),
            Expected(name: "lm_head", count: 1, flops: 2 * 16384 * 128_256, weights: 16384 * 128_256 * 2,
                     activations: (16384 + 128_256) * 2),
        ]
    }
}
