/// Runs the operators the workload model talks about on this host and holds each against the host roofline.
///
/// Shapes are those of Llama 3.1 8B (hidden 4096, KV width 1024, MLP 14336; 32 query heads, 8 KV heads, head
/// dimension 128). Working sets are sized from the roofline's level capacities: half of L1 (a compute reference),
/// half of L2, half of L3, and main memory at max(8 × L3, 256 MB), each capped at a quarter of available memory.
public struct OperatorSuite: Sendable {
    public enum Kernel: String, Codable, Sendable, CaseIterable {
        case gemm, softmax, kv, rmsnorm
    }

    /// quick: the acceptance set; full: adds prefill GEMMs up to M = 4096 and the MLP width.
    public enum SizeSet: String, Codable, Sendable, CaseIterable {
        case quick, full
    }

    public var kernels: [Kernel]
    public var sizes: SizeSet
    public var threads: Int
    public var samples: Int
    /// Bytes the suite may allocate at once (working sets above it are scaled down or skipped, with a note).
    public var memoryLimitBytes: Double
    /// Who counts each kernel's FLOPs and bytes.
    public var counting: any OperatorCounting

    public init(kernels: [Kernel], sizes: SizeSet, threads: Int, samples: Int, memoryLimitBytes: Double,
                counting: any OperatorCounting = OperatorCounts.Standard()) {
        self.counting = counting
        self.kernels = kernels
        self.sizes = sizes
        self.threads = threads
        self.samples = samples
        self.memoryLimitBytes = memoryLimitBytes
    }

    /// A quarter of the memory available now (/proc/meminfo MemAvailable via sysconf).
    public static func defaultMemoryLimitBytes() -> Double {
        Double(sysconf(Int32(_SC_AVPHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE))) / 4
    }

    /// A working-set size to run the kernels at, and whether their outputs should bypass the caches.
    public struct Target: Sendable, Equatable {
        public var level: String
        public var bytes: Double
        /// True for the main-memory target: inputs are prefetched into L2 ahead of use, and outputs larger than the
        /// last-level cache are written with non-temporal stores, so the bytes moved are the bytes counted (no
        /// write-allocate read).
        public var streamingStores: Bool
    }

    /// Working sets, in bytes: half of each cache level the roofline has a ceiling and a capacity for (L1 serves as
    /// the compute reference), and main memory at max(8 × last-level capacity, 256 MB) capped by
    /// `memoryLimitBytes`. The last-level capacity is the largest cache capacity known (16 MiB when none is).
    public func targets(_ roofline: Roofline) -> [Target] {
        var result: [Target] = []
        var lastLevel = 0.0
        for ceiling in roofline.bandwidthCeilings where ceiling.level != roofline.mainMemoryLevel {
            guard let capacity = ceiling.capacityBytes else { continue }
            result.append(Target(level: ceiling.level, bytes: capacity / 2, streamingStores: false))
            lastLevel = max(lastLevel, capacity)
        }
        if lastLevel == 0 { lastLevel = 16 * 1024 * 1024 }
        result.append(Target(level: roofline.mainMemoryLevel, bytes: min(max(8 * lastLevel, 256e6), memoryLimitBytes),
                             streamingStores: true))
        return result
    }

