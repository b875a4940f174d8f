import Foundation
import RooflineModels
import Testing
@testable import RooflineDevices

/// Deployments of a shape the user chose (`--tp`, `--pp`).
@Suite struct ChosenShapeTests {
    static let precision = Precision(weights: .bf16, activations: .bf16, kvCache: .bf16)

    func plan(tp: Int, pp: Int, batch: Int = 1, device: String = "h200") throws -> DeploymentPlan {
        var options = DeploymentOptions()
        options.layouts = [.tensorPipeline]
        options.chosenShape = ParallelShape(tensorParallel: tp, pipelineStages: pp)
        let sizes = try StepSizes(batch: batch, contextTokens: 8_000, promptTokens: nil)
        let workload = try DeploymentWorkload(model: try ModelConfig.load("llama-3.1-70b"), sizes: sizes, precision: Self.precision)
        return try DeploymentPlanner.plan(workload, on: try DeviceCatalog.bundled().device(named: device), options: options)
    }

    /// Llama 3.1 70B, 80 layers, bf16: weights ≈ 141.1 GB; KV 327,680 B/token × 8,000 = 2.62144 GB at batch 1.
    /// tp 4 × pp 3 on H200: the fullest stage holds ⌈80/3⌉ = 27 layers, so a device holds 27/80 × (W + KV) / 4
    /// + allowance ≈ 27/80 × 143.7 GB / 4 + 1 GB ≈ 13.1 GB; tp 2 × pp 1 holds (W + KV) / 2 + 1 GB ≈ 72.9 GB.
    @Test func memoryPerDeviceFollowsTheShape() throws {
        let shaped = try plan(tp: 4, pp: 3)
        #expect(abs(shaped.weightBytes - 141.1e9) < 0.2e9)
        #expect(shaped.kvCacheBytes == 2_621_440_000)
        let layout = try #require(shaped.layouts.first)
        #expect(layout.fits && layout.devices == 12 && layout.tensorParallel == 4 && layout.pipelineStages == 3)
        let expected = 27.0 / 80 * (shaped.weightBytes + shaped.kvCacheBytes) / 4 + shaped.allowanceBytesPerDevice
        let memory = try #require(layout.memoryPerDeviceBytes)
        #expect(abs(memory - expected) < 1)
        #expect(abs(expected - 13.1e9) < 0.1e9)
        let two = try #require(try plan(tp: 2, pp: 1).layouts.first)
        let twoMemory = try #require(two.memoryPerDeviceBytes)
        #expect(two.devices == 2 && abs(twoMemory - 72.9e9) < 0.1e9)
        // On B200 (180 GB) one device holds it: tp 4 is still evaluated as given.
        let b200 = try #require(try plan(tp: 4, pp: 1, device: "b200").layouts.first)
        #expect(b200.fits && b200.devices == 4)
    }

    /// tp 1 × pp 1 on one H200 needs ≈ 145 GB of its 141 GB; pp beyond the 80 layers holds nothing.
    @Test func shapesThatDoNotHoldItSayWhy() throws {
        let one = try #require(try plan(tp: 1, pp: 1).layouts.first)
        guard case let .chosenShapeDoesNotHoldIt(shape, bytes, memory, _) = try #require(one.reason) else {
            Issue.record("wrong reason \(String(describing: one.reason))"); return
        }
        #expect(shape == ParallelShape(tensorParallel: 1, pipelineStages: 1) && memory == 141e9)
        let needed = try #require(bytes)
        #expect(abs(needed - 144.7e9) < 0.2e9)
        let deep = try #require(try plan(tp: 1, pp: 81).layouts.first)
        #expect(!deep.fits)
        if case let .chosenShapeDoesNotHoldIt(_, bytes, _, layers) = deep.reason { #expect(bytes == nil && layers == 80) }
    }

    @Test func shapesBeyondTheNodeAreRefused() {
        var options = DeploymentOptions()
        options.layouts = [.tensorPipeline]
        options.chosenShape = ParallelShape(tensorParallel: 16, pipelineStages: 1)
        #expect(throws: RooflineError.self) { try options.validated() }
        options.chosenShape = ParallelShape(tensorParallel: 2, pipelineStages: 1)
        options.layouts = [.aggregate]
        #expect(throws: RooflineError.self) { try options.validated() }
    }
}
