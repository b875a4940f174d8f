import Foundation
import RooflineCalibration
import Testing
@testable import RooflineDevices

/// The planner with a calibration: predicted steps beside the bound, measured all-reduces on the link.
struct CalibratedPlanTests {
    func calibrated(_ workload: DeploymentWorkload, _ deviceName: String = "h200") throws -> (DeploymentPlan, AppliedCalibration) {
        let device = try DeviceCatalog.bundled().device(named: deviceName).pricedAt(3, note: "test")
        let found = try #require(try device.calibration("auto"))
        let applied = AppliedCalibration(found, peaks: try #require(device.kernelPeaks), engine: .fusedGraphs)
        return (try DeploymentPlanner.plan(workload, on: device, options: DeploymentOptions(), calibration: applied), applied)
    }

    @Test func predictionsSitBesideUnchangedBounds() throws {
        let workload = llama405BLike(context: 10_000_000)
        let (result, applied) = try calibrated(workload)
        let bound = try plan(workload)
        #expect(result.calibration == applied.used)
        #expect(result.calibration?.name == "h100-sxm" && result.calibration?.rescaled == true)
        #expect(result.assumptions.last == .calibrated(applied.used))
        for layout in DeploymentLayout.allCases {
            let withModel = try result.layout(layout), without = try bound.layout(layout)
            // The bound and its tokens/s are those of the plan without a calibration.
            #expect(withModel.boundTokensPerSecond == without.boundTokensPerSecond)
            let predicted = try #require(withModel.decodePredicted)
            let rate = try #require(withModel.predictedTokensPerSecond)
            // tokens/s = batch ÷ predicted step; $ per million = $/hour ÷ (tokens/s × 3600) × 10⁶.
            #expect(abs(rate - 1 / predicted.seconds) < 1e-9 * rate)
            let cost = try #require(withModel.predictedCostPerMillionTokensUSD)
            let perHour = try #require(withModel.costPerHourUSD)
            #expect(abs(cost - perHour / (rate * 3600) * 1e6) < 1e-9 * cost)
        }
        #expect(try bound.layout(.aggregate).decodePredicted == nil)
    }

    @Test func linkAllReducesUseTheMeasuredModel() throws {
        let (_, applied) = try calibrated(llama405BLike(context: 4096))
        // 32 KiB per rank over 8 GPUs: the faster of the custom and NCCL models, neither below its floor.
        let measured = try #require(applied.allReduceSeconds(32_768, ranks: 8))
        let floors = try ["custom", "nccl"].map {
            try #require(applied.calibration.model(for: KernelClass(.allReduce, $0, ranks: 8))).floorSeconds
        }
        #expect(measured >= floors.min()!)
        #expect(measured < 1e-3)
        #expect(applied.allReduceSeconds(32_768, ranks: 1) == 0)
    }
}