    /// Runs the checks and the timed kernels; `progress` receives one line per step.
    public func run(roofline: Roofline, features: CPUFeatureReport?, progress: (String) -> Void) throws -> OperatorValidation {
        var notes: [String] = [
            "\(threads) worker\(threads == 1 ? "" : "s") per kernel, pinned one per CPU (OpenBLAS set to the same thread count, its own threads).",
            "Main-memory working sets: inputs prefetched into L2 64 and 32 KiB ahead, outputs written with non-temporal stores; buffers of 4 MiB and more are advised to use transparent huge pages, as the probe's are.",
            "Bytes are counted algorithmically (no write-allocate traffic); predictions use the bandwidth ceiling of the level the working set fits in.",
            "Main-memory kernels are sampled alternately with the load kernel over a working set of the same size (eff window: the prediction from that bandwidth).",
        ]
        progress("checking kernels against references")
        var checks = try OperatorChecks.all()
        var openBLAS: OpenBLASReport?
        if kernels.contains(.gemm) {
            progress("loading OpenBLAS")
            let report = try OpenBLASLibrary.prepare(features: features, threads: threads)
            progress("OpenBLAS core \(report.coreInUse): \(report.fallbackReason ?? report.decision.reason)")
            openBLAS = report
            checks += report.checks
        }
        if let failed = checks.first(where: { !$0.passed }) {
            throw RooflineError.runtime(
                "\(failed.kernel) \(failed.shape) is wrong: error \(failed.error) exceeds \(failed.bound); its timings would mean nothing")
        }
        let sampler = Sampler.standard(samples: samples)
        var measurements: [OperatorMeasurement] = []
        let levels = targets(roofline)
        let team = try OperatorSuite.team(threads: threads)
        let timer = KernelTimer(
            sampler: sampler,
            runner: BandwidthRunner(team: try team ?? ThreadTeam(cpus: Array(Self.availableCPUs().prefix(1))), sampler: sampler),
            roofline: roofline)
        for kernel in kernels {
            switch kernel {
            case .gemm: measurements += try gemm(timer, progress: progress, notes: &notes)
            case .softmax: measurements += try softmax(timer, levels: levels, team: team, progress: progress)
            case .kv: measurements += try kv(timer, levels: levels, team: team, progress: progress)
            case .rmsnorm: measurements += try rmsNorm(timer, levels: levels, team: team, progress: progress)
            }
        }
        let rows = try OperatorValidation.rows(measurements, roofline: roofline)
        let comparisons = OperatorValidation.compare(rows, slower: "softmax materialized fp32", faster: "softmax online fp32")
        return OperatorValidation(roofline: roofline, threads: threads, openBLAS: openBLAS, checks: checks, rows: rows,
                                  comparisons: comparisons, notes: notes)
    }

    /// The CPUs in this process's affinity mask.
    public static func availableCPUs() -> [Int] {
        var cpus = [Int32](repeating: 0, count: 4096)
        let count = Int(roofline_affinity_cpus(&cpus, Int32(cpus.count)))
        return cpus.prefix(min(count, cpus.count)).map(Int.init)
    }

    /// A pinned team on the first `threads` CPUs of this process's affinity mask (nil for one thread).
    static func team(threads: Int) throws -> ThreadTeam? {
        guard threads > 1 else { return nil }
        let cpus = availableCPUs()
        guard cpus.count >= threads else {
            throw RooflineError.usage("--threads \(threads) exceeds the \(cpus.count) CPUs this process may run on: pass --threads \(cpus.count) or fewer")
        }
        return try ThreadTeam(cpus: Array(cpus.prefix(threads)))
    }

    func summary(_ seconds: [Double]) -> SampleSummary { SampleSummary(seconds, higherIsBetter: false) }

    /// Times kernels; for working sets in main memory, alongside the read bandwidth of the same window.
    struct KernelTimer {
        let sampler: Sampler
        /// Runs the `load` kernel on the suite's threads (one pinned thread for a one-thread suite).
        let runner: BandwidthRunner
        /// Decides which working sets are in main memory, as the efficiency rows do
        /// (`OperatorValidation.memoryLevel`), so every main-memory row gets a window and no other row does.
        let roofline: Roofline

        /// Seconds per repetition of `body` (see `Sampler.secondsPerRepetition`). When `workingSetBytes` lives in
        /// main memory, the samples alternate with samples of the read-only `load4` kernel (four streams per thread) over a working
        /// set of the same size, whose bandwidth comes back as `mainMemory`: on a shared machine the bandwidth a
        /// probe saw minutes earlier can differ by ×2, and this is the ceiling of the same stretch of time.
        func seconds(workingSetBytes: Double, progress: (String) -> Void,
                     _ body: (Int) -> Void) throws -> (seconds: [Double], mainMemory: SampleSummary?) {
            guard OperatorValidation.memoryLevel(workingSetBytes: workingSetBytes, roofline: roofline) == roofline.mainMemoryLevel
            else { return (sampler.secondsPerRepetition(body), nil) }
            progress("  with the \(HostProfile.readKernels.last!) kernel over \(Format.bytes(workingSetBytes)), sampled alternately")
            let kernel = try BandwidthKernel.named(HostProfile.readKernels.last!)
            let load = try runner.prepare(kernel, workingSetBytes: Int(workingSetBytes))
            let (kernelSeconds, loadSeconds) = sampler.interleavedSecondsPerRepetition({ repetitions in
                let start = MonotonicClock.now()
                body(repetitions)
                return MonotonicClock.now() - start
            }, load.timing)
            return (kernelSeconds, try load.result(seconds: loadSeconds).algorithmicBytesPerSecond)
        }
    }

