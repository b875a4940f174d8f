import Foundation
import Testing
@testable import RooflineProbes

@Suite struct ProbeTests {
    @Test func samplerRepeatsUntilTheSampleIsLongEnough() {
        let sampler = Sampler(minimumSampleSeconds: 0.002, samples: 5)
        var calls: [Int] = []
        let seconds = sampler.secondsPerRepetition { repetitions in
            calls.append(repetitions)
            let end = MonotonicClock.now() + Double(repetitions) * 1e-5
            while MonotonicClock.now() < end {}
        }
        #expect(seconds.count == 5)
        #expect(calls.first == 1)  // the warm-up
        #expect(Double(calls.last!) * 1e-5 >= 0.002)
        #expect(seconds.allSatisfy { $0 >= 0.9e-5 && $0 < 1e-3 })
    }

    /// Interleaved sampling calibrates each body on its own (a warm-up call, then growing counts), then alternates
    /// a, b, a, b with the calibrated counts; a body that reports twice the time per repetition measures twice as long.
    @Test func interleavedSamplingAlternatesCalibratedBodies() {
        let sampler = Sampler(minimumSampleSeconds: 0.001, samples: 5)
        var order: [String] = []
        let (a, b) = sampler.interleavedSecondsPerRepetition(
            { repetitions in order.append("a"); return Double(repetitions) * 1e-5 },
            { repetitions in order.append("b"); return Double(repetitions) * 2e-5 })
        #expect(a.count == 5 && b.count == 5)
        #expect(Array(order.suffix(10)) == ["a", "b", "a", "b", "a", "b", "a", "b", "a", "b"])
        #expect(a.allSatisfy { $0.isApproximatelyEqual(to: 1e-5, relativeTolerance: 1e-9) })
        #expect(b.allSatisfy { $0.isApproximatelyEqual(to: 2e-5, relativeTolerance: 1e-9) })
        #expect(order.prefix(while: { $0 == "a" }).count >= 2)  // warm-up and calibration of a come first
    }

    @Test func flopsKernelCountsTwoPerFMAPerLane() throws {
        let f64 = try FlopsKernel.forBuild(.fp64)
        #expect(f64.flops(iterations: 10) == Double(10 * f64.accumulators * 8 * 2))
        let f32 = try FlopsKernel.forBuild(.fp32)
        #expect(f32.flops(iterations: 1) == Double(f32.accumulators * 16 * 2))
        #expect(f64.run(iterations: 100).isFinite)
        #expect(throws: RooflineError.self) { try FlopsKernel.forBuild(.bf16) }
    }

    @Test func threadCountsAreCheckedAgainstTheAffinityMask() throws {
        #expect(try HostProbe.resolveThreadCounts([2, 1, 2], available: 4, quick: false) == [1, 2])
        #expect(try HostProbe.resolveThreadCounts(nil, available: 2, quick: false) == [1, 2])
        #expect(try HostProbe.resolveThreadCounts(nil, available: 6, quick: true) == [1, 6])
        #expect(try HostProbe.resolveThreadCounts(nil, available: 20, quick: false) == [1, 2, 4, 8, 16, 20])
        #expect(throws: RooflineError.self) { try HostProbe.resolveThreadCounts([0], available: 2, quick: false) }
        #expect(throws: RooflineError.self) { try HostProbe.resolveThreadCounts([3], available: 2, quick: false) }
    }

    @Test func sweepSizesStepBySquareRootOfTwo() {
        let sizes = HostProbe.sweepSizes(from: 16 << 10, to: 64 << 10)
        #expect(sizes == [16384, 20480, 32768, 45056, 65536])
    }

    @Test func hostDetectionReadsCachesAndCPUs() {
        let host = HostInfo.detect()
        #expect(!host.cpusAvailable.isEmpty)
        #expect(host.memoryTotalBytes > 0)
        #expect(HostInfo.parseCacheSize("32K") == 32768)
        #expect(HostInfo.parseCacheSize("32768K") == 32 << 20)
        #expect(HostInfo.countCPUList("0-3,8,10-11") == 7)
    }

    @Test func aSmallCustomProbeIsPlausibleAndRoundTripsThroughJSON() throws {
        var options = ProbeOptions.quick
        options.mode = .custom
        options.phases = [.bandwidth, .flops, .latency]
        options.kernels = [try BandwidthKernel.named("triad"), try BandwidthKernel.named("load")]
        options.threadCounts = [1]
        // The smallest DRAM size the probe accepts: twice the last-level cache over the CPUs available.
        options.dramBytes = 2 * HostProbe.lastLevelCacheBytes(of: HostInfo.detect())
        options.samples = 2
        options.minimumSampleSeconds = 0.001
        options.dramReadWindowSeconds = 0.3
        var lines: [String] = []
        let profile = try HostProbe.run(options, progress: { lines.append($0) })
        // The read kernel's DRAM figure is the best of several bursts over the window; triad's is one burst.
        let dram = profile.levels.filter { $0.level == "DRAM" }
        #expect(try #require(dram.first { $0.kernel == "load" }).bytesPerSecond.count >= 2)
        #expect(try #require(dram.first { $0.kernel == "triad" }).bytesPerSecond.count == 2)
        #expect(profile.notes.contains { $0.contains("bursts on fresh buffers 100 ms apart over 0.3") })
        #expect(!lines.isEmpty)
        // 2 kernels × (half of each cache level, DRAM)
        let cacheLevels = PlateauDetector.levels(caches: profile.host.caches, threads: 1).count
        #expect(profile.bandwidth.count == 2 * (cacheLevels + 1))
        #expect(profile.flops.count == 2 + FlopsProbe.paths(flags: Set(profile.host.cpuFeatures), allPaths: false).0.count)
        for f in profile.flops {
            #expect(f.flopsPerSecond.best > 1e8)
            #expect(f.fractionOfTheoretical > 0.3 && f.fractionOfTheoretical < 1.5)
        }
        #expect(profile.latency.allSatisfy { $0.nanosecondsPerLoad.best > 0.1 && $0.nanosecondsPerLoad.best < 5000 })
        let data = try JSONEncoder().encode(profile)
        let decoded = try JSONDecoder().decode(HostProfile.self, from: data)
        #expect(decoded == profile)
        let roofline = try decoded.roofline(threads: 1)
        #expect(roofline.bandwidthCeiling()?.level == "DRAM")
        #expect(roofline.computeCeiling(for: .fp8)?.fellBackFrom == .fp8)
    }

    @Test func aWorkingSetAboveHalfOfAvailableMemoryIsAUsageError() {
        var options = ProbeOptions.quick
        options.phases = [.bandwidth]
        options.workingSets = [1 << 50]
        #expect(throws: RooflineError.self) { try HostProbe.run(options, progress: { _ in }) }
    }
}
