import Foundation
import RooflineCalibration
import RooflineCore
import Testing

/// The fit on a small synthetic table made from a known model.
struct CalibrationFitTests {
    static let peaks = KernelPeaks(device: "synthetic", flopsPerSecond: [.bf16: 100e12], memoryBytesPerSecond: 1e12,
                                   linkBytesPerSecond: 100e9)
    /// The model the rows are drawn from: floor 5 µs, 50 % of peak FLOP/s, 80 % of bandwidth.
    static let (floor, computeShare, bandwidthShare) = (5e-6, 0.5, 0.8)

    /// GEMM rows over m, n, k from 1 to 16384: time = floor + max(flops / (P·0.5), bytes / (B·0.8)).
    static var rows: [KernelMeasurement] {
        let sizes: [Double] = [1, 4, 16, 64, 256, 1024, 4096, 16384]
        return sizes.flatMap { m in sizes.flatMap { n in sizes.map { k in
            let work = KernelWork.gemm(m: m, n: n, k: k, type: .bf16)
            let seconds = floor + max(work.flops / (100e12 * computeShare), work.bytes / (1e12 * bandwidthShare))
            return KernelMeasurement(kernel: KernelClass(.gemm, "bf16"), work: work, measuredSeconds: seconds,
                                     shape: "m=\(m) n=\(n) k=\(k)")
        } } }
    }

    @Test func fitRecoversTheFloorAndFractions() throws {
        let calibration = try CalibrationFit.fit(Self.rows, peaks: Self.peaks, name: "synthetic", source: "test")
        let gemm = try #require(calibration.model(for: KernelClass(.gemm, "bf16")))
        // The floor is the lower quartile of rows whose bound is ≤ 5 % of their time: within 5 % of 5 µs.
        #expect(abs(gemm.floorSeconds / Self.floor - 1) < 0.05)
        // Large calls see the true fractions.
        #expect(abs(gemm.computeEfficiency.efficiency(at: KernelTimeModel.computeSize(2 * 16384 * 16384 * 16384 / 100e12))
                   - Self.computeShare) < 0.01)
        #expect(abs(gemm.bandwidthEfficiency.efficiency(at: 2 * 16384 * 16384) - Self.bandwidthShare) < 0.01)
        // Every row predicted within 10 %, and the large ones within 1 %.
        let check = try CalibrationCheck(Self.rows, calibration: calibration, peaks: Self.peaks)
        #expect(check.rows.allSatisfy { abs($0.predictedRatio - 1) < 0.1 })
        #expect(check.rows.filter { $0.measuredSeconds > 1e-3 }.allSatisfy { abs($0.predictedRatio - 1) < 0.01 })
        // A memory model comes from the memory-bound GEMMs, with the GEMM floor.
        let memory = try #require(calibration.model(for: KernelClass(.memory, "bytes")))
        #expect(memory.floorSeconds == gemm.floorSeconds)
        #expect(abs(memory.bandwidthEfficiency.efficiency(at: 1e9) - Self.bandwidthShare) < 0.01)
    }

    @Test func predictionsAreNeverFasterThanTheBound() throws {
        let calibration = try CalibrationFit.fit(Self.rows, peaks: Self.peaks, name: "synthetic", source: "test")
        let check = try CalibrationCheck(Self.rows, calibration: calibration, peaks: Self.peaks)
        #expect(check.rows.allSatisfy { $0.predictedSeconds >= $0.boundSeconds })
        let summary = try #require(check.summaries.first { $0.kernel == "gemm" })
        #expect(summary.rows == Self.rows.count)
        #expect(summary.modelMedianError < summary.boundMedianError)
    }

    @Test func aMissingFamilyFallsBackOrIsRefused() throws {
        let calibration = try CalibrationFit.fit(Self.rows, peaks: Self.peaks, name: "synthetic", source: "test")
        // fp8 GEMMs fall back to the bf16 model; attention was never measured.
        #expect(calibration.model(for: KernelClass(.gemm, "fp8"))?.kernel == KernelClass(.gemm, "bf16"))
        #expect(calibration.model(for: KernelClass(.decodeAttention, "bf16")) == nil)
        #expect(throws: RooflineError.self) { try CalibrationFit.fit([], peaks: Self.peaks, name: "x", source: "y") }
    }
}