    // MARK: GEMM

    /// (family, M, N, K, type) for the size set: decode M = 1 and 16 against the 1024×4096 (k/v) and 4096×4096
    /// (q/o) projections plus a 256×1024 slice that fits L2; prefill 512×4096×4096 and 2048³; fp64 at M = 1 and
    /// 2048³; full adds M = 2048 and 4096 prefill and the 4096→14336 MLP projection.
    func gemmShapes() -> [(family: String, m: Int, n: Int, k: Int, type: DataType)] {
        var shapes: [(String, Int, Int, Int, DataType)] = []
        for m in [1, 16] {
            for (n, k) in [(256, 1024), (1024, 4096), (4096, 4096)] { shapes.append(("sgemm M=\(m)", m, n, k, .fp32)) }
            if sizes == .full { shapes.append(("sgemm M=\(m)", m, 14336, 4096, .fp32)) }
        }
        shapes += [("sgemm prefill", 512, 4096, 4096, .fp32), ("sgemm prefill", 2048, 2048, 2048, .fp32)]
        if sizes == .full {
            shapes += [("sgemm prefill", 2048, 4096, 4096, .fp32), ("sgemm prefill", 4096, 14336, 4096, .fp32)]
        }
        shapes += [("dgemm M=1", 1, 256, 1024, .fp64), ("dgemm M=1", 1, 4096, 4096, .fp64),
                   ("dgemm prefill", 2048, 2048, 2048, .fp64)]
        return shapes.map { (family: $0.0, m: $0.1, n: $0.2, k: $0.3, type: $0.4) }
    }

    func gemm(_ timer: KernelTimer, progress: (String) -> Void, notes: inout [String]) throws -> [OperatorMeasurement] {
        var result: [OperatorMeasurement] = []
        for shape in gemmShapes() {
            let e = shape.type.bytesPerElement
            let workingSet = Double(shape.m * shape.k + shape.k * shape.n + shape.m * shape.n) * e
            let label = "M=\(shape.m) N=\(shape.n) K=\(shape.k)"
            guard workingSet <= memoryLimitBytes else {
                notes.append("skipped \(shape.family) \(label): \(Format.bytes(workingSet)) exceeds the memory limit \(Format.bytes(memoryLimitBytes))")
                continue
            }
            progress("\(shape.family) \(label)")
            let (op, countedBy) = counting.matmul(name: "\(shape.family) \(label)", m: shape.m, n: shape.n, k: shape.k,
                                                  dataType: shape.type)
            let seconds: (seconds: [Double], mainMemory: SampleSummary?)
            if shape.type == .fp64 {
                let a = try OperatorBuffer<Double>(count: shape.m * shape.k), b = try OperatorBuffer<Double>(count: shape.k * shape.n)
                let c = try OperatorBuffer<Double>(count: shape.m * shape.n)
                var random = OperatorRandom(seed: 7)
                for i in 0..<a.count { a.pointer[i] = Double(random.nonZero(-1, 1)) }
                for i in 0..<b.count { b.pointer[i] = Double(random.nonZero(-1, 1)) }
                seconds = try timer.seconds(workingSetBytes: workingSet, progress: progress) { repetitions in
                    for _ in 0..<repetitions {
                        GEMMKernel.dgemm(m: shape.m, n: shape.n, k: shape.k, a: a.pointer, b: b.pointer, c: c.pointer)
                    }
                }
            } else {
                let a = try OperatorBuffer<Float>(count: shape.m * shape.k), b = try OperatorBuffer<Float>(count: shape.k * shape.n)
                let c = try OperatorBuffer<Float>(count: shape.m * shape.n)
                a.fillRandom(-1, 1, seed: 1)
                b.fillRandom(-1, 1, seed: 2)
                seconds = try timer.seconds(workingSetBytes: workingSet, progress: progress) { repetitions in
                    for _ in 0..<repetitions {
                        GEMMKernel.sgemm(m: shape.m, n: shape.n, k: shape.k, a: a.pointer, b: b.pointer, c: c.pointer)
                    }
                }
            }
            result.append(OperatorMeasurement(family: shape.family, shape: label, storageType: shape.type, operator: op,
                                              countedBy: countedBy, workingSetBytes: workingSet, threads: threads,
                                              seconds: summary(seconds.seconds), mainMemoryReference: seconds.mainMemory))
        }
        return result
    }

