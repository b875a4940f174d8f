import Foundation
import Testing
@testable import RooflineDevices

/// The latency-target choice and the serving front on hand-made values.
@Suite struct ServingChoiceTests {
    /// A fitting point of `devices` devices whose decode step takes `tpot` seconds at batch `batch`, priced at $3
    /// per device-hour.
    func point(batch: Int, devices: Int, tpot: Double) -> SweepPoint {
        var plan = LayoutPlan(layout: .tensorPipeline, fits: true, assumptions: [])
        plan.devices = devices
        var point = SweepPoint(contextTokens: 8_000, batch: batch, promptTokens: nil, plan: plan)
        let decode = StepEstimate(computeSeconds: 0, memorySeconds: tpot, communicationSeconds: 0, seconds: tpot)
        point.bound = SweepFigures(decode: decode, prefill: nil, batch: batch, promptTokens: nil, devices: devices,
                                   pricePerDeviceHourUSD: 3)
        return point
    }

    /// $/M output = devices × 3 ÷ 3600 × tpot ÷ batch × 1e6: batch 1 on 1 device at 20 ms is $16.67, batch 8 on 1
    /// at 30 ms $3.13, batch 16 on 2 at 45 ms $4.69, batch 32 on 2 at 40 ms $2.08, batch 64 on 4 at 60 ms $3.13
    /// but misses 50 ms.
    @Test func cheapestPointMeetingTheTargetIsChosen() {
        let points = [point(batch: 1, devices: 1, tpot: 0.020), point(batch: 8, devices: 1, tpot: 0.030),
                      point(batch: 16, devices: 2, tpot: 0.045), point(batch: 32, devices: 2, tpot: 0.040),
                      point(batch: 64, devices: 4, tpot: 0.060)]
        let targets = LatencyTargets(maxSecondsPerOutputToken: 0.050)
        let cheapest = ServingChoice.choose(points, contextTokens: 8_000, targets: targets, basis: .bound,
                                            criterion: .cheapestOutputTokens)
        #expect(cheapest.batch == 32)
        let tight = ServingChoice.choose(points, contextTokens: 8_000, targets: LatencyTargets(maxSecondsPerOutputToken: 0.025),
                                         basis: .bound, criterion: .cheapestOutputTokens)
        #expect(tight.batch == 1)
        let none = ServingChoice.choose(points, contextTokens: 8_000, targets: LatencyTargets(maxSecondsPerOutputToken: 0.010),
                                        basis: .bound, criterion: .cheapestOutputTokens)
        #expect(none.batch == nil)
        let fewest = ServingChoice.choose(points, contextTokens: 8_000, targets: targets, basis: .bound, criterion: .fewestDevices)
        #expect(fewest.batch == 8)   // one device, more tokens/s than batch 1
        let ttft = ServingChoice.choose(points, contextTokens: 8_000,
                                        targets: LatencyTargets(maxTimeToFirstTokenSeconds: 2), basis: .bound,
                                        criterion: .cheapestOutputTokens)
        #expect(ttft.batch == nil)   // no prompt, no TTFT: a TTFT target is not met
    }

    /// Dominated points (no better on either axis than some other) leave the front.
    @Test func frontKeepsOnlyNonDominatedPoints() {
        func p(_ batch: Int, _ perDevice: Double, _ perUser: Double) -> ServingFront.Point {
            ServingFront.Point(batch: batch, devices: 1, tokensPerSecondPerDevice: perDevice, tokensPerSecondPerUser: perUser)
        }
        let all = [p(1, 50, 50), p(2, 90, 45), p(3, 80, 40), p(4, 300, 30), p(5, 300, 20), p(6, 40, 50), p(7, 500, 10)]
        #expect(ServingFront.nonDominated(all).map(\.batch) == [1, 2, 4, 7])
        #expect(ServingFront.nonDominated([]).isEmpty)
    }
}
