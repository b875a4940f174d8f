import Foundation
import Testing
@testable import RooflineProbes

@Suite struct ComputePathTests {
    /// Operations per instruction from the instruction definitions: VPDPBUSD zmm does 64 u8×s8 multiply-adds (128
    /// operations), the ymm form 32 (64), VDPBF16PS zmm 32 bf16 multiply-adds (64), TDPBUSD 16·16·64 (32,768),
    /// TDPBF16PS 16·16·32 (16,384); the AVX2 sequence credits 32 operations to each of its two multiplies.
    @Test func operationsPerCallFollowTheInstructionDefinitions() throws {
        func path(_ id: String) throws -> ComputePath { try #require(ComputePath.all.first { $0.id == id }) }
        #expect(try path("avx512-vnni").operations(iterations: 1000) == 1000 * 12 * 128)
        #expect(try path("avx-vnni").operations(iterations: 10) == 10 * 12 * 64)
        #expect(try path("avx2-maddubs").operations(iterations: 10) == 10 * (8 * 64))
        #expect(try path("avx512-bf16").operations(iterations: 1) == 12 * 64)
        #expect(try path("amx-int8").operations(iterations: 1) == 4 * 32_768)
        #expect(try path("amx-bf16").operations(iterations: 1) == 4 * 16_384)
        #expect(try path("f16c-fma-512").operations(iterations: 1) == 8 * 32)
        #expect(Set(ComputePath.all.map(\.id)).count == ComputePath.all.count)
    }

    /// The quick probe takes the first available path per data type (the widest), the full probe all available;
    /// every other known path is listed with why.
    @Test func pathsAreChosenFromTheCPUFlags() {
        let avx2Only: Set<String> = ["avx", "avx2", "fma", "f16c"]
        let (quick, quickAbsent) = FlopsProbe.paths(flags: avx2Only, allPaths: false)
        #expect(quick.map(\.id) == ["avx2-maddubs", "f16c-fma-256"])
        #expect(quick.count + quickAbsent.count == ComputePath.all.count)
        #expect(quickAbsent.first { $0.path == "avx512-vnni" }?.reason == "no avx512f, avx512bw, avx512_vnni in /proc/cpuinfo")
        #expect(!quickAbsent.contains { $0.dataType == .bf16 && $0.reason.contains("quick") })

        let zen5: Set<String> = avx2Only.union(["avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni", "avx512_bf16"])
        let (quick5, absent5) = FlopsProbe.paths(flags: zen5, allPaths: false)
        #expect(quick5.map(\.id) == ["avx512-vnni", "avx512-bf16", "f16c-fma-512"])
        #expect(absent5.first { $0.path == "avx-vnni" }?.reason.contains("quick probe") == true)
        let (full5, _) = FlopsProbe.paths(flags: zen5, allPaths: true)
        #expect(full5.map(\.id) == ["avx512-vnni", "avx-vnni", "avx512vl-vnni", "avx2-maddubs", "avx512-bf16",
                                    "f16c-fma-512", "f16c-fma-256"])
    }

    /// Units round up, allowing 3 % for a clock measured low: 1.96 → 2, 2.05 → 2, 1.14 → 2, 0.4 → 1.
    @Test func wholeUnitsRoundUpWithAClockMargin() {
        #expect(FlopsProbe.wholeUnits(instructionsPerCycle: 1.96) == 2)
        #expect(FlopsProbe.wholeUnits(instructionsPerCycle: 2.05) == 2)
        #expect(FlopsProbe.wholeUnits(instructionsPerCycle: 1.14) == 2)
        #expect(FlopsProbe.wholeUnits(instructionsPerCycle: 0.4) == 1)
    }

    /// Every path this CPU has runs, returns a finite value, and on one thread stays below its theoretical peak
    /// (units rounded up from its own rate) —
    /// plausibility, not a speed goal.
    @Test func everyAvailablePathRunsOnThisCPU() throws {
        let host = HostInfo.detect()
        let (paths, _) = FlopsProbe.paths(flags: Set(host.cpuFeatures), allPaths: true)
        let sampler = Sampler(minimumSampleSeconds: 0.002, samples: 3)
        let clock = CoreClock.measureHertz(sampler: sampler)
        for path in paths { #expect(path.run(iterations: 100).isFinite, "\(path.id)") }
        let measured = try FlopsProbe(sampler: sampler, clockHertz: clock, vectorBits: host.vectorBits)
            .measure(cpus: Array(host.cpusAvailable.prefix(1)), threadCounts: [1], paths: paths, progress: { _ in })
        for m in measured.measurements {
            #expect(m.flopsPerSecond.best > 0 && m.flopsPerSecond.best <= m.theoreticalFlopsPerSecond * 1.1,
                    "\(m.path ?? "") \(m.flopsPerSecond.best) vs \(m.theoreticalFlopsPerSecond)")
        }
        #expect(Set(measured.measurements.compactMap(\.path)) == Set(["fma"] + paths.map(\.id)))
    }
}