    // MARK: Softmax

    /// Rows of 1,024 scores (a 1,024-token prompt's attention rows); rows = working set ÷ (2 × 1,024 × 4 B),
    /// at least one per thread.
    func softmax(_ timer: KernelTimer, levels: [Target], team: ThreadTeam?,
                 progress: (String) -> Void) throws -> [OperatorMeasurement] {
        let length = 1024
        var result: [OperatorMeasurement] = []
        for target in levels {
            let rows = max(threads, Int(target.bytes / Double(2 * length * 4)))
            let s = try OperatorBuffer<Float>(count: rows * length), p = try OperatorBuffer<Float>(count: rows * length)
            let rowMax = try OperatorBuffer<Float>(count: rows), rowSum = try OperatorBuffer<Float>(count: rows)
            s.fillRandom(-8, 8, seed: 3)
            for variant in [OperatorCounts.SoftmaxVariant.online, .materialized] {
                let label = "\(rows)×\(length)"
                progress("softmax \(variant.rawValue) \(label) (\(target.level))")
                let (op, countedBy) = counting.softmax(name: "softmax \(variant.rawValue) \(label)", rows: rows, length: length,
                                                dataType: .fp32, variant: variant)
                let streaming = target.streamingStores
                let workingSet = Double(s.bytes + p.bytes)
                let (seconds, window) = try timer.seconds(workingSetBytes: workingSet, progress: progress) { repetitions in
                    SoftmaxKernel.run(variant, s: s.pointer, p: p.pointer, rows: rows, length: length,
                                      rowMax: rowMax.pointer, rowSum: rowSum.pointer, threads: threads, team: team,
                                      repetitions: repetitions, mainMemory: streaming)
                }
                result.append(OperatorMeasurement(
                    family: "softmax \(variant.rawValue) fp32", shape: label, storageType: .fp32, operator: op,
                    countedBy: countedBy,
                    workingSetBytes: workingSet, threads: threads, seconds: summary(seconds), mainMemoryReference: window))
            }
        }
        return result
    }

    // MARK: Decode attention

    /// Llama 3.1 8B: 32 query heads, 8 KV heads, d = 128; context = working set ÷ (2 × 8 × 128 × e), rounded down
    /// to whole 16-token key tiles (so the bytes read are the bytes counted), at least 16.
    /// The L1 target is skipped (one token of K and V for all heads is 4–8 KiB; the L2 row is the reference).
    func kv(_ timer: KernelTimer, levels: [Target], team: ThreadTeam?, progress: (String) -> Void) throws -> [OperatorMeasurement] {
        let (heads, kvHeads, headDim) = (32, 8, 128)
        var result: [OperatorMeasurement] = []
        for target in levels where target.level != "L1" {
            result.append(try kvRun(Float.self, target: target, heads: heads, kvHeads: kvHeads, headDim: headDim,
                                    timer: timer, team: team, progress: progress))
            result.append(try kvRun(BFloat16.self, target: target, heads: heads, kvHeads: kvHeads, headDim: headDim,
                                    timer: timer, team: team, progress: progress))
        }
        return result
    }

