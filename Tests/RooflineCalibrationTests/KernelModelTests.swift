import Foundation
import RooflineCalibration
import RooflineCore
import Testing

/// The model's formulas on hand-computed cases.
struct KernelModelTests {
    @Test func gemmWorkIsTwoMNKAndEveryOperandOnce() {
        // m=2, n=3, k=4 in bf16: FLOPs 2·2·3·4 = 48; bytes (k·n + m·(k + n))·2 = (12 + 14)·2 = 52.
        let work = KernelWork.gemm(m: 2, n: 3, k: 4, type: .bf16)
        #expect(work.flops == 48)
        #expect(work.bytes == 52)
    }

    @Test func prefillAttentionCountsTheCausalTriangle() {
        // batch 1, s 2, 1 head, d 2: S = 2·3/2 = 3 pairs; FLOPs 4·3·2 + 5·3 = 39;
        // bytes: Q 4 + O 4 + K,V 8 = 16 elements · 2 B = 32.
        let work = KernelWork.prefillAttention(batch: 1, tokens: 2, heads: 1, kvHeads: 1, headDim: 2, type: .bf16)
        #expect(work.flops == 39)
        #expect(work.bytes == 32)
        // A window of 1 over 2 tokens: pairs 1·2/2 + (2 − 1)·1 = 2; FLOPs 4·2·2 + 5·2 = 26.
        let windowed = KernelWork.prefillAttention(batch: 1, tokens: 2, heads: 1, kvHeads: 1, headDim: 2, window: 1,
                                                   type: .bf16)
        #expect(windowed.flops == 26)
    }

    @Test func decodeAttentionReadsTheCacheOnce() {
        // batch 1, 4 cached tokens, 2 heads over 1 KV head, d 2: S = 8; FLOPs 4·8·2 + 5·8 = 104;
        // bytes: Q and O 2·2·2 = 8 elements · 2 B = 16, K and V 2·4·1·2 = 16 elements · 2 B = 32: 48.
        let work = KernelWork.decodeAttention(batch: 1, kvLength: 4, heads: 2, kvHeads: 1, headDim: 2,
                                              activation: .bf16, kvCache: .bf16)
        #expect(work.flops == 104)
        #expect(work.bytes == 48)
    }

    @Test func collectiveBusBytesFollowNcclTests() {
        #expect(KernelWork.collective(.allReduce, messageBytes: 1000, ranks: 8).bytes == 1750)  // 1000·2·7/8
        #expect(KernelWork.collective(.allGather, messageBytes: 1000, ranks: 4).bytes == 750)  // 1000·3/4
    }

    @Test func curveInterpolatesInLog2AndHoldsItsEnds() {
        let curve = EfficiencyCurve(points: [.init(log2Size: 12, efficiency: 0.6), .init(log2Size: 10, efficiency: 0.2)])
        #expect(abs(curve.efficiency(at: 2048) - 0.4) < 1e-12)
        #expect(curve.efficiency(at: 16) == 0.2)
        #expect(curve.efficiency(at: 1_048_576) == 0.6)
        #expect(curve.best == 0.6)
        #expect(EfficiencyCurve(points: []).efficiency(at: 5) == 1)
    }

