import Foundation
import RooflineModels
import Testing
@testable import RooflineDevices

/// Expert parallelism (`--ep`) on a mixture of experts, against hand-computed numbers.
@Suite struct ExpertParallelTests {
    static let precision = Precision(weights: .bf16, activations: .bf16, kvCache: .bf16)

    func workload(_ model: String = "mixtral-8x7b-v0.1", batch: Int = 64) throws -> DeploymentWorkload {
        let sizes = try StepSizes(batch: batch, contextTokens: 4_000, promptTokens: nil)
        return try DeploymentWorkload(model: try ModelConfig.load(model), sizes: sizes, precision: Self.precision)
    }

    func plan(_ workload: DeploymentWorkload, tp: Int, ep: Int, pp: Int = 1) throws -> DeploymentPlan {
        var options = DeploymentOptions()
        options.layouts = [.tensorPipeline]
        options.chosenShape = ParallelShape(tensorParallel: tp, pipelineStages: pp, expertParallel: ep)
        return try DeploymentPlanner.plan(workload, on: try DeviceCatalog.bundled().device(named: "h200"), options: options)
    }

    /// Mixtral 8x7B: 32 MoE layers of 8 experts, each 3 × 4096 × 14336 weights: 32 · 8 · 3 · 4096 · 14336 · 2 B
    /// = 90,194,313,216 B of routed experts in bf16.
    @Test func routedExpertBytes() throws {
        let moe = try #require(try workload().moe)
        #expect(moe.routedExpertWeightBytes == 90_194_313_216)
        #expect(moe.layerCount == 32 && moe.expertCount == 8 && moe.expertsPerToken == 2)
        #expect(try workload("llama-3.1-8b").moe == nil)
    }

    /// tp 2 × ep 8: 8 devices in the stage. Memory per device = (W − X) / 2 + X / 8 + KV / 8 + allowance.
    /// Decode communication per step at batch 64 (one micro-batch, rows 64, 4 replicas of tp 2):
    /// attention all-reduce of 16 rows × 4096 × 2 B = 131,072 B over 2 ranks: ring 2 · 5 µs + 131,072 / 450e9
    /// = 10.29127 µs (tree 10.58 µs); all-to-all: 64 / 8 = 8 tokens per device, 8 · 4096 · 2 · 2 · 7/8 = 114,688 B:
    /// 7 · 5 µs + 114,688 / 450e9 = 35.25486 µs; 32 MoE layers × (10.29127 + 2 × 35.25486) µs = 2,585.6 µs.
    @Test func memoryAndCommunicationFollowTheShape() throws {
        let workload = try workload()
        let shaped = try plan(workload, tp: 2, ep: 8)
        let layout = try #require(shaped.layouts.first)
        #expect(layout.fits && layout.devices == 8 && layout.tensorParallel == 2 && layout.expertParallel == 8)
        let x = 90_194_313_216.0
        let expected = (shaped.weightBytes - x) / 2 + x / 8 + shaped.kvCacheBytes / 8 + shaped.allowanceBytesPerDevice
        let memory = try #require(layout.memoryPerDeviceBytes)
        #expect(abs(memory - expected) < 1)
        let allReduce = 2 * 5e-6 + 131_072 / 450e9
        let allToAll = 7 * 5e-6 + 114_688 / 450e9
        let communication = try #require(layout.decodeAtBound?.communicationSeconds)
        #expect(abs(communication - 32 * (allReduce + 2 * allToAll)) < 1e-12)
        #expect(abs(communication - 2_585.6e-6) < 0.1e-6)
        #expect(layout.assumptions.contains { if case .expertParallel(8, 2, 8, 2, 32, 4096, 2, _, _) = $0 { true } else { false } })
    }

