import Foundation
import RooflineDevices
import Testing
@testable import RooflineReport

/// The sentences the planner's values read as: every kind of assumption, note and reason, word for word.
@Suite struct DeploymentPlanWordingTests {
    static let allowance = 1_000_319_488.0

    @Test func planAssumptions() {
        let memory = PlanAssumption.memory(
            weightBytes: 811_706_777_600, kvCacheBytes: 5_160_960_000_000, batch: 1, contextTokens: 10_000_000,
            kvCacheBytesPerToken: 516_096, kvCacheType: .bf16, allowanceBytes: Self.allowance, reserveBytes: 1e9,
            workspaceBytes: 319_488, deviceMemoryBytes: 141e9, usableBytesPerDevice: 141e9 - Self.allowance)
        #expect(DeploymentPlanWording.sentence(memory) == "Memory: weights 812 GB + KV cache 5.16 TB (batch 1 × context 10,000,000 × "
            + "516,096 B/token at bf16); each device keeps 1.00 GB free: a 1.00 GB reserve for runtime, communication buffers and "
            + "workspaces plus 319 kB of decode activations (the largest operator's, one layer). The KV-only count uses the full "
            + "141 GB; the minimum count uses 140 GB.")
        #expect(DeploymentPlanWording.sentence(.deployment(devicesPerNode: 8, deployedDevices: 48, maxNodes: 1_000))
            == "Deployment: whole nodes of 8 devices, or the smallest divisor of 8 that holds the model when one node suffices "
            + "(a tensor-parallel group divides the node); each layout takes the smallest such deployment, from 48 devices up to "
            + "1,000 nodes, at which it fits.")
        #expect(DeploymentPlanWording.sentence(.deployment(devicesPerNode: 4, deployedDevices: 1, maxNodes: 2))
            .hasSuffix("from 1 device up to 2 nodes, at which it fits."))
        #expect(DeploymentPlanWording.sentence(.peaks(deviceID: "nvidia-h200-sxm-141gb", memoryBytesPerSecond: 4.8e12, efficiency: 0.78))
            == "Peaks are dense vendor figures (nvidia-h200-sxm-141gb): 4.80 TB/s memory bandwidth. The efficiency (0.78; 1 = the "
            + "roofline bound) scales memory bandwidth and FLOP rate alike; links, network and latencies are not scaled. Results at "
            + "the bound are shown too.")
        #expect(DeploymentPlanWording.sentence(PlanAssumption.operatorTime)
            == "Each operator takes max(compute time, memory time) on its share; communication is added, not overlapped.")
        #expect(DeploymentPlanWording.sentence(.noComputePeak(deviceID: "google-tpu-v5e", dataTypes: [.fp32, .fp64]))
            == "google-tpu-v5e has no peak for fp32, fp64 or a wider type in its data: those operators (norms, elementwise, "
            + "softmax) are timed by their bytes alone.")
        #expect(DeploymentPlanWording.sentence(.noLinkBandwidth(deviceID: "amd-mi355x"))
            == "amd-mi355x has no scale-up link bandwidth in its data: tensor-parallel all-reduces use the scale-out network figure.")
    }

    @Test func layoutAssumptionsWithoutNumbers() {
        #expect(DeploymentPlanWording.sentence(LayoutAssumption.aggregateStreaming)
            == "Every device streams 1/n of the weights and KV cache and does 1/n of the FLOPs, all at once, with no communication: "
            + "the bandwidth bound, the usual back-of-envelope view.")
        #expect(DeploymentPlanWording.sentence(LayoutAssumption.pipelineMicroBatches)
            == "Decode splits the batch into m = min(batch, stages) micro-batches; a period (every sequence gains a token) lasts p "
            + "stage-times of one micro-batch, and each stage reads its weights once per micro-batch. With m = p every stage is busy; "
            + "with m < p each stage idles p − m of every p turns (at batch 1 a token passes the stages one after another).")
        #expect(DeploymentPlanWording.sentence(LayoutAssumption.contextGroups)
            == "c groups of t devices (a node each); every group holds all weights (tensor parallel over t) and 1/c of the KV cache, "
            + "split by sequence.")
    }

    @Test func tensorPipelineAssumptions() {
        #expect(DeploymentPlanWording.sentence(.pipelineStages(layerCount: 126))
            == "Tensor parallel over the devices of a node, pipeline stages across nodes, each stage ⌈L/p⌉ of the 126 layers "
            + "(weights, KV cache and work spread evenly over layers).")
        #expect(DeploymentPlanWording.sentence(.pipelineAllReduces(hiddenSize: 16_384, activationBytesPerElement: 2,
                                                                   linkLatencySeconds: 5e-6, linkBytesPerSecond: 450e9))
            == "Per layer 2 all-reduces of the micro-batch's hidden state (rows × 16,384 × 2 B) over the scale-up link, each the "
            + "faster of a ring (2(t−1) steps of 5.00 µs + 2(t−1)/t × bytes at 450 GB/s one way) and a tree (2⌈log₂t⌉ steps + "
            + "2 × bytes), as NCCL picks by size.")
        #expect(DeploymentPlanWording.sentence(.pipelineHandOffs(networkLatencySeconds: 10e-6, networkBytesPerSecond: 50e9))
            == "Per micro-batch one hand-off per stage over the scale-out network (the last returns the token to the first stage). "
            + "The hidden state leaves a stage split over its t devices (as after the reduce-scatter half of an all-reduce, whose "
            + "all-gather half is already counted), so each device sends 1/t of it over its own NIC: 10.0 µs + bytes / t at 50.0 GB/s.")
        #expect(DeploymentPlanWording.sentence(.pipelineChunkedPrefill(chunkTokens: 8_192))
            == "Prefill is chunked: the B·N prompt tokens are cut into k = max(⌈B·N / 8,192⌉, min(p, B·N)) equal chunks (at most "
            + "8,192 tokens, at least p so the stages overlap); time = one chunk through all stages + (k − 1) × one chunk on the "
            + "fullest stage (⌈L/p⌉/L of the work), each stage re-reading its weights for every chunk; per chunk 2 all-reduces per "
            + "layer and p − 1 hand-offs of 1/t of the chunk's hidden state per device. Chunks count as equal shares of the work: "
            + "causal attention makes later chunks heavier, so fill and drain are slightly underestimated.")
    }

    @Test func contextParallelAssumptions() {
        #expect(DeploymentPlanWording.sentence(.contextDecodeMerge(hiddenSize: 16_384, networkLatencySeconds: 10e-6,
                                                                   networkBytesPerSecond: 50e9, linkLatencySeconds: 5e-6,
                                                                   linkBytesPerSecond: 450e9))
            == "Decode: each group runs every layer on its whole batch (weights read in every group) and attention over its share "
            + "of the cache; per layer the partial outputs (batch × 16,384 × 4 B, fp32, split over the t devices by head) are "
            + "merged by log-sum-exp in one all-reduce over the c groups, each device over its own NIC with its 1/t: the faster of "
            + "a ring (2(c−1) steps of 10.0 µs + 2(c−1)/c × bytes / t at 50.0 GB/s) and a tree (2⌈log₂c⌉ steps + 2 × bytes / t), "
            + "as NCCL picks by size; besides 2 tensor-parallel all-reduces per layer over the scale-up link, each the faster of a "
            + "ring (2(t−1) steps of 5.00 µs + 2(t−1)/t × bytes at 450 GB/s) and a tree.")
        #expect(DeploymentPlanWording.sentence(.contextRingPrefill(networkLatencySeconds: 10e-6, networkBytesPerSecond: 50e9))
            == "Prefill splits the prompt across the c groups (ring attention, load balanced), each group's B·N/c tokens passing "
            + "every layer together: per layer each group passes its KV block (B·N/c tokens' KV for one layer) on c − 1 times over "
            + "the network, the KV heads split over the t devices so each sends 1/t of the block over its own NIC: (c − 1) × "
            + "(10.0 µs + block / t at 50.0 GB/s), not overlapped with compute.")
    }

    /// Activation memory of `tokens` tokens of a 16,384-wide bf16 model on a 141 GB device with the default allowance,
    /// `room` left beside weights and KV cache.
    static func activations(tokens: Double, room: Double) -> PrefillActivationMemory {
        PrefillActivationMemory(tokens: tokens, hiddenSize: 16_384, activationBytesPerElement: 2, liveTensors: 4,
                                memoryPerDeviceBytes: 141e9 + allowance - room, deviceMemoryBytes: 141e9, allowanceBytes: allowance)
    }

    @Test func prefillActivationsAndTheirVerdicts() {
        #expect(Self.activations(tokens: 8_191, room: 16.6e9).verdict == .withinRoomBesideWeights)
        #expect(Self.activations(tokens: 4_096, room: 50e9).verdict == .withinAllowance)
        #expect(Self.activations(tokens: 588_236, room: 1.59e9).verdict == .doesNotFit)
        let chunked = LayoutAssumption.pipelinePrefillActivations(
            chunks: 1_221, chunkTokens: 8_191, memory: Self.activations(tokens: 8_191, room: 16.6e9))
        #expect(DeploymentPlanWording.sentence(chunked)
            == "Prefill activations: 1,221 chunks of up to 8,191 tokens here; one chunk keeps about tokens × 16,384 × 2 B × 4 live "
            + "tensors = 1.07 GB per device, more than the 1.00 GB allowance but within the 16.6 GB left beside weights and KV "
            + "cache on the fullest device.")
        // A whole number of chunks reads as one: "1 chunk", "16 chunks".
        let single = LayoutAssumption.pipelinePrefillActivations(
            chunks: 1, chunkTokens: 4_096, memory: Self.activations(tokens: 4_096, room: 50e9))
        #expect(DeploymentPlanWording.sentence(single)
            == "Prefill activations: 1 chunk of up to 4,096 tokens here; one chunk keeps about tokens × 16,384 × 2 B × 4 live "
            + "tensors = 537 MB per device, within the 1.00 GB allowance.")
        let unchunked = LayoutAssumption.contextPrefillActivations(
            tokensPerGroup: 588_236, memory: Self.activations(tokens: 588_236, room: 1.59e9))
        #expect(DeploymentPlanWording.sentence(unchunked)
            == "Prefill activations: 588,236 tokens per group at once (unchunked) × 16,384 × 2 B × 4 live tensors = 77.1 GB per "
            + "device, more than the 1.59 GB left beside weights and KV cache on the fullest device: it does not fit as modelled "
            + "(smaller chunks or more devices are needed).")
    }

    /// The aggregate-versus-pipeline note of 16 devices at efficiency 0.8 (`efficiency` 1 for one at the bound).
    static func comparison(bound: Double, rate: Double, efficiency: Double = 0.8, devices: Int = 16, batch: Int, stages: Int,
                           microBatches: Int, idleStages: Int, schedule: PipelineSchedule, pipelineRate: Double) -> PlanNote {
        .aggregateVersusPipeline(aggregateBoundTokensPerSecond: bound, aggregateTokensPerSecond: rate, efficiency: efficiency,
                                 aggregateDevices: devices, batch: batch, pipelineStages: stages, microBatches: microBatches,
                                 idleStages: idleStages, schedule: schedule, pipelineTokensPerSecond: pipelineRate,
                                 slowdownFactor: rate / pipelineRate)
    }

    @Test func notesSayHowThePipelineSchedulesItsStages() {
        // Whole numbers from 1,000 print without decimals: 987,654.4 / 2,608.4 = 378.6 → "379× slower".
        let busy = Self.comparison(bound: 1_234_567.4, rate: 987_654.4, batch: 64, stages: 2, microBatches: 2, idleStages: 0,
                                   schedule: .allStagesBusy, pipelineRate: 2_608.4)
        #expect(DeploymentPlanWording.sentence(busy)
            == "The aggregate figure, 1,234,567 tokens/s (987,654 at efficiency 0.8), assumes all 16 devices read their share of "
            + "weights and KV cache at once. With tensor parallelism inside each node and 2 pipeline stages, batch 64 in 2 "
            + "micro-batches keeps all 2 stages busy, but each stage reads its weights once per micro-batch and every micro-batch "
            + "waits for its all-reduces and hand-offs: 2,608 tokens/s, 379× slower.")
        let idle = Self.comparison(bound: 38.64, rate: 30.14, batch: 2, stages: 3, microBatches: 2, idleStages: 1,
                                   schedule: .someStagesIdle, pipelineRate: 12.34)
        #expect(DeploymentPlanWording.sentence(idle).contains("38.6 tokens/s (30.1 at efficiency 0.8)"))
        #expect(DeploymentPlanWording.sentence(idle).hasSuffix(
            "batch 2 in 2 micro-batches keeps only 2 of the 3 stages busy at a time: 12.3 tokens/s, 2.4× slower."))
        // At the bound the note gives one figure.
        let series = Self.comparison(bound: 38.6, rate: 38.6, efficiency: 1, devices: 24, batch: 1, stages: 3, microBatches: 1,
                                     idleStages: 2, schedule: .oneMicroBatch, pipelineRate: 11.7)
        #expect(DeploymentPlanWording.sentence(series)
            == "The aggregate figure, 38.6 tokens/s, assumes all 24 devices read their share of weights and KV cache at once. With "
            + "tensor parallelism inside each node and 3 pipeline stages, batch 1 is one micro-batch, so a token passes the stages "
            + "one after another and 2 of the 3 stages wait: 11.7 tokens/s, 3.3× slower.")
        #expect(DeploymentPlanWording.sentence(.contextParallelDevices(groupDevices: 8, devices: 136, aggregateDevices: 48))
            == "Context parallelism keeps all weights in every group of 8 devices, so it needs 136 devices instead of 48.")
    }

    @Test func unfitReasons() {
        let beyond = UnfitReason.beyondNodeLimit(devicesNeeded: 368_648, nodesNeeded: 46_081, maxNodes: 1_000, devicesPerNode: 8,
                                                  maxDevices: 8_000)
        #expect(DeploymentPlanWording.clause(beyond)
            == "it needs 368,648 devices (46,081 nodes), more than 1,000 nodes of 8 (8,000 devices)")
        #expect(DeploymentPlanWording.sentence(.nothingFits(reason: beyond))
            == "Nothing fits: it needs 368,648 devices (46,081 nodes), more than 1,000 nodes of 8 (8,000 devices).")
        #expect(DeploymentPlanWording.clause(.notWithinNodeLimit(maxNodes: 10, devicesPerNode: 8, maxDevices: 80))
            == "it does not fit in 10 nodes of 8 (80 devices)")
        #expect(DeploymentPlanWording.clause(.stagesDoNotHoldIt(stages: 100, devicesPerStage: 1, maxNodes: 100))
            == "even 100 stages of 1 devices (one layer or more each) do not hold it within 100 nodes")
        #expect(DeploymentPlanWording.clause(.groupsCannotHoldAllWeights(weightBytesPerDevice: 18.6e9, deviceMemoryBytes: 16e9))
            == "every group holds all weights: 18.6 GB per device with the allowance, more than the 16.0 GB a device has")
    }
}
