import Foundation
import Testing
@testable import RooflineDevices

/// A hand-built decode workload shaped like Llama 3.1 405B: one operator for every weight read, one for the
/// KV-cache read, one small fp32 elementwise operator. Numbers from derived-checks.md: 405,853,388,800
/// parameters, 516,096 B of bf16 KV cache per token, 126 layers, hidden 16,384.
func llama405BLike(context: Int, batch: Int = 1, bytesPerWeight: Double = 2, bytesPerKV: Double = 2,
                   prefill: [Operator]? = nil, prompt: Int? = nil) -> DeploymentWorkload {
    let parameters = 405_853_388_800.0
    let kvPerToken = 516_096.0 / 2 * bytesPerKV
    let weights = parameters * bytesPerWeight
    let kv = kvPerToken * Double(context) * Double(batch)
    let b = Double(batch)
    return DeploymentWorkload(
        modelName: "405B-like", layerCount: 126, hiddenSize: 16_384, batch: batch, contextTokens: context,
        promptTokens: prompt, weightType: bytesPerWeight == 2 ? .bf16 : .fp8, activationType: .bf16,
        kvCacheType: bytesPerKV == 2 ? .bf16 : .fp8, weightBytes: weights, kvCacheBytes: kv,
        kvCacheBytesPerToken: kvPerToken,
        decodeOperators: [
            Operator(name: "matmuls", kind: .matmul, flops: 2 * parameters * b, bytes: ByteCounts(weights: weights),
                     computeType: .bf16, count: 126),
            // QK^T and AV over the context: 4 × L × heads × headDim × C FLOPs per sequence (128 × 128 = 16,384).
            Operator(name: "attention", kind: .attention, flops: 4 * 126 * 16_384 * Double(context) * b,
                     bytes: ByteCounts(kvCache: kv), computeType: .bf16, count: 126),
            Operator(name: "residual", kind: .elementwise, flops: 2 * 126 * 16_384 * b,
                     bytes: ByteCounts(activations: 3 * 2 * 126 * 16_384 * 2 * b), computeType: .fp32, count: 252),
        ],
        prefillOperators: prefill)
}

/// The planner with the defaults and an efficiency.
func plan(_ workload: DeploymentWorkload, _ device: String = "h200", price: Double? = 3, efficiency: Double = 1,
          configure: (inout DeploymentOptions) -> Void = { _ in }) throws -> DeploymentPlan {
    var device = try DeviceCatalog.bundled().device(named: device)
    if let price { device = device.pricedAt(price, note: "test") }
    var options = DeploymentOptions()
    options.efficiency = efficiency
    configure(&options)
    return try DeploymentPlanner.plan(workload, on: device, options: options)
}

extension DeploymentPlan {
    func layout(_ layout: DeploymentLayout) throws -> LayoutPlan {
        try #require(layouts.first { $0.layout == layout })
    }
}

@Suite struct DeploymentPlannerTests {
    // Hand arithmetic shared by the 405B tests.
    let weightsBF16 = 405_853_388_800.0 * 2          // 811.7 GB
    let kvBF16 = 516_096.0 * 10_000_000             // 5.161 TB
    let h200Bytes = 141e9, h200BytesPerSecond = 4.8e12
    // Residual adds: 3 reads/writes × 2 B × 126 × 2 × 16,384 = 24.8 MB per token (the decode workspace estimate
    // is one layer of it: 24.8 MB / 252 = 98.3 kB).
    let residualBytes = 3.0 * 2 * 126 * 16_384 * 2

