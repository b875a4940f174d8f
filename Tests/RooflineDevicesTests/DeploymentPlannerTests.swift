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

    /// The counts and schedule of the note that sets the aggregate figure beside the pipeline; nil without one.
    var pipelineComparison: (devices: Int, batch: Int, stages: Int, microBatches: Int, idleStages: Int, schedule: PipelineSchedule)? {
        for note in notes {
            if case let .aggregateVersusPipeline(_, _, _, devices, batch, stages, microBatches, idleStages, schedule, _, _) = note {
                return (devices, batch, stages, microBatches, idleStages, schedule)
            }
        }
        return nil
    }

    /// The prefill-activation assumption of a layout: tokens one device holds at once and their memory.
    func prefillActivations(_ layout: DeploymentLayout) throws -> (tokens: Double, chunks: Double?, memory: PrefillActivationMemory) {
        for assumption in try self.layout(layout).assumptions {
            switch assumption {
            case let .pipelinePrefillActivations(chunks, chunkTokens, memory): return (chunkTokens, chunks, memory)
            case let .contextPrefillActivations(tokensPerGroup, memory): return (tokensPerGroup, nil, memory)
            default: continue
            }
        }
        throw PlanTestError.missing("prefill activations of \(layout.rawValue)")
    }
}

enum PlanTestError: Error {
    case missing(String)
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

    @Test func reserveChangesTheDeviceCount() throws {
        // Weights + KV cache = 811.7 GB + 5.161 TB = 5.973 TB; the decode workspace is 98,304 B. Without a reserve:
        // 5.973e12 / (141e9 − 98,304) = 42.4 → 43 devices, six nodes = 48. With 20 GB kept back per device:
        // 5.973e12 / (141e9 − 20e9 − 98,304) = 49.4 → 50 devices, seven nodes = 56.
        let none = try plan(llama405BLike(context: 10_000_000)) { $0.reserveBytesPerDevice = 0 }
        let twenty = try plan(llama405BLike(context: 10_000_000)) { $0.reserveBytesPerDevice = 20e9 }
        #expect(none.minimumDevices == 43)
        #expect(none.deployedDevices == 48)
        #expect(twenty.minimumDevices == 50)
        #expect(twenty.deployedDevices == 56)
        #expect(twenty.deployedNodes == 7)
        // The cache-only count uses the whole device either way: ⌈5.161e12 / 141e9⌉ = 37.
        #expect(none.kvOnlyDevices == 37 && twenty.kvOnlyDevices == 37)
        #expect(twenty.allowanceBytesPerDevice == 20e9 + 98_304)
        #expect(try twenty.layout(.aggregate).devices == 56)
    }