    /// Expert weights per device ÷ ep: the routed-expert operators read 1/ep of their weights per device, the rest
    /// 1/tp. At tp 1, ep 1 vs ep 8 the decode step's weight bytes per device drop by 7/8 of the experts' share.
    @Test func expertWeightsSplitOverEP() throws {
        let workload = try workload(batch: 1)
        let timing = Timing(workload: workload, device: try DeviceCatalog.bundled().device(named: "h200"),
                            bytesPerSecond: 4.8e12, options: DeploymentOptions())
        let expert = try #require(workload.decodeOperators.first { $0.name == "experts_down" })
        let attention = try #require(workload.decodeOperators.first { $0.name == "o_proj" })
        #expect(timing.weightSplit(expert, tensorParallel: 1, stageDevices: 8) == 8)
        #expect(timing.weightSplit(attention, tensorParallel: 1, stageDevices: 8) == 1)
        // One device's all-to-all for 1 token, 8 ranks, top-2: 7 · 5 µs + 4096 · 2 · 2 · 7/8 / 450e9.
        #expect(abs(timing.allToAllSeconds(tokens: 1, ranks: 8, expertsPerToken: 2) - (35e-6 + 14_336 / 450e9)) < 1e-15)
        #expect(timing.allToAllSeconds(tokens: 1, ranks: 1, expertsPerToken: 2) == 0)
    }

    /// Without --ep nothing changes: tp 2 × ep 1 is the tp 2 plan.
    @Test func epOneIsTheTensorParallelPlan() throws {
        let workload = try workload()
        let one = try #require(try plan(workload, tp: 2, ep: 1).layouts.first)
        #expect(one.expertParallel == nil && one.devices == 2)
        let bytes: Double = 64 * 4096 * 2
        let ring: Double = 2 * 5e-6 + bytes / 450e9
        let expected: Double = 64 * ring
        #expect(abs((one.decodeAtBound?.communicationSeconds ?? 0) - expected) < 1e-12)
    }

    @Test func badShapesAreUsageErrors() throws {
        let dense = try workload("llama-3.1-8b")
        #expect(throws: RooflineError.self) { try plan(dense, tp: 1, ep: 2) }
        let mixtral = try workload()
        // ep must divide the 8 experts, be a multiple of tp and stay within a node.
        var options = DeploymentOptions()
        options.layouts = [.tensorPipeline]
        options.chosenShape = ParallelShape(tensorParallel: 4, pipelineStages: 1, expertParallel: 2)
        #expect(throws: RooflineError.self) { try options.validated() }
        options.chosenShape = ParallelShape(tensorParallel: 1, pipelineStages: 1, expertParallel: 16)
        #expect(throws: RooflineError.self) { try options.validated() }
        options.devicesPerNode = 16
        options.chosenShape = ParallelShape(tensorParallel: 1, pipelineStages: 1, expertParallel: 16)
        #expect(throws: RooflineError.self) {
            try DeploymentPlanner.plan(mixtral, on: try DeviceCatalog.bundled().device(named: "h200"), options: options)
        }
    }

    /// The latency search evaluates ep sizes too: for Mixtral (8 experts) on a node of 8, tp 1 gets ep 1, 2, 4, 8.
    @Test func latencySearchCoversExpertParallelSizes() throws {
        let model = try ModelConfig.load("mixtral-8x7b-v0.1")
        let targets = LatencyTargets(maxSecondsPerOutputToken: 0.05)
        let sweep = try SweepPlanner.sweep(model: model, precision: Self.precision, contexts: [4_000], batches: [64],
                                           promptTokens: [nil], on: try DeviceCatalog.bundled().device(named: "h200"),
                                           options: DeploymentOptions(), targets: targets)
        let shapes = Set(sweep.fronts[0].evaluated.map { "\($0.tensorParallel ?? 0)x\($0.expertParallel ?? 1)" })
        for shape in ["1x1", "1x2", "1x4", "1x8", "2x8", "4x8", "8x1"] { #expect(shapes.contains(shape), "\(shape)") }
        #expect(!shapes.contains("8x8") && !shapes.contains("2x2"))
    }
}
