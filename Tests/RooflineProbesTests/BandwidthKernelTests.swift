import Testing
@testable import RooflineProbes

@Suite struct BandwidthKernelTests {
    @Test func catalogDescribesEveryKernelAsData() throws {
        let names = BandwidthKernel.all.map(\.name)
        #expect(names == ["load", "load4", "store", "store_nt", "copy", "copy_nt", "scale", "scale_nt", "add", "add_nt", "triad", "triad_nt"])
        let load4 = try BandwidthKernel.named("load4")
        #expect(load4.algorithmicBytesPerElement == 8 && load4.hardwareBytesPerElement == 8 && load4.arrayCount == 1)
        let triad = try BandwidthKernel.named("triad")
        #expect(triad.algorithmicBytesPerElement == 24)  // STREAM: 3 arrays × 8 bytes
        #expect(triad.hardwareBytesPerElement == 32)     // + write-allocate read of a
        #expect(triad.flopsPerElement == 2)
        let triadNT = try BandwidthKernel.named("triad_nt")
        #expect(triadNT.hardwareBytesPerElement == 24)   // streaming stores: no write-allocate
        #expect(try BandwidthKernel.named("load").hardwareBytesPerElement == 8)
        #expect(try BandwidthKernel.named("store").hardwareBytesPerElement == 16)
    }

    @Test func unknownKernelIsAUsageError() {
        #expect(throws: RooflineError.self) { try BandwidthKernel.named("tirad") }
        do { _ = try BandwidthKernel.named("tirad") } catch let error as RooflineError {
            #expect(error.category == .usage)
            #expect(error.message.contains("triad"))
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test(arguments: BandwidthKernel.all)
    func everyKernelProducesValidatedResultsOnTwoThreads(kernel: BandwidthKernel) throws {
        let cpus = Array(HostInfo.affinityCPUs().prefix(2))
        let team = try ThreadTeam(cpus: cpus)
        // Best of 5 short samples: a plausibility check, so one sample in which the other thread was descheduled
        // (a busy 2-CPU machine) must not decide it.
        let runner = BandwidthRunner(team: team, sampler: Sampler(minimumSampleSeconds: 0.0005, samples: 5))
        let m = try runner.measure(kernel, workingSetBytes: 48 << 10)
        #expect(m.threads == cpus.count)
        #expect(m.algorithmicBytesPerSecond.best > 1e8)   // more than 0.1 GB/s
        #expect(m.algorithmicBytesPerSecond.best < 1e13)  // less than 10 TB/s
        #expect(m.algorithmicBytesPerSecond.worst <= m.algorithmicBytesPerSecond.best)
        let ratio = m.hardwareBytesPerSecond.best / m.algorithmicBytesPerSecond.best
        #expect(ratio.isApproximatelyEqual(to: Double(kernel.hardwareBytesPerElement) / Double(kernel.algorithmicBytesPerElement),
                                           relativeTolerance: 1e-12))
    }

    @Test func validationCatchesAWrongElement() throws {
        let kernel = try BandwidthKernel.named("triad")
        let vectors = 16
        let a = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: vectors)
        let b = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: vectors)
        let c = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: vectors)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        let arrays = BandwidthArrays(a: a, b: b, c: c, vectors: vectors, firstElement: 40)
        arrays.initialize(for: kernel)
        #expect(kernel.validate(arrays, loadSum: 0) != nil)  // before the run a holds −1
        _ = kernel.runPass(arrays)
        #expect(kernel.validate(arrays, loadSum: 0) == nil)
        // a[i] = b[i] + 3 c[i] with b = i%7+1, c = i%5+2 at global index 40: 6 + 3·2 = 12
        #expect(a[0][0] == 12)
        a[3][5] += 1
        let problem = kernel.validate(arrays, loadSum: 0)
        #expect(problem?.contains("element \(40 + 3 * 8 + 5)") == true)
    }

    @Test func loadSumIsExact() throws {
        let kernel = try BandwidthKernel.named("load")
        let vectors = 8
        let b = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: vectors)
        defer { b.deallocate() }
        let arrays = BandwidthArrays(a: b, b: b, c: b, vectors: vectors, firstElement: 0)
        arrays.initialize(for: kernel)
        let sum = kernel.runPass(arrays)
        // 64 elements of i%7+1: nine full cycles (1…7 sums to 28) plus 1 → 9·28 + 1 = 253
        #expect(sum == 253)
        #expect(kernel.validate(arrays, loadSum: sum) == nil)
        #expect(kernel.validate(arrays, loadSum: sum + 1) != nil)
    }
}