    @Test func llama405BAt10MInBF16() throws {
        let result = try plan(llama405BLike(context: 10_000_000), efficiency: 0.78)
        #expect(result.weightBytes == weightsBF16)
        #expect(result.kvCacheBytes == kvBF16)
        #expect(result.kvCacheBytesPerToken == 516_096)
        // 5.161e12 / 141e9 = 36.6 → 37 devices for the cache alone.
        #expect(result.kvOnlyDevices == 37)
        // Allowance 1 GB + 98.3 kB; 5.973e12 / (141e9 − 1.0001e9) = 42.7 → 43; six 8-GPU nodes = 48.
        #expect(result.allowanceBytesPerDevice.isApproximatelyEqual(to: 1e9 + 98_304, relativeTolerance: 1e-12))
        #expect(result.minimumDevices == 43)
        #expect(result.deployedDevices == 48)
        #expect(result.deployedNodes == 6)

        let aggregate = try result.layout(.aggregate)
        #expect(aggregate.fits)
        #expect(aggregate.devices == 48)
        // Bound: every byte once over 48 × 4.8 TB/s: (811.7 GB + 5.161 TB + 24.8 MB) / 230.4 TB/s = 25.9 ms.
        let boundSeconds = (weightsBF16 + kvBF16 + residualBytes) / (48 * h200BytesPerSecond)
        let boundRate = 1 / boundSeconds
        #expect(try #require(aggregate.decodeAtBound?.seconds).isApproximatelyEqual(to: boundSeconds, relativeTolerance: 1e-9))
        #expect(try #require(aggregate.boundTokensPerSecond).isApproximatelyEqual(to: 38.6, relativeTolerance: 0.002))
        #expect(aggregate.decodeAtBound?.bound == .memory)
        #expect(aggregate.decode?.communicationSeconds == 0)
        // At 78 %: 38.6 × 0.78 = 30.1 tokens/s, 108.3k tokens/hour; $144/hour → $1,329 per million tokens.
        let rate = boundRate * 0.78
        #expect(try #require(aggregate.tokensPerSecond).isApproximatelyEqual(to: rate, relativeTolerance: 1e-9))
        #expect(try #require(aggregate.tokensPerSecond).isApproximatelyEqual(to: 30.1, relativeTolerance: 0.002))
        #expect(try #require(aggregate.tokensPerHour).isApproximatelyEqual(to: 108_400, relativeTolerance: 0.002))
        #expect(aggregate.costPerHourUSD == 144)
        let perMillion = 144 / (rate * 3600) * 1e6
        #expect(try #require(aggregate.costPerMillionTokensUSD).isApproximatelyEqual(to: perMillion, relativeTolerance: 1e-9))
        #expect(perMillion > 1_320 && perMillion < 1_335)
        #expect(try #require(aggregate.boundCostPerMillionTokensUSD).isApproximatelyEqual(to: 144 / (boundRate * 3600) * 1e6, relativeTolerance: 1e-9))
    }

    @Test func llama405BAt10MInFP8() throws {
        let result = try plan(llama405BLike(context: 10_000_000, bytesPerWeight: 1, bytesPerKV: 1), efficiency: 0.78)
        // (405.9 GB + 2.581 TB) / 140 GB = 21.3 → 22; three nodes = 24.
        #expect(result.kvOnlyDevices == 19)                      // 2.581e12 / 141e9 = 18.3
        #expect(result.minimumDevices == 22)
        #expect(result.deployedDevices == 24)
        let aggregate = try result.layout(.aggregate)
        let boundRate = 24 * h200BytesPerSecond / (weightsBF16 / 2 + kvBF16 / 2 + residualBytes)
        #expect(try #require(aggregate.boundTokensPerSecond).isApproximatelyEqual(to: boundRate, relativeTolerance: 1e-9))
        #expect(try #require(aggregate.boundTokensPerSecond).isApproximatelyEqual(to: 38.6, relativeTolerance: 0.002))
        // $72/hour at 30.1 tokens/s: $665 per million tokens, half of bf16.
        let perMillion = 72 / (boundRate * 0.78 * 3600) * 1e6
        #expect(try #require(aggregate.costPerMillionTokensUSD).isApproximatelyEqual(to: perMillion, relativeTolerance: 1e-9))
        #expect(perMillion > 660 && perMillion < 670)
    }

    @Test func tensorPipelineAtBatch1RunsStagesInSeries() throws {
        let result = try plan(llama405BLike(context: 10_000_000))
        let pipeline = try result.layout(.tensorPipeline)
        #expect(pipeline.fits)
        #expect(pipeline.devices == 48)
        #expect(pipeline.tensorParallel == 8)
        #expect(pipeline.pipelineStages == 6)
        #expect(pipeline.microBatches == 1)
        // Fullest stage: ⌈126/6⌉ = 21 layers of 126 → 5.973 TB / 6 / 8 = 124.4 GB + 1 GB allowance.
        let stageBytes = 21.0 / 126 * (weightsBF16 + kvBF16) / 8 + 1e9 + 98_304
        #expect(try #require(pipeline.memoryPerDeviceBytes).isApproximatelyEqual(to: stageBytes, relativeTolerance: 1e-12))
        // Stages in series: every byte read by one 8-GPU group in turn; communication: 2 × 126 all-reduces of
        // 16,384 × 2 B over NVLink (5 µs + 2·7/8 · 32,768 B / 450 GB/s) and 6 hand-offs (10 µs + 32,768 B / 50 GB/s).
        let memory = (weightsBF16 + kvBF16 + residualBytes) / (8 * h200BytesPerSecond)
        let communication = 252 * (5e-6 + 1.75 * 32_768 / 450e9) + 6 * (10e-6 + 32_768 / 50e9)
        let decode = try #require(pipeline.decodeAtBound)
        #expect(decode.communicationSeconds.isApproximatelyEqual(to: communication, relativeTolerance: 1e-9))
        #expect(decode.seconds.isApproximatelyEqual(to: memory + communication, relativeTolerance: 1e-9))
        let aggregate = try #require(try result.layout(.aggregate).boundTokensPerSecond)
        let slow = try #require(pipeline.boundTokensPerSecond)
        #expect(aggregate / slow > 5)
        let note = try #require(result.notes.first { $0.contains("aggregate figure") })
        #expect(note.contains("all 48 devices"))
        #expect(note.contains("6 pipeline stages"))
    }

