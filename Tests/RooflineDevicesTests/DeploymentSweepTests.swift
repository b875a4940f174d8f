import Foundation
import RooflineModels
import Testing
@testable import RooflineDevices

/// Sweeps of the planner over contexts and batches.
@Suite struct DeploymentSweepTests {
    static let precision = Precision(weights: .bf16, activations: .bf16, kvCache: .bf16)

    func device(_ name: String = "h200") throws -> Device {
        try DeviceCatalog.bundled().device(named: name).pricedAt(3, note: "test")
    }

    func sweep(_ model: String, contexts: [Int], batches: [Int], prompts: [Int?] = [], efficiency: Double = 1,
               configure: (inout DeploymentOptions) -> Void = { _ in }) throws -> DeploymentSweep {
        var options = DeploymentOptions()
        options.efficiency = efficiency
        configure(&options)
        return try SweepPlanner.sweep(model: try ModelConfig.load(model), precision: Self.precision, contexts: contexts,
                                      batches: batches, promptTokens: prompts, on: try device(), options: options)
    }

    /// Every point is the plan `DeploymentPlanner.plan` gives at its sizes, for each layout.
    @Test(arguments: DeploymentLayout.allCases)
    func pointsEqualSinglePlans(_ layout: DeploymentLayout) throws {
        let result = try sweep("llama-3.1-70b", contexts: [8_000, 128_000], batches: [1, 16, 256], prompts: [2_000, 8_000],
                               efficiency: 0.8) { $0.layouts = [layout]; $0.maxNodes = 2 }
        #expect(result.layout == layout && result.points.count == 6 && result.basis == .efficiency)
        for point in result.points {
            let sizes = try StepSizes(batch: point.batch, contextTokens: point.contextTokens, promptTokens: point.promptTokens)
            var options = DeploymentOptions()
            options.efficiency = 0.8
            options.layouts = [layout]
            options.maxNodes = 2
            let single = try DeploymentPlanner.plan(
                try DeploymentWorkload(model: try ModelConfig.load("llama-3.1-70b"), sizes: sizes, precision: Self.precision),
                on: try device(), options: options)
            #expect(point.plan == single.layouts[0])
            guard let fitted = point.atEfficiency else { #expect(!point.plan.fits); continue }
            #expect(fitted.secondsPerOutputToken == single.layouts[0].secondsPerToken)
            #expect(fitted.tokensPerSecond == single.layouts[0].tokensPerSecond)
            #expect(fitted.timeToFirstTokenSeconds == single.layouts[0].timeToFirstTokenSeconds)
            let cost = try #require(fitted.costPerMillionOutputTokensUSD)
            #expect(cost.isApproximatelyEqual(to: try #require(single.layouts[0].costPerMillionTokensUSD), relativeTolerance: 1e-12))
            #expect(point.bound?.secondsPerOutputToken == single.layouts[0].decodeAtBound?.seconds)
        }
    }

    @Test func withoutALayoutTheSweepPlansTensorPipeline() throws {
        let result = try sweep("llama-3.1-8b", contexts: [4_000], batches: [1, 2])
        #expect(result.layout == .tensorPipeline && result.basis == .bound)
        #expect(result.assumptions.contains(.layout(layout: .tensorPipeline, chosenByUser: false)))
        #expect(result.assumptions.contains(.batchedPrefill))
    }

    /// 4 devices at $3/hour = $12/hour = $1/300 per second; decode 20 ms for batch 8: 8 tokens per 20 ms = 400
    /// tokens/s, $1/300 ÷ 400 × 1e6 = $8.333 per million output tokens; per user 50 tokens/s. Prefill 1 s of
    /// 8 × 1,000 prompt tokens: $1/300 × 1 ÷ 8,000 × 1e6 = $0.41667 per million input tokens.
    @Test func costPerMillionInputAndOutputTokensByHand() throws {
        let decode = StepEstimate(computeSeconds: 0.005, memorySeconds: 0.018, communicationSeconds: 0.002, seconds: 0.020)
        let prefill = StepEstimate(computeSeconds: 0.9, memorySeconds: 0.1, communicationSeconds: 0.1, seconds: 1.0)
        let figures = SweepFigures(decode: decode, prefill: prefill, batch: 8, promptTokens: 1_000, devices: 4,
                                   pricePerDeviceHourUSD: 3)
        #expect(figures.secondsPerOutputToken == 0.020)
        #expect(figures.tokensPerSecondPerUser.isApproximatelyEqual(to: 50, relativeTolerance: 1e-12))
        #expect(figures.tokensPerSecond.isApproximatelyEqual(to: 400, relativeTolerance: 1e-12))
        #expect(figures.timeToFirstTokenSeconds == 1.0)
        #expect(try #require(figures.costPerMillionOutputTokensUSD).isApproximatelyEqual(to: 25.0 / 3, relativeTolerance: 1e-12))
        #expect(try #require(figures.costPerMillionInputTokensUSD).isApproximatelyEqual(to: 1.25 / 3, relativeTolerance: 1e-12))
        #expect(!figures.decodeComputeBound)
        let unpriced = SweepFigures(decode: decode, prefill: nil, batch: 8, promptTokens: nil, devices: 4, pricePerDeviceHourUSD: nil)
        #expect(unpriced.costPerMillionOutputTokensUSD == nil && unpriced.costPerMillionInputTokensUSD == nil)
    }

    /// Serial prefill by hand: one request's prefill t₁ = 0.1 s, batch 4: request i waits i × t₁, so the mean TTFT
    /// is (1 + 2 + 3 + 4) / 4 × 0.1 = 0.25 s, the worst 0.4 s, the batch's prefill 0.4 s; input cost = 4 devices ×
    /// $3 / 3600 × 0.4 s ÷ (4 × 1,000 tokens) × 1e6 = $1/3 per million. Batched: all three are the batch's step.
    @Test func serialPrefillScheduleByHand() throws {
        let decode = StepEstimate(computeSeconds: 0.005, memorySeconds: 0.018, communicationSeconds: 0.002, seconds: 0.020)
        let batchStep = StepEstimate(computeSeconds: 0.3, memorySeconds: 0.05, communicationSeconds: 0, seconds: 0.3)
        let one = StepEstimate(computeSeconds: 0.08, memorySeconds: 0.02, communicationSeconds: 0, seconds: 0.1)
        let serial = SweepFigures(decode: decode, prefill: batchStep, requestPrefill: one, schedule: .serial, batch: 4,
                                  promptTokens: 1_000, devices: 4, pricePerDeviceHourUSD: 3)
        #expect(try #require(serial.timeToFirstTokenSeconds).isApproximatelyEqual(to: 0.25, relativeTolerance: 1e-12))
        #expect(try #require(serial.worstTimeToFirstTokenSeconds).isApproximatelyEqual(to: 0.4, relativeTolerance: 1e-12))
        #expect(try #require(serial.batchPrefillSeconds).isApproximatelyEqual(to: 0.4, relativeTolerance: 1e-12))
        #expect(try #require(serial.costPerMillionInputTokensUSD).isApproximatelyEqual(to: 1.0 / 3, relativeTolerance: 1e-12))
        let batched = SweepFigures(decode: decode, prefill: batchStep, requestPrefill: one, schedule: .batched, batch: 4,
                                   promptTokens: 1_000, devices: 4, pricePerDeviceHourUSD: 3)
        #expect(batched.timeToFirstTokenSeconds == 0.3 && batched.worstTimeToFirstTokenSeconds == 0.3
                && batched.batchPrefillSeconds == 0.3)
        // A TTFT target is held against the worst request: 0.3 s meets 0.35 s batched, 0.4 s misses it serially.
        let target = LatencyTargets(maxTimeToFirstTokenSeconds: 0.35)
        #expect(target.met(by: batched) && !target.met(by: serial))
    }

