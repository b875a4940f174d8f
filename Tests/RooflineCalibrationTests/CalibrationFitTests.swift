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

    /// A device with 2√2 SMs: every power-of-two tile count then lies at the centre of a one-octave bin of
    /// log₂(tiles ÷ SMs), so the fitted cells hold the generating fractions exactly.
    /// Bandwidth 10 TB/s puts the ridge at 10 FLOP/B, so every row of `waveRows` with k ≥ 128 is compute-bound.
    static let waves = KernelPeaks(device: "synthetic-waves", flopsPerSecond: [.bf16: 100e12], memoryBytesPerSecond: 10e12,
                                   linkBytesPerSecond: nil, streamingMultiprocessors: 2 * 2.0.squareRoot())

    /// η_c = 0.5 · min(1, tiles ÷ SMs): a call with fewer 128×128 tiles than SMs leaves SMs idle.
    static func waveShare(_ work: KernelWork, _ peaks: KernelPeaks) -> Double {
        0.5 * min(1, work.parallelUnits! / peaks.streamingMultiprocessors!)
    }

    /// GEMM rows with m, n multiples of 128 and time = 5 µs + max(flops ÷ (P · η_c), bytes ÷ (B · 0.8)).
    static func waveRows(_ peaks: KernelPeaks) -> [KernelMeasurement] {
        let edges: [Double] = [128, 256, 512, 2048, 8192]
        let depths: [Double] = [1, 16, 128, 1024, 4096, 16384, 65536]
        return edges.flatMap { m in edges.flatMap { n in depths.map { k in
            let work = KernelWork.gemm(m: m, n: n, k: k, type: .bf16)
            let seconds = floor + max(work.flops / (peaks.flopsPerSecond(for: .bf16)! * waveShare(work, peaks)),
                                      work.bytes / (peaks.memoryBytesPerSecond * bandwidthShare))
            return KernelMeasurement(kernel: KernelClass(.gemm, "bf16"), work: work, measuredSeconds: seconds,
                                     shape: "m=\(m) n=\(n) k=\(k)")
        } } }
    }

    @Test func fitRecoversTheWaveFractionsOnTheSurface() throws {
        let rows = Self.waveRows(Self.waves)
        let calibration = try CalibrationFit.fit(rows, peaks: Self.waves, name: "waves", source: "test")
        let gemm = try #require(calibration.model(for: KernelClass(.gemm, "bf16")))
        let surface = try #require(gemm.computeSurface)
        // One tile on 2√2 SMs: 0.5 / 2√2 = 0.1768; two tiles 0.3536; sixteen tiles the full 0.5; at 2¹⁴ ns at peak
        // (m = n = 128, k = 65,536: 2.1e9 FLOPs, 21 µs at 100 TFLOP/s).
        let sms = 2 * 2.0.squareRoot()
        #expect(abs(surface.efficiency(log2Size: 14, log2UnitsPerSM: log2(1 / sms)) - 0.5 / sms) < 0.005)
        #expect(abs(surface.efficiency(log2Size: 14, log2UnitsPerSM: log2(2 / sms)) - 1 / sms) < 0.005)
        #expect(abs(surface.efficiency(log2Size: 14, log2UnitsPerSM: log2(16 / sms)) - 0.5) < 0.005)
        // Compute-bound rows (above 100 µs) within 2 %; the 1-D curve alone cannot tell their tile counts apart.
        let check = try CalibrationCheck(rows, calibration: calibration, peaks: Self.waves)
        #expect(check.rows.filter { $0.measuredSeconds > 1e-4 }.allSatisfy { abs($0.predictedRatio - 1) < 0.02 })
    }

    @Test func theSurfaceCarriesWavesToADeviceWithMoreSMs() throws {
        // Fitted on 2√2 SMs, applied to a device with twice the SMs and twice the peaks: a call with the same tiles
        // per SM and the same time at peak is predicted at the same fraction.
        let calibration = try CalibrationFit.fit(Self.waveRows(Self.waves), peaks: Self.waves, name: "waves", source: "test")
        let bigger = KernelPeaks(device: "bigger", flopsPerSecond: [.bf16: 200e12], memoryBytesPerSecond: 20e12,
                                 linkBytesPerSecond: nil, streamingMultiprocessors: 4 * 2.0.squareRoot())
        // Rows of 2 tiles or more: on 4√2 SMs they give the tiles per SM the fitted device saw (one tile there has
        // no counterpart: half a tile per SM lies beyond the fitted grid).
        let rows = Self.waveRows(bigger).filter { $0.work.parallelUnits! >= 2 }
        let check = try CalibrationCheck(rows, calibration: calibration, peaks: bigger)
        #expect(check.rows.filter { $0.measuredSeconds > 1e-4 }.allSatisfy { abs($0.predictedRatio - 1) < 0.05 })
        // The size-only curve, which cannot see the SMs, misses the under-filled ones by far more.
        let curveOnly = KernelPeaks(device: "bigger", flopsPerSecond: [.bf16: 200e12], memoryBytesPerSecond: 20e12,
                                    linkBytesPerSecond: nil)
        let blind = try CalibrationCheck(rows, calibration: calibration, peaks: curveOnly)
        #expect(blind.rows.filter { $0.measuredSeconds > 1e-4 }.contains { abs($0.predictedRatio - 1) > 0.3 })
    }

    @Test func fitRecoversThePerWaveTimeOfPrefillAttention() throws {
        // Prefill rows from floor 5 µs + τ 3 µs × (query tiles ÷ SMs) + max(FLOPs ÷ (P·0.5), bytes ÷ (B·0.8)) on
        // 64√2 ≈ 90.5 SMs. Small batches of short prompts give a fraction of a wave (the floor rows, τ adding at most
        // 0.3 µs); large ones of short prompts (16 tokens, one tile per head) carry τ almost alone: the fit reads τ
        // as the lower decile of (time − floor) per wave, within 5 %.
        let tau = 3e-6
        let device = KernelPeaks(device: "synthetic-sms", flopsPerSecond: [.bf16: 100e12], memoryBytesPerSecond: 10e12,
                                 linkBytesPerSecond: nil, streamingMultiprocessors: 64 * 2.0.squareRoot())
        let sms = device.streamingMultiprocessors!
        var rows: [KernelMeasurement] = []
        for batch in [1.0, 4, 16, 64, 256] {
            for heads in [1.0, 8, 32] {
                for tokens in [16.0, 128, 1024, 4096] {
                    let work = KernelWork.prefillAttention(batch: batch, tokens: tokens, heads: heads, kvHeads: heads,
                                                           headDim: 128, type: .bf16)
                    let seconds = Self.floor + tau * work.parallelUnits! / sms
                        + max(work.flops / (100e12 * 0.5), work.bytes / (10e12 * Self.bandwidthShare))
                    rows.append(KernelMeasurement(kernel: KernelClass(.prefillAttention, "bf16"), work: work,
                                                  measuredSeconds: seconds, shape: "b=\(batch) s=\(tokens) h=\(heads)"))
                }
            }
        }
        let calibration = try CalibrationFit.fit(rows, peaks: device, name: "waves", source: "test")
        let model = try #require(calibration.model(for: KernelClass(.prefillAttention, "bf16")))
        let fitted = try #require(model.secondsPerWave)
        #expect(abs(fitted / tau - 1) < 0.05)
        // GEMMs get no τ.
        let gemm = try CalibrationFit.fit(Self.waveRows(Self.waves), peaks: Self.waves, name: "w", source: "t")
        #expect(gemm.model(for: KernelClass(.gemm, "bf16"))?.secondsPerWave == nil)
    }

    @Test func poolAdjacentViolatorsOnHandComputedCases() {
        // [1, 3, 2, 4]: 3 > 2 pool into their mean 2.5; equal weights.
        #expect(CalibrationFit.nondecreasing([1, 3, 2, 4], weights: [1, 1, 1, 1]) == [1, 2.5, 2.5, 4])
        // [3, 1] weighted 1 and 3: (3·1 + 1·3) ÷ 4 = 1.5 for both.
        #expect(CalibrationFit.nondecreasing([3, 1], weights: [1, 3]) == [1.5, 1.5])
        // [4, 3, 2] pools into one block: 3.
        #expect(CalibrationFit.nondecreasing([4, 3, 2], weights: [1, 1, 1]) == [3, 3, 3])
        // Already non-decreasing: unchanged.
        #expect(CalibrationFit.nondecreasing([1, 1, 2, 5], weights: [2, 1, 1, 1]) == [1, 1, 2, 5])
    }

    @Test func efficienciesAreMadeToTakeNoLessTimeForMoreWork() {
        // Sizes 2¹⁰, 2^10.5, 2¹¹ at η 0.5, 0.2, 0.8: log₂ times 11, 12.82, 11.32. The last two pool at their mean
        // 12.0719, so η becomes 2^(10.5 − 12.0719) = 0.33636 and 2^(11 − 12.0719) = 0.47568; the first is kept.
        let fixed = CalibrationFit.monotoneInTime([0.5, 0.2, 0.8], log2Sizes: [10, 10.5, 11], weights: [1, 1, 1])
        #expect(abs(fixed[0] - 0.5) < 1e-12)
        #expect(abs(fixed[1] - 0.33636) < 1e-5 && abs(fixed[2] - 0.47568) < 1e-5)
        // Times 2^x ÷ η never fall, and a curve that already takes longer for more work is unchanged.
        let times = zip([10.0, 10.5, 11], fixed).map { exp2($0) / $1 }
        #expect(times[0] <= times[1] && times[1] <= times[2] * (1 + 1e-12))
        #expect(CalibrationFit.monotoneInTime([0.2, 0.4, 0.6], log2Sizes: [10, 11, 12], weights: [1, 1, 1])
                .elementsEqual([0.2, 0.4, 0.6]) { abs($0 - $1) < 1e-12 })
    }

    @Test func aFewSlowRowsDoNotMakeALargerCallPredictFaster() throws {
        // Decode-attention rows streaming at 70 % of bandwidth after a 5 µs floor, except one KV length where a few
        // extra rows ran on a kernel 8× slower and outnumber the fast ones there (as TRT-LLM's MHA and wide-group
        // rows do in the measured H100 table). The fitted model must still predict every longer cache at no less
        // time than a shorter one.
        var rows: [KernelMeasurement] = []
        let device = KernelPeaks(device: "synthetic", flopsPerSecond: [.bf16: 100e12], memoryBytesPerSecond: 1e12,
                                 linkBytesPerSecond: nil, streamingMultiprocessors: 100)
        for batch in [1.0, 2, 4] {
            for context in [256.0, 512, 1024, 2048, 4096, 8192, 16384] {
                let work = KernelWork.decodeAttention(batch: batch, kvLength: context, heads: 32, kvHeads: 8, headDim: 128,
                                                      activation: .bf16, kvCache: .bf16)
                let fast = Self.floor + work.bytes / (1e12 * 0.7)
                rows.append(KernelMeasurement(kernel: KernelClass(.decodeAttention, "bf16"), work: work, measuredSeconds: fast,
                                              shape: "b=\(batch) kv=\(context)"))
                if context == 2048 {
                    for _ in 0..<3 {
                        rows.append(KernelMeasurement(kernel: KernelClass(.decodeAttention, "bf16"), work: work,
                                                      measuredSeconds: Self.floor + 8 * work.bytes / (1e12 * 0.7), shape: "slow"))
                    }
                }
            }
        }
        let model = try #require(try CalibrationFit.fit(rows, peaks: device, name: "s", source: "t")
            .model(for: KernelClass(.decodeAttention, "bf16")))
        let times = stride(from: 256.0, through: 16384, by: 128).map { context in
            model.predict(.decodeAttention(batch: 2, kvLength: context, heads: 32, kvHeads: 8, headDim: 128,
                                           activation: .bf16, kvCache: .bf16), peaks: device)!.seconds
        }
        // Bilinear interpolation between cell centres may dip by a hair (below 2 %), never by the slow cell's factor.
        for (shorter, longer) in zip(times, times.dropFirst()) { #expect(longer >= shorter * 0.98, "\(shorter) → \(longer)") }
    }

    @Test func aCallBeyondItsParallelismsMeasuredSizesBorrowsTheFractionOfItsSize() throws {
        // Decode rows on 100 SMs after a 5 µs floor. One sequence × 8 KV heads (8 blocks) was measured up to 4,096
        // cached tokens, streaming at a fraction rising from 0.1 to 0.3 with the cache (as multi-block decode does);
        // 100 sequences (800 blocks) up to 65,536 tokens at 0.8. One sequence at 65,536 tokens, four octaves past its
        // own measurements, takes the 0.8 that calls of its size reached, not the 0.3 of its largest measured call.
        let device = KernelPeaks(device: "synthetic", flopsPerSecond: [.bf16: 1e15], memoryBytesPerSecond: 1e12,
                                 linkBytesPerSecond: nil, streamingMultiprocessors: 100)
        func work(_ batch: Double, _ context: Double) -> KernelWork {
            .decodeAttention(batch: batch, kvLength: context, heads: 8, kvHeads: 8, headDim: 128, activation: .bf16, kvCache: .bf16)
        }
        var rows: [KernelMeasurement] = []
        let short: [Double] = [256, 512, 1024, 2048, 4096]
        for (index, context) in short.enumerated() {
            let share = 0.1 + 0.2 * Double(index) / Double(short.count - 1)
            rows.append(KernelMeasurement(kernel: KernelClass(.decodeAttention, "bf16"), work: work(1, context),
                                          measuredSeconds: Self.floor + work(1, context).bytes / (1e12 * share), shape: "b=1"))
        }
        for context in stride(from: 8.0, through: 16, by: 1).map({ exp2($0) }) {
            rows.append(KernelMeasurement(kernel: KernelClass(.decodeAttention, "bf16"), work: work(100, context),
                                          measuredSeconds: Self.floor + work(100, context).bytes / (1e12 * 0.8), shape: "b=100"))
        }
        let model = try #require(try CalibrationFit.fit(rows, peaks: device, name: "s", source: "t")
            .model(for: KernelClass(.decodeAttention, "bf16")))
        let far = try #require(model.predict(work(1, 65536), peaks: device))
        #expect(abs(far.bandwidthEfficiency - 0.8) < 0.04, "η \(far.bandwidthEfficiency)")
        // Its own measured calls keep their fractions.
        let edge = try #require(model.predict(work(1, 4096), peaks: device))
        #expect(abs(edge.seconds / (Self.floor + work(1, 4096).bytes / (1e12 * 0.3)) - 1) < 0.05, "\(edge.seconds)")
    }
}