    @Test func predictionIsFloorPlusTheSlowerAchievedTerm() throws {
        // Peak 100 TFLOP/s, 1 TB/s; 1 TFLOP at η 0.5 = 20 ms, 1 GB at η 0.8 = 1.25 ms: 2 µs + 20 ms.
        let peaks = KernelPeaks(device: "test", flopsPerSecond: [.bf16: 100e12], memoryBytesPerSecond: 1e12,
                                linkBytesPerSecond: nil)
        let model = KernelTimeModel(
            kernel: KernelClass(.gemm, "bf16"), floorSeconds: 2e-6,
            computeEfficiency: EfficiencyCurve(points: [.init(log2Size: 0, efficiency: 0.5)]),
            bandwidthEfficiency: EfficiencyCurve(points: [.init(log2Size: 0, efficiency: 0.8)]), rows: 0)
        let p = try #require(model.predict(KernelWork(flops: 1e12, bytes: 1e9, computeType: .bf16), peaks: peaks))
        #expect(abs(p.seconds - (2e-6 + 0.02)) < 1e-12)
        #expect(abs(p.boundSeconds - 0.01) < 1e-15)
        // Fused into a neighbour: no floor. A collective needs a link figure.
        let fused = try #require(model.predict(KernelWork(flops: 1e12, bytes: 1e9, computeType: .bf16), peaks: peaks,
                                               withFloor: false))
        #expect(abs(fused.seconds - 0.02) < 1e-12)
        var collective = model
        collective.kernel = KernelClass(.allReduce, "nccl", ranks: 8)
        #expect(collective.predict(KernelWork(flops: 0, bytes: 1e6, computeType: .bf16), peaks: peaks) == nil)
    }

    @Test func quantileInterpolatesOrderStatistics() {
        #expect(CalibrationFit.quantile([4, 1, 3, 2], 0.5) == 2.5)
        #expect(CalibrationFit.quantile([1, 2, 3, 4, 5], 0.25) == 2)
        #expect(CalibrationFit.quantile([], 0.5) == nil)
    }

    @Test func parallelUnitsCountTilesOf128() {
        // m 200, n 300: ⌈200/128⌉·⌈300/128⌉ = 2·3 = 6 tiles. Prefill batch 2, 4 heads, 200 tokens: 2·4·⌈200/128⌉ = 16.
        #expect(KernelWork.gemm(m: 200, n: 300, k: 64, type: .bf16).parallelUnits == 6)
        #expect(KernelWork.prefillAttention(batch: 2, tokens: 200, heads: 4, kvHeads: 1, headDim: 64, type: .bf16)
            .parallelUnits == 16)
        // Decode batch 3 over 8 KV heads (32 query heads): 3·8 = 24 blocks.
        #expect(KernelWork.decodeAttention(batch: 3, kvLength: 4096, heads: 32, kvHeads: 8, headDim: 128,
                                           activation: .bf16, kvCache: .bf16).parallelUnits == 24)
        let peaks = KernelPeaks(device: "t", flopsPerSecond: [.bf16: 1e15], memoryBytesPerSecond: 1e12,
                                linkBytesPerSecond: nil, streamingMultiprocessors: 3)
        // 6 tiles on 3 SMs: log₂ 2 = 1.
        #expect(peaks.log2UnitsPerSM(KernelWork.gemm(m: 200, n: 300, k: 64, type: .bf16)) == 1)
        #expect(peaks.log2UnitsPerSM(KernelWork(flops: 1, bytes: 1, computeType: .bf16)) == nil)
    }

    @Test func surfaceInterpolatesBilinearlyBetweenCellCentres() {
        // Cells of 1 × 1 starting at bin 0: centres at 0.5 and 1.5 on each axis.
        let surface = EfficiencySurface(sizeBinLog2: 1, unitsBinLog2: 1, firstSizeBin: 0, firstUnitsBin: 0,
                                        efficiencies: [[0.2, 0.4], [0.6, 1.0]])
        // At (1, 1), halfway on both: (0.2 + 0.4 + 0.6 + 1.0)/4 = 0.55.
        #expect(abs(surface.efficiency(log2Size: 1, log2UnitsPerSM: 1) - 0.55) < 1e-12)
        // At (0.5, 1.25): s = 0, t = 0.75: 0.25·0.2 + 0.75·0.4 = 0.35.
        #expect(abs(surface.efficiency(log2Size: 0.5, log2UnitsPerSM: 1.25) - 0.35) < 1e-12)
        // Beyond the grid, the edge: (9, 9) → 1.0, (−9, −9) → 0.2.
        #expect(surface.efficiency(log2Size: 9, log2UnitsPerSM: 9) == 1.0)
        #expect(surface.efficiency(log2Size: -9, log2UnitsPerSM: -9) == 0.2)
    }

    @Test func aCallWithUnitsTakesTheSurfaceAndOneWithoutTheCurve() throws {
        // Floor 2 µs; curves at 0.5 everywhere; surfaces at 0.25 everywhere. 1e9 FLOPs at 1e15 FLOP/s = 1 µs at peak.
        let flat = EfficiencyCurve(points: [.init(log2Size: 0, efficiency: 0.5)])
        let quarter = EfficiencySurface(sizeBinLog2: 0.5, unitsBinLog2: 1, firstSizeBin: 0, firstUnitsBin: 0,
                                        efficiencies: [[0.25]])
        let model = KernelTimeModel(kernel: KernelClass(.gemm, "bf16"), floorSeconds: 2e-6, computeEfficiency: flat,
                                    bandwidthEfficiency: flat, computeSurface: quarter, bandwidthSurface: quarter, rows: 1)
        let peaks = KernelPeaks(device: "t", flopsPerSecond: [.bf16: 1e15], memoryBytesPerSecond: 1e15,
                                linkBytesPerSecond: nil, streamingMultiprocessors: 4)
        // With units: 2 + 1/0.25 = 6 µs; without: 2 + 1/0.5 = 4 µs.
        let counted = try #require(model.predict(KernelWork(flops: 1e9, bytes: 1, computeType: .bf16, parallelUnits: 8),
                                                 peaks: peaks))
        let uncounted = try #require(model.predict(KernelWork(flops: 1e9, bytes: 1, computeType: .bf16), peaks: peaks))
        #expect(abs(counted.seconds - 6e-6) < 1e-15)
        #expect(abs(uncounted.seconds - 4e-6) < 1e-15)
    }

    @Test func aWavedModelAddsTauPerWaveToTheFloor() throws {
        // Floor 2 µs, τ 3 µs per wave; 8 units on 4 SMs = 2 waves: 2 + 3·2 = 8 µs of fixed time; then 1 µs of
        // compute at peak ÷ 0.5 = 2 µs: 10 µs. Without units: 2 + 1/0.5 = 4 µs (no surfaces, no τ).
        let flat = EfficiencyCurve(points: [.init(log2Size: 0, efficiency: 0.5)])
        let half = EfficiencySurface(sizeBinLog2: 0.5, unitsBinLog2: 1, firstSizeBin: 0, firstUnitsBin: 0,
                                     efficiencies: [[0.5]])
        let model = KernelTimeModel(kernel: KernelClass(.prefillAttention, "bf16"), floorSeconds: 2e-6,
                                    computeEfficiency: flat, bandwidthEfficiency: flat, computeSurface: half,
                                    bandwidthSurface: half, secondsPerWave: 3e-6, rows: 1)
        let peaks = KernelPeaks(device: "t", flopsPerSecond: [.bf16: 1e15], memoryBytesPerSecond: 1e15,
                                linkBytesPerSecond: nil, streamingMultiprocessors: 4)
        let counted = try #require(model.predict(KernelWork(flops: 1e9, bytes: 1, computeType: .bf16, parallelUnits: 8),
                                                 peaks: peaks))
        #expect(abs(counted.floorSeconds - 8e-6) < 1e-15)
        #expect(abs(counted.seconds - 10e-6) < 1e-15)
        let uncounted = try #require(model.predict(KernelWork(flops: 1e9, bytes: 1, computeType: .bf16), peaks: peaks))
        #expect(abs(uncounted.seconds - 4e-6) < 1e-15)
    }
}