    func kvRun<E: KVElement>(_ type: E.Type, target: Target, heads: Int, kvHeads: Int,
                             headDim: Int, timer: KernelTimer, team: ThreadTeam?,
                             progress: (String) -> Void) throws -> OperatorMeasurement {
        let perToken = Double(2 * kvHeads * headDim) * E.dataType.bytesPerElement
        let context = max(16, Int(target.bytes / perToken) / 16 * 16)
        let label = "H=\(heads) KV=\(kvHeads) d=\(headDim) C=\(context)"
        progress("decode attention \(E.dataType.rawValue) \(label) (\(target.level))")
        let q = try OperatorBuffer<Float>(count: heads * headDim), out = try OperatorBuffer<Float>(count: heads * headDim)
        // Context is whole tiles, so the tiled K has exactly as many elements as V; random values need no tiling.
        let tiled = DecodeAttentionKernel.keyTileCount(kvHeads: kvHeads, context: context, headDim: headDim)
        let k = try OperatorBuffer<E>(count: tiled)
        let v = try OperatorBuffer<E>(count: kvHeads * context * headDim)
        q.fillRandom(-1, 1, seed: 4)
        var random = OperatorRandom(seed: 5)
        for i in 0..<v.count {
            k.pointer[i] = E(random.nonZero(-1, 1))
            v.pointer[i] = E(random.nonZero(-1, 1))
        }
        var failure: Error?
        let workingSet = Double(k.bytes + v.bytes + q.bytes + out.bytes)
        let (seconds, window) = try timer.seconds(workingSetBytes: workingSet, progress: progress) { repetitions in
            do {
                try DecodeAttentionKernel.run(q: q.pointer, k: k.pointer, v: v.pointer, out: out.pointer, heads: heads,
                                              kvHeads: kvHeads, headDim: headDim, context: context, threads: threads,
                                              team: team, repetitions: repetitions, mainMemory: target.streamingStores)
            } catch { failure = error }
        }
        if let failure { throw failure }
        let (op, countedBy) = counting.decodeAttention(name: "decode attention \(E.dataType.rawValue) \(label)", heads: heads,
                                                kvHeads: kvHeads, headDim: headDim, context: context, kvType: E.dataType)
        return OperatorMeasurement(
            family: "decode attention \(E.dataType.rawValue) KV", shape: label, storageType: E.dataType, operator: op,
            countedBy: countedBy,
            workingSetBytes: workingSet, threads: threads, seconds: summary(seconds), mainMemoryReference: window)
    }

    // MARK: RMSNorm

    /// Rows of 4,096 (Llama 3.1 8B's hidden size); rows = working set ÷ (2 × 4,096 × 4 B); the L1 reference uses
    /// rows of 1,024 so that each thread has rows of its own.
    func rmsNorm(_ timer: KernelTimer, levels: [Target], team: ThreadTeam?,
                 progress: (String) -> Void) throws -> [OperatorMeasurement] {
        var result: [OperatorMeasurement] = []
        for target in levels {
            let hidden = target.level == "L1" ? 1024 : 4096
            let rows = max(threads, Int(target.bytes / Double(2 * hidden * 4)))
            let label = "\(rows)×\(hidden)"
            progress("rmsnorm \(label) (\(target.level))")
            let x = try OperatorBuffer<Float>(count: rows * hidden), y = try OperatorBuffer<Float>(count: rows * hidden)
            let w = try OperatorBuffer<Float>(count: hidden)
            x.fillRandom(-2, 2, seed: 6)
            w.fillRandom(0.5, 1.5, seed: 7)
            let streaming = target.streamingStores
            let workingSet = Double(x.bytes + y.bytes + w.bytes)
            let (seconds, window) = try timer.seconds(workingSetBytes: workingSet, progress: progress) { repetitions in
                RMSNormKernel.run(x: x.pointer, w: w.pointer, y: y.pointer, rows: rows, hidden: hidden, epsilon: 1e-5,
                                  threads: threads, team: team, repetitions: repetitions, mainMemory: streaming)
            }
            let (op, countedBy) = counting.rmsNorm(name: "rmsnorm \(label)", rows: rows, hidden: hidden, dataType: .fp32)
            result.append(OperatorMeasurement(
                family: "rmsnorm fp32", shape: label, storageType: .fp32, operator: op, countedBy: countedBy,
                workingSetBytes: workingSet, threads: threads, seconds: summary(seconds), mainMemoryReference: window))
        }
        return result
    }
}
