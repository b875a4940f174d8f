import Foundation
import RooflineModels
import Testing
@testable import RooflineDevices

/// The planner on the bundled model presets: the 405B-at-10M example end to end.
@Suite struct DeploymentWorkloadModelTests {
    static let parameters405B = 405_853_388_800.0   // derived-checks.md §1

    func workload(_ model: String, context: Int, batch: Int = 1, prompt: Int? = nil, weights: DataType = .bf16,
                  kv: DataType = .bf16) throws -> DeploymentWorkload {
        try DeploymentWorkload(model: try ModelConfig.load(model),
                               sizes: try StepSizes(batch: batch, contextTokens: context, promptTokens: prompt),
                               precision: Precision(weights: weights, activations: .bf16, kvCache: kv))
    }

    @Test func llama405BAt10MOnH200InBF16() throws {
        let result = try plan(try workload("llama-3.1-405b", context: 10_000_000), efficiency: 0.78)
        #expect(result.weightBytes == Self.parameters405B * 2)                 // 811.7 GB
        #expect(result.kvCacheBytesPerToken == 516_096)                        // 2 × 126 × 8 × 128 × 2 B
        #expect(result.kvCacheBytes == 516_096 * 10_000_000)                   // 5.16 TB
        #expect(result.kvOnlyDevices == 37)                                    // 36.6 → 37
        #expect(result.minimumDevices == 43)                                   // 5.97 TB / 140 GB = 42.7 → 43
        #expect(result.deployedDevices == 48)                                  // six 8-GPU nodes
        let aggregate = try result.layout(.aggregate)
        // Every weight and the whole cache read once per token over 48 × 4.8 TB/s: 25.9 ms → 38.6 tokens/s.
        // (The decode step reads one embedding row, not the 4.2 GB table: slightly faster than the stored bytes.)
        let bound = 48 * 4.8e12 / (Self.parameters405B * 2 + 516_096 * 1e7)
        #expect(try #require(aggregate.boundTokensPerSecond).isApproximatelyEqual(to: bound, relativeTolerance: 0.002))
        #expect(try #require(aggregate.boundTokensPerSecond).isApproximatelyEqual(to: 38.6, relativeTolerance: 0.002))
        // At 78 %: 30.1 tokens/s, 108k tokens/hour, $144/hour → $1,329 per million tokens
        // (the often-quoted $1,440 rounds the rate down to 100k tokens/hour).
        #expect(try #require(aggregate.tokensPerSecond).isApproximatelyEqual(to: bound * 0.78, relativeTolerance: 0.002))
        #expect(try #require(aggregate.tokensPerHour).isApproximatelyEqual(to: 108_300, relativeTolerance: 0.003))
        #expect(aggregate.costPerHourUSD == 144)
        #expect(try #require(aggregate.costPerMillionTokensUSD).isApproximatelyEqual(
            to: 144 / (bound * 0.78 * 3600) * 1e6, relativeTolerance: 0.002))
        // Pipelined at batch 1 the six stages run in series: about 6 × slower.
        let pipeline = try #require(try result.layout(.tensorPipeline).boundTokensPerSecond)
        #expect(try #require(aggregate.boundTokensPerSecond) / pipeline > 5.5)
        #expect(result.pipelineComparison?.devices == 48)
    }

    @Test func llama405BAt10MOnH200InFP8() throws {
        let result = try plan(try workload("llama-3.1-405b", context: 10_000_000, weights: .fp8, kv: .fp8), efficiency: 0.78)
        #expect(result.weightBytes == Self.parameters405B)
        #expect(result.kvCacheBytes == 258_048 * 10_000_000)
        #expect(result.minimumDevices == 22)                                   // 2.99 TB / 140 GB = 21.3 → 22
        #expect(result.deployedDevices == 24)
        let aggregate = try result.layout(.aggregate)
        let bound = 24 * 4.8e12 / (Self.parameters405B + 258_048 * 1e7)       // 38.6 tokens/s again
        #expect(try #require(aggregate.boundTokensPerSecond).isApproximatelyEqual(to: bound, relativeTolerance: 0.002))
        // $72/hour at 30.1 tokens/s: $665 per million tokens, half the bf16 cost.
        #expect(try #require(aggregate.costPerMillionTokensUSD).isApproximatelyEqual(
            to: 72 / (bound * 0.78 * 3600) * 1e6, relativeTolerance: 0.002))
    }

    @Test func prefillGrowsWithTheSquareOfThePrompt() throws {
        // Causal attention: QKᵀ and AV each d·N² FLOPs per head and layer → 2 × 126 × 128 × 128 × N²;
        // everything else ≈ 2 FLOPs per parameter per token. Doubling N from 128k: (2D + 4A) / (D + A).
        let n = 128_000.0
        let attention = 2 * 126 * 128 * 128 * n * n
        let dense = 2 * Self.parameters405B * n
        let expected = (2 * dense + 4 * attention) / (dense + attention)        // 2.79
        let short = try plan(try workload("llama-3.1-405b", context: 1_000_000, prompt: 128_000))
        let long = try plan(try workload("llama-3.1-405b", context: 1_000_000, prompt: 256_000))
        let first = try #require(try short.layout(.aggregate).timeToFirstTokenSeconds)
        let second = try #require(try long.layout(.aggregate).timeToFirstTokenSeconds)
        #expect(try short.layout(.aggregate).prefill?.bound == .compute)
        #expect((second / first).isApproximatelyEqual(to: expected, relativeTolerance: 0.02))
    }

    @Test func batchSharesWeightReads() throws {
        // Context 100k on 8 H200s either way: batch 4 reads the 811.7 GB of weights once for four tokens.
        let one = try plan(try workload("llama-3.1-405b", context: 100_000))
        let four = try plan(try workload("llama-3.1-405b", context: 100_000, batch: 4))
        #expect(one.deployedDevices == 8 && four.deployedDevices == 8)
        let weights = Self.parameters405B * 2, kv = 516_096.0 * 100_000
        let expected = 4 * (weights + kv) / (weights + 4 * kv)                 // 3.39
        let ratio = try #require(try four.layout(.aggregate).boundTokensPerSecond)
            / (try #require(try one.layout(.aggregate).boundTokensPerSecond))
        #expect(ratio.isApproximatelyEqual(to: expected, relativeTolerance: 0.005))
    }

    @Test func smallModelFitsOnOneDevice() throws {
        // Llama 3.1 8B: 16.1 GB of weights + 131,072 B × 8,192 = 1.07 GB of cache on one 141 GB H200.
        let result = try plan(try workload("llama-3.1-8b", context: 8_192))
        #expect(result.minimumDevices == 1)
        #expect(result.deployedDevices == 1)
        #expect(result.layouts.allSatisfy { $0.fits && $0.devices == 1 })
        // A decode step reads every weight but the input embedding table (one row per sequence, not
        // 128,256 × 4,096), and the cache: (8.03e9 − 0.525e9) × 2 B + 1.07 GB = 16.1 GB → 298 tokens/s.
        let bound = 4.8e12 / ((8_030_261_248.0 - 128_256 * 4_096) * 2 + 131_072 * 8_192)
        #expect(try #require(try result.layout(.aggregate).boundTokensPerSecond).isApproximatelyEqual(to: bound, relativeTolerance: 0.005))
    }

    @Test func promptLongerThanContextIsAUsageError() throws {
        #expect {
            try workload("llama-3.1-8b", context: 1_000, prompt: 2_000)
        } throws: { ($0 as? RooflineError)?.category == .usage }
    }
}
