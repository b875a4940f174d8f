import Foundation
import Testing
import RooflineCore

@Suite struct RooflineTests {
    /// 100 GFLOP/s fp32, 10 GB/s DRAM: ridge at 10 FLOP/byte.
    let roofline = Roofline(
        name: "test", computeCeilings: [ComputeCeiling(dataType: .fp32, flopsPerSecond: 100e9, source: "fixed")],
        bandwidthCeilings: [BandwidthCeiling(level: "L2", bytesPerSecond: 100e9, source: "fixed"),
                            BandwidthCeiling(level: "DRAM", bytesPerSecond: 10e9, source: "fixed")],
        mainMemoryLevel: "DRAM")

    @Test func ridgeAndPlacement() throws {
        #expect(roofline.ridgeFlopsPerByte(dataType: .fp32) == 10)
        let memoryBound = Operator(name: "gemv", kind: .matmul, flops: 2e9, bytes: ByteCounts(weights: 1e9), computeType: .fp32)
        let p = try roofline.place(memoryBound)
        #expect(p.bound == .memory)
        #expect(p.arithmeticIntensity == 2)
        #expect(p.seconds == 0.1)  // 1e9 B / 10e9 B/s
        #expect(p.attainableFlopsPerSecond == 20e9)  // 2 FLOP/B × 10 GB/s
        let atRidge = Operator(name: "ridge", kind: .matmul, flops: 10e9, bytes: ByteCounts(activations: 1e9), computeType: .fp32)
        let r = try roofline.place(atRidge)
        #expect(r.bound == .compute)
        #expect(r.seconds == 0.1)
        #expect(r.attainableFlopsPerSecond == 100e9)
        let inL2 = try roofline.place(memoryBound, level: "L2")
        #expect(inL2.seconds == 0.02 && inL2.bound == .compute)  // compute 2e9/1e11 = 0.02 s ≥ memory 0.01 s
    }

    @Test func sideWorkAddsToTheComputeTimeOnItsOwnCeiling() throws {
        // int8 400 GOP/s beside fp32 100 GFLOP/s, DRAM 10 GB/s.
        var withInt8 = roofline
        withInt8.computeCeilings.append(ComputeCeiling(dataType: .int8, flopsPerSecond: 400e9, source: "fixed"))
        let op = Operator(name: "q8 gemm", kind: .matmul, flops: 40e9, bytes: ByteCounts(weights: 1e9), computeType: .int8,
                          sideWork: [SideWork(name: "block scales", operations: 5e9, dataType: .fp32)])
        let p = try withInt8.place(op)
        // compute = 40e9 / 400e9 + 5e9 / 100e9 = 0.1 + 0.05 = 0.15 s ≥ memory 1e9 / 10e9 = 0.1 s.
        #expect(abs(p.computeSeconds - 0.15) < 1e-12 && p.memorySeconds == 0.1 && p.bound == .compute)
        #expect(abs(p.attainableFlopsPerSecond - 40e9 / 0.15) < 1)
        // Without the side work the same operator sits at the int8 peak: 0.1 s, memory-bound tie → compute.
        var plain = op
        plain.sideWork = nil
        #expect(try withInt8.place(plain).computeSeconds == 0.1)
        // Side work on a type no ceiling covers (nor a wider one) is a usage error naming it.
        let orphan = Operator(name: "x", kind: .matmul, flops: 1, bytes: ByteCounts(weights: 1), computeType: .fp32,
                              sideWork: [SideWork(name: "odd work", operations: 1, dataType: .fp64)])
        #expect(throws: RooflineError.self) { try roofline.place(orphan) }
        // Empty side work is stored as none, and JSON leaves the key out.
        let none = Operator(name: "y", kind: .matmul, flops: 1, bytes: ByteCounts(), computeType: .fp32, sideWork: [])
        #expect(none.sideWork == nil)
        #expect(!String(decoding: try JSONEncoder().encode(none), as: UTF8.self).contains("sideWork"))
    }

    @Test func zeroFlopOperatorsAreMemoryBoundWithoutNaN() throws {
        let write = Operator(name: "kv write", kind: .kvWrite, flops: 0, bytes: ByteCounts(kvCache: 5e8), computeType: .fp32)
        let p = try roofline.place(write)
        #expect(p.bound == .memory)
        #expect(p.arithmeticIntensity == 0 && p.attainableFlopsPerSecond == 0)
        #expect(p.seconds == 0.05)
    }