    @Test func planAssumptionsCarryTheirNumbers() throws {
        let result = try plan(llama405BLike(context: 10_000_000), efficiency: 0.78)
        let allowance = 1e9 + 98_304
        #expect(result.assumptions == [
            .memory(weightBytes: weightsBF16, kvCacheBytes: kvBF16, batch: 1, contextTokens: 10_000_000, kvCacheBytesPerToken: 516_096,
                    kvCacheType: .bf16, allowanceBytes: allowance, reserveBytes: 1e9, workspaceBytes: 98_304,
                    deviceMemoryBytes: h200Bytes, usableBytesPerDevice: h200Bytes - allowance),
            .deployment(devicesPerNode: 8, deployedDevices: 48, maxNodes: 1_000),
            .peaks(deviceID: "nvidia-h200-sxm-141gb", memoryBytesPerSecond: h200BytesPerSecond, efficiency: 0.78),
            .operatorTime,
            .noCalibration(deviceID: "nvidia-h200-sxm-141gb"),
        ])
        #expect(try result.layout(.aggregate).assumptions == [.aggregateStreaming])
        // The H200's NVLink is 900 GB/s both ways: 450 GB/s one way.
        #expect(try result.layout(.tensorPipeline).assumptions == [
            .pipelineStages(layerCount: 126), .pipelineMicroBatches,
            .pipelineAllReduces(hiddenSize: 16_384, activationBytesPerElement: 2, linkLatencySeconds: 5e-6, linkBytesPerSecond: 450e9),
            .pipelineHandOffs(networkLatencySeconds: 10e-6, networkBytesPerSecond: 50e9),
        ])
        // A plan survives JSON: the assumptions and notes are values, not sentences.
        let decoded = try JSONDecoder().decode(DeploymentPlan.self, from: try JSONEncoder().encode(result))
        #expect(decoded == result)
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
        // 16,384 × 2 B over NVLink, each the faster of a ring (2·7 steps × 5 µs + 2·7/8 · 32,768 B / 450 GB/s = 70.1 µs)
        // and a tree (2·⌈log₂8⌉ = 6 steps × 5 µs + 2 · 32,768 B / 450 GB/s = 30.1 µs): the tree; and 6 hand-offs in
        // which each of the 8 devices sends its 1/8 of the hidden state (10 µs + 4,096 B / 50 GB/s).
        let memory = (weightsBF16 + kvBF16 + residualBytes) / (8 * h200BytesPerSecond)
        let treeAllReduce: Double = 6 * 5e-6 + 2 * 32_768 / 450e9
        let handOff: Double = 10e-6 + 4_096 / 50e9
        let communication = 252 * treeAllReduce + 6 * handOff
        #expect(communication > 0.00765 && communication < 0.00766)            // 7.66 ms, latency-dominated
        let decode = try #require(pipeline.decodeAtBound)
        #expect(decode.communicationSeconds.isApproximatelyEqual(to: communication, relativeTolerance: 1e-9))
        #expect(decode.seconds.isApproximatelyEqual(to: memory + communication, relativeTolerance: 1e-9))
        let aggregate = try #require(try result.layout(.aggregate).boundTokensPerSecond)
        let slow = try #require(pipeline.boundTokensPerSecond)
        #expect(aggregate / slow > 5)
        // The note carries the figures it compares: 48 devices, 6 stages, 1 micro-batch so 5 stages wait.
        let fast = try #require(try result.layout(.aggregate).tokensPerSecond)
        let pipelineRate = try #require(pipeline.tokensPerSecond)
        #expect(result.notes.first == .aggregateVersusPipeline(
            aggregateBoundTokensPerSecond: aggregate, aggregateTokensPerSecond: fast, efficiency: 1, aggregateDevices: 48,
            batch: 1, pipelineStages: 6, microBatches: 1, idleStages: 5, schedule: .oneMicroBatch,
            pipelineTokensPerSecond: pipelineRate, slowdownFactor: fast / pipelineRate))
    }

    @Test func allReducesTakeTheFasterOfRingAndTree() {
        // 8 ranks, 5 µs per step. Small: tree 6 × 5 µs + 2 × 1 kB / 450 GB/s beats ring 14 × 5 µs + 1.75 × 1 kB / 450 GB/s.
        let small = Timing.allReduceSeconds(1_000, ranks: 8, latencySeconds: 5e-6, bytesPerSecond: 450e9)
        #expect(small.isApproximatelyEqual(to: 30e-6 + 2_000 / 450e9, relativeTolerance: 1e-12))
        // Large (1 GB): ring 70 µs + 1.75 GB / 450 GB/s = 3.96 ms beats tree 30 µs + 2 GB / 450 GB/s = 4.47 ms.
        let large = Timing.allReduceSeconds(1e9, ranks: 8, latencySeconds: 5e-6, bytesPerSecond: 450e9)
        #expect(large.isApproximatelyEqual(to: 70e-6 + 1.75e9 / 450e9, relativeTolerance: 1e-12))
        #expect(Timing.allReduceSeconds(1e9, ranks: 1, latencySeconds: 5e-6, bytesPerSecond: 450e9) == 0)
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
        // 16,384 × 4 B over 17 groups, each device all-reducing its 1/8 (65,536 / 8 = 8,192 B): a tree of
        // 2·⌈log₂17⌉ = 10 steps of 10 µs + 2 · 8,192 B / 50 GB/s beats a ring of 2·16 steps; 252 tensor-parallel
        // all-reduces by tree (6 steps of 5 µs + 2 · 32,768 B / 450 GB/s).
        let compute = 2 * 405_853_388_800.0 / (8 * 989.4e12)
        let memory = (weightsBF16 + residualBytes) / (8 * h200BytesPerSecond) + kvBF16 / (136 * h200BytesPerSecond)
        let treeAllReduce: Double = 6 * 5e-6 + 2 * 32_768 / 450e9
        let merge: Double = 10 * 10e-6 + 2 * 8_192 / 50e9
        let communication = 252 * treeAllReduce + 126 * merge
        #expect(communication > 0.0202 && communication < 0.0203)             // 20.2 ms: 12.6 ms of it network latency
        let decode = try #require(context.decodeAtBound)
        #expect(decode.communicationSeconds.isApproximatelyEqual(to: communication, relativeTolerance: 1e-9))
        #expect(decode.memorySeconds.isApproximatelyEqual(to: memory, relativeTolerance: 1e-9))
        #expect(compute < memory)
        #expect(result.notes.contains(.contextParallelDevices(groupDevices: 8, devices: 136, aggregateDevices: 48)))
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
        #expect(four.pipelineComparison == nil)
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
        // Hand-offs carry one sequence's hidden state, 1/8 per device: 6 × (10 µs + 4,096 B / 50 GB/s).
        let treeAllReduce: Double = 6 * 5e-6 + 2 * 32_768 / 450e9
        let handOff: Double = 10e-6 + 4_096 / 50e9
        let communication = 252 * treeAllReduce + 6 * handOff
        #expect(decode.communicationSeconds.isApproximatelyEqual(to: communication, relativeTolerance: 1e-9))
        // 4 micro-batches on 6 stages: two stages idle at any time.
        let comparison = try #require(result.pipelineComparison)
        #expect(comparison.batch == 4 && comparison.stages == 6 && comparison.microBatches == 4)
        #expect(comparison.idleStages == 2 && comparison.schedule == .someStagesIdle)
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
        let reason = UnfitReason.beyondNodeLimit(devicesNeeded: result.deployedDevices, nodesNeeded: result.deployedNodes,
                                                 maxNodes: 1_000, devicesPerNode: 8, maxDevices: 8_000)
        for layout in result.layouts {
            #expect(!layout.fits)
            #expect(layout.tokensPerSecond == nil)
            #expect(layout.reason == reason)
        }
        #expect(result.notes.first == .nothingFits(reason: reason))
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
        #expect(try result.layout(.aggregate).timeToFirstTokenSeconds == aggregate.seconds)

        // Tensor-pipeline, chunked: ⌈1,000,000 / 8,192⌉ = 123 chunks of 8,130 tokens. One chunk through the whole
        // model on one 8-GPU group takes flops / (123 × 8 × 989.4 TFLOP/s) = 5.08 s (compute; its weight reads,
        // 811.7 GB / 8 / 4.8 TB/s = 21 ms, hide under it). The stages overlap: one chunk through all 6 stages, then
        // 122 more, each as long as the fullest stage's 21 of 126 layers: × (1 + 122 × 21/126) = × 21.33.
        let chunkTime = flops / (123 * 8 * 989.4e12)
        let chunkBytes = n / 123 * 16_384 * 2                                  // 266 MB
        let allReduce = 14 * 5e-6 + 1.75 * chunkBytes / 450e9                  // 1.11 ms
        let handOff = 10e-6 + chunkBytes / 8 / 50e9                            // 676 µs, 1/8 per device
        let communication = 252 * allReduce + 5 * handOff + 122 * (42 * allReduce + handOff)   // 6.03 s
        let pipeline = try #require(try result.layout(.tensorPipeline).prefillAtBound)
        #expect(pipeline.bound == .compute)
        #expect(pipeline.communicationSeconds.isApproximatelyEqual(to: communication, relativeTolerance: 1e-9))
        #expect(pipeline.seconds.isApproximatelyEqual(to: chunkTime * (1 + 122.0 / 6) + communication, relativeTolerance: 1e-9))
        // About (m + p − 1) / (m p) = 128 / 738 of the unchunked time on one group, not all of it.
        #expect(pipeline.seconds < flops / (8 * 989.4e12) / 5)
        // One chunk's activations: 8,131 tokens × 16,384 × 2 B × 4 = 1.07 GB, over the 1.0 GB allowance but
        // within the 141 − 124.4 = 16.6 GB the fullest stage leaves beside weights and KV cache.
        let chunkActivations: Double = 8_131 * 16_384 * 2 * 4
        #expect(chunkActivations > 1.0654e9 && chunkActivations < 1.0660e9)
        let allowance = 1e9 + 98_304
        let pipelineActivations = try result.prefillActivations(.tensorPipeline)
        #expect(pipelineActivations.chunks == 123)
        #expect(pipelineActivations.tokens == 8_131)
        let pipelineMemory = pipelineActivations.memory
        #expect(pipelineMemory.hiddenSize == 16_384 && pipelineMemory.activationBytesPerElement == 2 && pipelineMemory.liveTensors == 4)
        #expect(pipelineMemory.bytesPerDevice == chunkActivations)
        #expect(pipelineMemory.allowanceBytes == allowance)
        let pipelineRoom = 141e9 - (try #require(try result.layout(.tensorPipeline).memoryPerDeviceBytes)) + allowance
        #expect(pipelineMemory.roomBesideWeightsBytes == pipelineRoom)
        #expect(pipelineRoom > 16.5e9 && pipelineRoom < 16.7e9)
        #expect(pipelineMemory.verdict == .withinRoomBesideWeights)

        // Context-parallel: each of 17 groups takes 58,824 tokens; compute over 136 devices, weights per group of 8.
        // Per layer 2 link all-reduces of the group's hidden states and 16 KV-block passes, 1/8 of the block per device:
        // 58,823.5 tokens × 516,096 B / 126 layers / 8 = 30.1 MB.
        let perGroup = n / 17
        let contextCommunication = 252 * (14 * 5e-6 + 1.75 * perGroup * 32_768 / 450e9)
            + 126 * 16 * (10e-6 + perGroup * 516_096 / 126 / 8 / 50e9)
        let context = try #require(try result.layout(.contextParallel).prefillAtBound)
        #expect(context.communicationSeconds.isApproximatelyEqual(to: contextCommunication, relativeTolerance: 1e-9))
        #expect(context.seconds.isApproximatelyEqual(to: flops / (136 * 989.4e12) + contextCommunication, relativeTolerance: 1e-9))
        // Unchunked, 58,824 tokens × 16,384 × 2 B × 4 = 7.71 GB per device: more than the 141 − 101.5 − 37.9 = 1.59 GB left.
        let contextActivations = try result.prefillActivations(.contextParallel)
        #expect(contextActivations.tokens == 58_824)
        #expect(contextActivations.chunks == nil)
        #expect(contextActivations.memory.bytesPerDevice == 58_824 * 16_384 * 2 * 4)
        #expect(contextActivations.memory.roomBesideWeightsBytes > 1.58e9 && contextActivations.memory.roomBesideWeightsBytes < 1.60e9)
        #expect(contextActivations.memory.verdict == .doesNotFit)
    }

    @Test func prefillChunkCount() {
        #expect(Timing.prefillChunks(tokens: 1_000_000, stages: 6) == 123)    // ⌈122.07⌉
        #expect(Timing.prefillChunks(tokens: 8_192, stages: 1) == 1)
        #expect(Timing.prefillChunks(tokens: 4_096, stages: 6) == 6)          // short prompt: still p chunks
        #expect(Timing.prefillChunks(tokens: 3, stages: 6) == 3)              // never fewer than one token a chunk
        #expect(Timing.prefillChunks(tokens: 0, stages: 6) == 1)
    }

    @Test func pipelineNoteSaysWhetherStagesIdle() throws {
        // Hand-made layouts: 16 devices, 2 stages; the note's figures and schedule (DeploymentPlanWordingTests words them).
        var aggregate = LayoutPlan(layout: .aggregate, fits: true, assumptions: [])
        aggregate.devices = 16
        aggregate.tokensPerSecond = 987_654.4
        aggregate.boundTokensPerSecond = 1_234_567.4
        var pipeline = LayoutPlan(layout: .tensorPipeline, fits: true, assumptions: [])
        pipeline.pipelineStages = 2
        pipeline.microBatches = 2
        pipeline.tokensPerSecond = 2_608.4
        var options = DeploymentOptions()
        options.efficiency = 0.8
        let full = DeploymentPlanner.notes([aggregate, pipeline], workload: llama405BLike(context: 1_000, batch: 64), options: options)
        // Batch 64 in 2 micro-batches on 2 stages: none idle; 987,654.4 / 2,608.4 = 378.6 × slower.
        #expect(full == [.aggregateVersusPipeline(
            aggregateBoundTokensPerSecond: 1_234_567.4, aggregateTokensPerSecond: 987_654.4, efficiency: 0.8, aggregateDevices: 16,
            batch: 64, pipelineStages: 2, microBatches: 2, idleStages: 0, schedule: .allStagesBusy,
            pipelineTokensPerSecond: 2_608.4, slowdownFactor: 987_654.4 / 2_608.4)])
        pipeline.pipelineStages = 3
        aggregate.tokensPerSecond = 30.14
        aggregate.boundTokensPerSecond = 38.64
        pipeline.tokensPerSecond = 12.34
        let idle = DeploymentPlanner.notes([aggregate, pipeline], workload: llama405BLike(context: 1_000, batch: 2), options: options)
        // Batch 2 in 2 micro-batches on 3 stages: one idle at a time.
        #expect(idle == [.aggregateVersusPipeline(
            aggregateBoundTokensPerSecond: 38.64, aggregateTokensPerSecond: 30.14, efficiency: 0.8, aggregateDevices: 16,
            batch: 2, pipelineStages: 3, microBatches: 2, idleStages: 1, schedule: .someStagesIdle,
            pipelineTokensPerSecond: 12.34, slowdownFactor: 30.14 / 12.34)])
    }

    @Test func missingPeaksAndPrices() throws {
        // TPU v5e has no fp32 peak: the fp32 elementwise operator is timed by its bytes, and the plan says so.
        let tpu = try plan(llama405BLike(context: 1_000_000), "tpu-v5e", price: nil)
        #expect(tpu.assumptions.contains(.noComputePeak(deviceID: "google-tpu-v5e", dataTypes: [.fp32])))
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