    @Test func contextParallelHoldsAllWeightsPerGroup() throws {
        let result = try plan(llama405BLike(context: 10_000_000))
        let context = try result.layout(.contextParallel)
        // Per device: 811.7 GB / 8 = 101.5 GB of weights + 1 GB; the KV cache needs 5.161 TB / (8 × 38.5 GB) = 16.7
        // → 17 groups of 8 = 136 devices.
        let free = 141e9 - weightsBF16 / 8 - (1e9 + 98_304)
        #expect(Int((kvBF16 / (8 * free)).rounded(.up)) == 17)
        #expect(context.fits)
        #expect(context.contextGroups == 17)
        #expect(context.devices == 136)
        // Decode: weights and residuals per group of 8, attention and KV over all 136; 126 LSE merges of
        // 16,384 × 4 B over 17 groups, 252 tensor-parallel all-reduces.
        let compute = 2 * 405_853_388_800.0 / (8 * 989.4e12)
        let memory = (weightsBF16 + residualBytes) / (8 * h200BytesPerSecond) + kvBF16 / (136 * h200BytesPerSecond)
        let communication = 252 * (5e-6 + 1.75 * 32_768 / 450e9) + 126 * (10e-6 + 2 * 16.0 / 17 * 65_536 / 50e9)
        let decode = try #require(context.decodeAtBound)
        #expect(decode.communicationSeconds.isApproximatelyEqual(to: communication, relativeTolerance: 1e-9))
        #expect(decode.memorySeconds.isApproximatelyEqual(to: memory, relativeTolerance: 1e-9))
        #expect(compute < memory)
        #expect(result.notes.contains { $0.contains("136 devices instead of 48") })
    }