    @Test func missingDataTypeFallsBackToTheNearestWiderCeiling() throws {
        let fp8 = Operator(name: "fp8 gemm", kind: .matmul, flops: 1e9, bytes: ByteCounts(weights: 1e6), computeType: .fp8)
        let p = try roofline.place(fp8)
        #expect(p.ceilingDataType == .fp32)
        #expect(p.fellBackFrom == .fp8)
        let analysis = try roofline.analyze([fp8])
        #expect(analysis.fallbacks.map(\.requested) == [.fp8])
        let noCeiling = Roofline(name: "empty", computeCeilings: [], bandwidthCeilings: roofline.bandwidthCeilings, mainMemoryLevel: "DRAM")
        #expect(throws: RooflineError.self) { try noCeiling.place(fp8) }
    }

    @Test func analysisSumsTheStep() throws {
        let ops = [
            Operator(name: "a", kind: .matmul, flops: 2e9, bytes: ByteCounts(weights: 1e9), computeType: .fp32),
            Operator(name: "b", kind: .norm, flops: 0, bytes: ByteCounts(activations: 1e9), computeType: .fp32),
        ]
        let analysis = try roofline.analyze(ops)
        #expect(analysis.totalSeconds == 0.2)
        #expect(analysis.totalFlops == 2e9)
        #expect(analysis.totalBytes.total == 2e9)
        #expect(analysis.share(of: analysis.placements[0]) == 0.5)
    }

    @Test func stepTotalsComeFromTheAnalysis() throws {
        // a: 20 GFLOP over 1 GB → compute 0.2 s > memory 0.1 s; b: 1 GFLOP over 2 GB → memory 0.2 s;
        // c (attention): 0 FLOPs over 1 GB → memory 0.1 s. Step 0.5 s, 0.3 s of it memory-bound.
        let ops = [
            Operator(name: "a", kind: .matmul, flops: 20e9, bytes: ByteCounts(weights: 1e9), computeType: .fp32),
            Operator(name: "b", kind: .norm, flops: 1e9, bytes: ByteCounts(activations: 2e9), computeType: .fp32),
            Operator(name: "c", kind: .attention, flops: 0, bytes: ByteCounts(kvCache: 1e9), computeType: .fp32),
        ]
        let analysis = try roofline.analyze(ops)
        #expect(analysis.totalSeconds.isApproximatelyEqual(to: 0.5, relativeTolerance: 1e-12))
        #expect(analysis.arithmeticIntensity == 21e9 / 4e9)
        #expect(analysis.seconds(boundBy: .compute) == 0.2)
        #expect(analysis.seconds(boundBy: .memory).isApproximatelyEqual(to: 0.3, relativeTolerance: 1e-12))
        #expect(analysis.memoryBoundShare.isApproximatelyEqual(to: 0.6, relativeTolerance: 1e-12))
        #expect(analysis.tokensPerSecond(tokensPerStep: 8).isApproximatelyEqual(to: 16, relativeTolerance: 1e-12))
        #expect(analysis.restricted(to: OperatorKind.attentionKinds).placements.map(\.operator.name) == ["c"])
        #expect(analysis.shareOfTime(kinds: OperatorKind.attentionKinds).isApproximatelyEqual(to: 0.2, relativeTolerance: 1e-12))
        var doubled = roofline
        doubled.computeCeilings[0].flopsPerSecond *= 2
        doubled.bandwidthCeilings[1].bytesPerSecond *= 2
        let twiceAsFast = try doubled.analyze(ops)
        #expect(twiceAsFast.speedUp(over: analysis).isApproximatelyEqual(to: 2, relativeTolerance: 1e-12))
        #expect(try roofline.analyze([]).tokensPerSecond(tokensPerStep: 8) == 0)
    }
}

@Suite struct MissingCeilingTests {
    /// A device that states bf16 only (like a TPU without an fp32 figure).
    let roofline = Roofline(
        name: "bf16 only", computeCeilings: [ComputeCeiling(dataType: .bf16, flopsPerSecond: 100e12, source: "fixed")],
        bandwidthCeilings: [BandwidthCeiling(level: "HBM", bytesPerSecond: 1e12, source: "fixed")], mainMemoryLevel: "HBM")

