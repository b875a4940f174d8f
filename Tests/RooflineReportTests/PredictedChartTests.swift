import Foundation
import RooflineCalibration
import RooflineCore
import Testing
@testable import RooflineReport

/// Predicted times in the report's tables and charts come from the prediction, beside the bound.
struct PredictedChartTests {
    /// One matmul of 1 TFLOP over 1 GB on a 1 PFLOP/s, 1 TB/s device, with a calibration at 50 % of peak FLOP/s and
    /// no floor: bound 1 ms, predicted 2 ms, 500 TFLOP/s at the prediction.
    static func example() throws -> (Analysis, StepPrediction) {
        let roofline = Roofline(
            name: "test", computeCeilings: [ComputeCeiling(dataType: .bf16, flopsPerSecond: 1e15, source: "test")],
            bandwidthCeilings: [BandwidthCeiling(level: "HBM", bytesPerSecond: 1e12, source: "test")], mainMemoryLevel: "HBM")
        let analysis = try roofline.analyze([
            Operator(name: "mm", kind: .matmul, flops: 1e12, bytes: ByteCounts(weights: 1e9), computeType: .bf16)])
        let peaks = KernelPeaks(device: "test", flopsPerSecond: [.bf16: 1e15], memoryBytesPerSecond: 1e12,
                                linkBytesPerSecond: nil)
        let model = KernelTimeModel(
            kernel: KernelClass(.gemm, "bf16"), floorSeconds: 0,
            computeEfficiency: EfficiencyCurve(points: [.init(log2Size: 0, efficiency: 0.5)]),
            bandwidthEfficiency: EfficiencyCurve(points: []), rows: 0)
        let calibration = Calibration(name: "half", source: "test", measuredOn: peaks, appliesTo: [], models: [model])
        return (analysis, try StepPrediction(analysis, applied: AppliedCalibration(calibration, peaks: peaks, engine: .fusedGraphs)))
    }

    @Test func chartDrawsHollowMarkersAtThePredictedRate() throws {
        let (analysis, prediction) = try Self.example()
        #expect(abs(prediction.totalSeconds - 2e-3) < 1e-15)
        let chart = Chart.roofline(analysis.roofline, placements: analysis.placements, prediction: prediction)
        let predicted = try #require(chart.series.first { $0.role == .predictedOperator })
        #expect(predicted.points.count == 1)
        #expect(abs(predicted.points[0].x - 1000) < 1e-9)
        #expect(abs(predicted.points[0].y - 5e14) < 1)
        #expect(Chart.roofline(analysis.roofline, placements: analysis.placements).series.allSatisfy { $0.role != .predictedOperator })
    }

    @Test func analysisTableHasAPredictedColumn() throws {
        let (analysis, prediction) = try Self.example()
        let table = Markdown.analysisTable(analysis, prediction: prediction)
        #expect(table.contains("| Time | Predicted | Share |"))
        #expect(table.contains("| 1.00 ms | 2.00 ms |"))
        #expect(!Markdown.analysisTable(analysis).contains("Predicted"))
    }
}