    /// In a serial sweep, one request's prefill is timed alone on the point's own deployment: for Llama 3.1 8B at
    /// batch 8 on one H200 it is the batch-1 plan's prefill, in every layout; the batched sweep's TTFT is the
    /// batch-8 prefill, longer than the serial mean of 4.5 × t₁ only where prefill is not fully compute-bound.
    @Test(arguments: DeploymentLayout.allCases)
    func serialSweepTimesOneRequestOnTheSameDeployment(_ layout: DeploymentLayout) throws {
        let serial = try SweepPlanner.sweep(
            model: try ModelConfig.load("llama-3.1-8b"), precision: Self.precision, contexts: [4_000], batches: [8],
            promptTokens: [2_000], on: try device(), options: { var o = DeploymentOptions(); o.layouts = [layout]; return o }(),
            prefillSchedule: .serial)
        #expect(serial.prefillSchedule == .serial && serial.assumptions.contains(.serialPrefill))
        let point = try #require(serial.points.first)
        #expect(point.plan.devices == 1)
        var options = DeploymentOptions()
        options.layouts = [layout]
        let alone = try DeploymentPlanner.plan(
            try DeploymentWorkload(model: try ModelConfig.load("llama-3.1-8b"),
                                   sizes: try StepSizes(batch: 1, contextTokens: 4_000, promptTokens: 2_000),
                                   precision: Self.precision),
            on: try device(), options: options)
        let one = try #require(alone.layouts.first?.prefillAtBound?.seconds)
        let requestAtBound = try #require(point.plan.requestPrefillAtBound?.seconds)
        #expect(requestAtBound.isApproximatelyEqual(to: one, relativeTolerance: 1e-12))
        let bound = try #require(point.bound)
        #expect(try #require(bound.timeToFirstTokenSeconds).isApproximatelyEqual(to: 4.5 * one, relativeTolerance: 1e-12))
        #expect(try #require(bound.worstTimeToFirstTokenSeconds).isApproximatelyEqual(to: 8 * one, relativeTolerance: 1e-12))
    }