    @Test func vectorWorkWithoutAPeakIsTimedByItsBytes() throws {
        let norm = Operator(name: "norm", kind: .norm, flops: 4e9, bytes: ByteCounts(activations: 2e9), computeType: .fp32)
        let p = try roofline.place(norm)
        #expect(p.computeCeilingMissing)
        #expect(p.seconds == 0.002 && p.computeSeconds == 0)  // 2e9 B / 1e12 B/s
        #expect(p.bound == .memory)
        #expect(p.attainableFlopsPerSecond == 2e12)  // 2 FLOP/B × 1 TB/s, no roof to cap it
        #expect(try roofline.analyze([norm]).untimedTypes == [.fp32])
    }

    @Test func aMatmulWithoutAPeakIsRefused() {
        let gemm = Operator(name: "gemm", kind: .matmul, flops: 1e12, bytes: ByteCounts(weights: 1e9), computeType: .fp32)
        #expect(throws: RooflineError.self) { try roofline.place(gemm) }
    }
}

/// Which measurements a host profile's roofline takes its ceilings from.
struct HostProfileRooflineTests {
    static func summary(_ bytesPerSecond: Double) -> SampleSummary {
        SampleSummary(best: bytesPerSecond, median: bytesPerSecond, worst: bytesPerSecond, count: 5)
    }

    static func profile(levels: [LevelBandwidth]) -> HostProfile {
        HostProfile(
            toolVersion: "test", createdAt: "2026-11-29T00:00:00Z", mode: .quick,
            host: HostInfo(cpuModel: "test", architecture: "x86_64", cpusAvailable: [0, 1], caches: [], numaAvailable: false,
                           numaNodes: [], kernelISA: "avx512", vectorBits: 512, cpuFeatures: [], memoryTotalBytes: 1 << 34,
                           memoryAvailableBytes: 1 << 33, kernelRelease: "test"),
            theoreticalPeak: TheoreticalPeak(clockHertz: 3e9, clockMethod: "test", fmaUnitsPerCore: 1, fmaUnitsMethod: "test",
                                             vectorBits: 512, vectorMethod: "test"),
            bandwidth: [], levels: levels,
            flops: [FlopsMeasurement(dataType: .fp32, threads: 2, flopsPerSecond: summary(200e9), theoreticalFlopsPerSecond: 200e9)],
            latency: [], numa: nil, timerResolutionSeconds: 1e-9, minimumSampleSeconds: 0.01, notes: [])
    }

    /// Cache levels take the best load bandwidth; main memory the load measurement at the largest working set, even
    /// when a smaller set beyond the reported LLC (partly cached by a bigger physical cache) read faster.
    @Test func mainMemoryComesFromTheLargestWorkingSet() throws {
        let levels = [
            LevelBandwidth(level: "L3", kernel: "load", threads: 2, bytesPerSecond: Self.summary(180e9), fromWorkingSetBytes: [8 << 20],
                           reportedCapacityBytes: 32 << 20, measuredCapacityBytes: nil),
            LevelBandwidth(level: "L3", kernel: "load", threads: 2, bytesPerSecond: Self.summary(190e9), fromWorkingSetBytes: [16 << 20],
                           reportedCapacityBytes: 32 << 20, measuredCapacityBytes: nil),
            LevelBandwidth(level: "DRAM", kernel: "load", threads: 2, bytesPerSecond: Self.summary(65e9), fromWorkingSetBytes: [96 << 20, 128 << 20],
                           reportedCapacityBytes: nil, measuredCapacityBytes: nil),
            LevelBandwidth(level: "DRAM", kernel: "load", threads: 2, bytesPerSecond: Self.summary(33e9), fromWorkingSetBytes: [256 << 20],
                           reportedCapacityBytes: nil, measuredCapacityBytes: nil),
            LevelBandwidth(level: "DRAM", kernel: "copy", threads: 2, bytesPerSecond: Self.summary(40e9), fromWorkingSetBytes: [1 << 30],
                           reportedCapacityBytes: nil, measuredCapacityBytes: nil),
        ]
        let roofline = try Self.profile(levels: levels).roofline(threads: 2)
        #expect(roofline.bandwidthCeilings.first { $0.level == "L3" }?.bytesPerSecond == 190e9)
        #expect(roofline.bandwidthCeilings.first { $0.level == "DRAM" }?.bytesPerSecond == 33e9)
    }
}