    @Test func efficiencyScalesBandwidthAndFlopsButNotCommunication() throws {
        let bound = try plan(llama405BLike(context: 1_000_000))
        let derated = try plan(llama405BLike(context: 1_000_000), efficiency: 0.5)
        for layout in DeploymentLayout.allCases {
            let at1 = try #require(try bound.layout(layout).decode)
            let atHalf = try #require(try derated.layout(layout).decode)
            #expect(try derated.layout(layout).decodeAtBound == at1)
            #expect(atHalf.communicationSeconds == at1.communicationSeconds)
            #expect(atHalf.seconds.isApproximatelyEqual(
                to: (at1.seconds - at1.communicationSeconds) * 2 + at1.communicationSeconds, relativeTolerance: 1e-12))
        }
    }

    @Test func batchSharesWeightReadsAcrossSequences() throws {
        // Context 100k: batch 1 holds 811.7 GB + 51.6 GB, batch 4 holds 811.7 GB + 206.4 GB: both 8 devices.
        let one = try plan(llama405BLike(context: 100_000, batch: 1))
        let four = try plan(llama405BLike(context: 100_000, batch: 4))
        #expect(one.deployedDevices == 8)
        #expect(four.deployedDevices == 8)
        let kvOne = 516_096.0 * 100_000
        let rateOne = 1 / ((weightsBF16 + kvOne + residualBytes) / (8 * h200BytesPerSecond))
        let rateFour = 4 / ((weightsBF16 + 4 * kvOne + 4 * residualBytes) / (8 * h200BytesPerSecond))
        let aggregateOne = try #require(try one.layout(.aggregate).boundTokensPerSecond)
        let aggregateFour = try #require(try four.layout(.aggregate).boundTokensPerSecond)
        #expect(aggregateOne.isApproximatelyEqual(to: rateOne, relativeTolerance: 1e-9))
        #expect(aggregateFour.isApproximatelyEqual(to: rateFour, relativeTolerance: 1e-9))
        #expect(aggregateFour / aggregateOne > 3.3 && aggregateFour / aggregateOne < 4)
        // The pipeline is one node here (1 stage, tensor parallel over 8): no stages in series, no note about them.
        #expect(try four.layout(.tensorPipeline).pipelineStages == 1)
        #expect(!four.notes.contains { $0.contains("pipeline stages") })
    }

    @Test func pipelineMicroBatchesReadWeightsOncePerMicroBatch() throws {
        // Batch 4 at 10M on 48 devices: 6 stages, 4 micro-batches of one sequence each.
        let result = try plan(llama405BLike(context: 2_500_000, batch: 4))
        let pipeline = try result.layout(.tensorPipeline)
        #expect(pipeline.pipelineStages == 6)
        #expect(pipeline.microBatches == 4)
        // Per period each device of a stage reads its weights 4 times and its KV once:
        // (weights + (KV + residuals) / 4) / (8 × 4.8 TB/s).
        let kv = 516_096.0 * 2_500_000 * 4
        let memory = (weightsBF16 + (kv + 4 * residualBytes) / 4) / (8 * h200BytesPerSecond)
        let decode = try #require(pipeline.decodeAtBound)
        #expect(decode.memorySeconds.isApproximatelyEqual(to: memory, relativeTolerance: 1e-9))
        // Hand-offs carry one sequence's hidden state: 6 × (10 µs + 32,768 B / 50 GB/s).
        let communication = 252 * (5e-6 + 1.75 * 32_768 / 450e9) + 6 * (10e-6 + 32_768 / 50e9)
        #expect(decode.communicationSeconds.isApproximatelyEqual(to: communication, relativeTolerance: 1e-9))
    }

    @Test func modelThatFitsOnOneDevice() throws {
        // 8B-like: 16.06 GB of weights, 131,072 B/token × 8,192 tokens = 1.07 GB of KV: one H200.
        let parameters = 8_030_261_248.0
        let kv = 131_072.0 * 8_192
        let workload = DeploymentWorkload(
            modelName: "8B-like", layerCount: 32, hiddenSize: 4_096, batch: 1, contextTokens: 8_192, promptTokens: nil,
            weightType: .bf16, activationType: .bf16, kvCacheType: .bf16, weightBytes: parameters * 2, kvCacheBytes: kv,
            kvCacheBytesPerToken: 131_072,
            decodeOperators: [Operator(name: "matmuls", kind: .matmul, flops: 2 * parameters,
                                       bytes: ByteCounts(weights: parameters * 2, kvCache: kv), computeType: .bf16)],
            prefillOperators: nil)
        let result = try plan(workload)
        #expect(result.kvOnlyDevices == 1)
        #expect(result.minimumDevices == 1)
        #expect(result.deployedDevices == 1)
        for layout in result.layouts {
            #expect(layout.fits)
            #expect(layout.devices == 1)
            #expect(layout.decode?.communicationSeconds == 0)
        }
        let rate = 4.8e12 / (parameters * 2 + kv)            // 279 tokens/s
        #expect(try #require(try result.layout(.aggregate).tokensPerSecond).isApproximatelyEqual(to: rate, relativeTolerance: 1e-9))
        #expect(try result.layout(.aggregate).costPerHourUSD == 3)
        #expect(result.notes.isEmpty)
    }

    @Test func contextSoLongNothingFitsIn1000Nodes() throws {
        // 100 billion tokens: 51.6 PB of KV cache, 368,629 H200s — far beyond 1,000 nodes of 8.
        let result = try plan(llama405BLike(context: 100_000_000_000))
        let minimum = Int(((weightsBF16 + 516_096.0 * 1e11) / (141e9 - 1e9 - 98_304)).rounded(.up))
        #expect(result.minimumDevices == minimum)
        #expect(result.deployedDevices == (minimum + 7) / 8 * 8)
        for layout in result.layouts {
            #expect(!layout.fits)
            #expect(layout.tokensPerSecond == nil)
            #expect(layout.reason?.contains("more than 1,000 nodes") == true)
        }
        #expect(result.notes.first?.hasPrefix("Nothing fits") == true)
    }

    @Test func absurdSizesAreAUsageError() throws {
        #expect {
            try plan(llama405BLike(context: 1_000_000_000_000_000, batch: 1_000_000))
        } throws: { ($0 as? RooflineError)?.category == .usage }
    }

    @Test func prefillIsComputeBoundAndSplitPerLayout() throws {
        // A prompt of 1M tokens: 2 FLOPs per parameter per token plus causal attention 2 × L × h × N² FLOPs.
        let n = 1_000_000.0
        let flops = 2 * 405_853_388_800 * n + 2 * 126 * 16_384 * n * n
        let prefill = [Operator(name: "all", kind: .matmul, flops: flops, bytes: ByteCounts(weights: weightsBF16),
                                computeType: .bf16, count: 126)]
        let result = try plan(llama405BLike(context: 10_000_000, prefill: prefill, prompt: 1_000_000))
        let aggregate = try #require(try result.layout(.aggregate).prefillAtBound)
        #expect(aggregate.bound == .compute)
        #expect(aggregate.seconds.isApproximatelyEqual(to: flops / (48 * 989.4e12), relativeTolerance: 1e-9))
        // Tensor-pipeline: one 8-GPU group at a time, plus 252 all-reduces and 5 hand-offs of 1M × 16,384 × 2 B.
        let promptBytes = n * 16_384 * 2
        let communication = 252 * (5e-6 + 1.75 * promptBytes / 450e9) + 5 * (10e-6 + promptBytes / 50e9)
        let pipeline = try #require(try result.layout(.tensorPipeline).prefillAtBound)
        #expect(pipeline.seconds.isApproximatelyEqual(to: flops / (8 * 989.4e12) + communication, relativeTolerance: 1e-9))
        #expect(try result.layout(.aggregate).timeToFirstTokenSeconds == aggregate.seconds)
    }

    @Test func missingPeaksAndPrices() throws {
        // TPU v5e has no fp32 peak: the fp32 elementwise operator is timed by its bytes, and the plan says so.
        let tpu = try plan(llama405BLike(context: 1_000_000), "tpu-v5e", price: nil)
        #expect(tpu.assumptions.contains { $0.contains("no peak for fp32") })
        let aggregate = try tpu.layout(.aggregate)
        let perMillion = 1.2 * Double(try #require(aggregate.devices)) / (try #require(aggregate.tokensPerHour)) * 1e6
        #expect(try #require(aggregate.costPerMillionTokensUSD).isApproximatelyEqual(to: perMillion, relativeTolerance: 1e-12))
        // Cerebras has no dense peak at all: the matmuls cannot be timed.
        #expect {
            try plan(llama405BLike(context: 1_000), "wse3", price: nil)
        } throws: { ($0 as? RooflineError)?.message.contains("no compute ceiling for bf16") == true }
        // GB200 has no price: throughput without cost.
        let gb200 = try plan(llama405BLike(context: 1_000_000), "gb200", price: nil)
        #expect(try gb200.layout(.aggregate).tokensPerSecond != nil)
        #expect(try gb200.layout(.aggregate).costPerMillionTokensUSD == nil)
    }

    @Test func badOptionsAreUsageErrors() throws {
        for configure: (inout DeploymentOptions) -> Void in [
            { $0.efficiency = 0 }, { $0.efficiency = 1.5 }, { $0.devicesPerNode = 0 }, { $0.maxNodes = 0 },
            { $0.reserveBytesPerDevice = 200e9 }, { $0.layouts = [] }, { $0.maxNodes = Int.max },
            { $0.devicesPerNode = 4096 }, { $0.networkLatencySeconds = .infinity }, { $0.networkBytesPerSecond = .nan },
        ] {
            #expect {
                try plan(llama405BLike(context: 1_000), configure: configure)
            } throws: { ($0 as? RooflineError)?.category == .usage }
        }
    }

    @Test func deploymentSizes() throws {
        let sizing = Sizing(weightBytes: 1, kvCacheBytes: 1, layerCount: 4, memoryBytes: 1, allowanceBytes: 0,
                            devicesPerNode: 8, maxDevices: 24)
        #expect(sizing.deployment(atLeast: 1) == 1)
        #expect(sizing.deployment(atLeast: 3) == 4)
        #expect(sizing.deployment(atLeast: 5) == 8)
        #expect(sizing.deployment(atLeast: 9) == 16)
        #expect(sizing.sizes(from: 2) == [2, 4, 8, 16, 24])
        #expect(sizing.sizes(from: 25) == [])
        #expect(try DeploymentPlanner.wholeCount(36.6, of: "") == 37)
        #expect(try DeploymentPlanner.wholeCount(43 * (1 + 1e-15), of: "") == 43)
    }
}