    /// Llama 3.1 8B at a 128-token context on one H200 (aggregate, bounds): weights 16.06 GB are read once per step,
    /// the KV cache 131,072 B × 128 per sequence; the step's FLOPs (≈ 2 × 8.03e9 per sequence) outgrow the bytes ×
    /// the ridge (989.4 TFLOP/s ÷ 4.8 TB/s ≈ 206 FLOP/B) between batch 256 and 512, so the knee is 512 in ×2
    /// steps. At an 8k context (1.05 GB of KV cache per sequence) decode stays memory-bound and one device holds
    /// batch 64 (83 GB) but not 128 (150 GB): the knee is the largest batch that fits.
    @Test func kneeOnKnownCases() throws {
        let result = try sweep("llama-3.1-8b", contexts: [128, 8_000], batches: [64, 128, 256, 512, 1_024]) {
            $0.layouts = [.aggregate]; $0.maxNodes = 1; $0.devicesPerNode = 1
        }
        #expect(result.knees == [SweepKnee(contextTokens: 128, batch: 512, kind: .computeBound),
                                 SweepKnee(contextTokens: 8_000, batch: 64, kind: .largestFitting)])
        let marked = result.points.filter { $0.knee != nil }.map { [$0.contextTokens, $0.batch] }
        #expect(marked == [[128, 512], [8_000, 64]])
        let short = result.points.filter { $0.contextTokens == 128 }
        #expect(short.map { $0.bound?.decodeComputeBound } == [false, false, false, true, true])
        #expect(result.points.filter { $0.contextTokens == 8_000 }.map(\.plan.fits) == [true, false, false, false, false])
    }

    @Test func nothingFittingHasNoKnee() {
        #expect(SweepPlanner.knees([SweepPoint(contextTokens: 4, batch: 1, promptTokens: nil,
                                               plan: LayoutPlan(layout: .aggregate, fits: false, assumptions: []))]).isEmpty)
    }
}
