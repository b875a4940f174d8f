/// The arrays one thread streams through: `a` is written, `b` and `c` are read. Pointers to 64-byte vectors of
/// eight doubles; `vectors` is a multiple of `BandwidthArrays.vectorGranule`.
public struct BandwidthArrays: @unchecked Sendable {
    public var a: UnsafeMutablePointer<SIMD8<Double>>
    public var b: UnsafeMutablePointer<SIMD8<Double>>
    public var c: UnsafeMutablePointer<SIMD8<Double>>
    public var vectors: Int
    /// Index of this slice's first element in the whole array (for validation values).
    public var firstElement: Int

    /// Loops are unrolled over this many vectors; slices are sized in multiples of it.
    public static let vectorGranule = 8

    public init(a: UnsafeMutablePointer<SIMD8<Double>>, b: UnsafeMutablePointer<SIMD8<Double>>,
                c: UnsafeMutablePointer<SIMD8<Double>>, vectors: Int, firstElement: Int) {
        self.a = a
        self.b = b
        self.c = c
        self.vectors = vectors
        self.firstElement = firstElement
    }
}

/// The scalar the kernels use (s in a = s × b, a = b + s × c, a = s).
let kernelScalar = 3.0

extension BandwidthKernel {
    /// Runs one pass of the kernel over `arrays` and returns the load kernel's sum (0 for the others).
    /// Each pass is a separate non-inlined call so repetitions cannot be fused or hoisted.
    @inline(__always)
    public func runPass(_ arrays: BandwidthArrays) -> Double {
        switch (operation, store) {
        case (.load, _): return loadPass(arrays.b, arrays.vectors)
        case (.load4, _): return loadPass4(arrays.b, arrays.vectors)
        case (.store, .normal): storePass(arrays.a, arrays.vectors)
        case (.store, .nonTemporal): storePassNT(arrays.a, arrays.vectors)
        case (.copy, .normal): copyPass(arrays.a, arrays.b, arrays.vectors)
        case (.copy, .nonTemporal): copyPassNT(arrays.a, arrays.b, arrays.vectors)
        case (.scale, .normal): scalePass(arrays.a, arrays.b, arrays.vectors)
        case (.scale, .nonTemporal): scalePassNT(arrays.a, arrays.b, arrays.vectors)
        case (.add, .normal): addPass(arrays.a, arrays.b, arrays.c, arrays.vectors)
        case (.add, .nonTemporal): addPassNT(arrays.a, arrays.b, arrays.c, arrays.vectors)
        case (.triad, .normal): triadPass(arrays.a, arrays.b, arrays.c, arrays.vectors)
        case (.triad, .nonTemporal): triadPassNT(arrays.a, arrays.b, arrays.c, arrays.vectors)
        }
        return 0
    }
}

// The loops. Eight vectors (512 bytes) per iteration, written out so LLVM keeps them as vector loads and stores
// (a single-store loop can be turned into a memcpy/memset call, which may switch to streaming stores).
// Streaming-store loops do not fence: the caller fences once after its repetitions (`BandwidthKernel.finish`), as a
// fence per pass would stall every short in-cache pass on draining the write-combining buffers.

@inline(never)
func loadPass(_ b: UnsafeMutablePointer<SIMD8<Double>>, _ n: Int) -> Double {
    var s0 = SIMD8<Double>(), s1 = SIMD8<Double>(), s2 = SIMD8<Double>(), s3 = SIMD8<Double>()
    var s4 = SIMD8<Double>(), s5 = SIMD8<Double>(), s6 = SIMD8<Double>(), s7 = SIMD8<Double>()
    var i = 0
    while i < n {
        s0 += b[i]; s1 += b[i + 1]; s2 += b[i + 2]; s3 += b[i + 3]
        s4 += b[i + 4]; s5 += b[i + 5]; s6 += b[i + 6]; s7 += b[i + 7]
        i += 8
    }
    return (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))).sum()
}

/// `loadPass` over four streams: quarters of the slice (a multiple of 2 vectors each, as slices are multiples of 8)
/// read side by side, two vectors from each per iteration.
@inline(never)
func loadPass4(_ b: UnsafeMutablePointer<SIMD8<Double>>, _ n: Int) -> Double {
    var s0 = SIMD8<Double>(), s1 = SIMD8<Double>(), s2 = SIMD8<Double>(), s3 = SIMD8<Double>()
    var s4 = SIMD8<Double>(), s5 = SIMD8<Double>(), s6 = SIMD8<Double>(), s7 = SIMD8<Double>()
    let q = n / 4
    let b1 = b + q, b2 = b + 2 * q, b3 = b + 3 * q
    var i = 0
    while i < q {
        s0 += b[i]; s1 += b[i + 1]; s2 += b1[i]; s3 += b1[i + 1]
        s4 += b2[i]; s5 += b2[i + 1]; s6 += b3[i]; s7 += b3[i + 1]
        i += 2
    }
    return (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))).sum()
}

@inline(never)
func storePass(_ a: UnsafeMutablePointer<SIMD8<Double>>, _ n: Int) {
    let v = SIMD8<Double>(repeating: kernelScalar)
    var i = 0
    while i < n {
        a[i] = v; a[i + 1] = v; a[i + 2] = v; a[i + 3] = v
        a[i + 4] = v; a[i + 5] = v; a[i + 6] = v; a[i + 7] = v
        i += 8
    }
}

@inline(__always)
private func stream(_ p: UnsafeMutablePointer<SIMD8<Double>>, _ v: SIMD8<Double>) {
    roofline_stream_f64x8(UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self), v)
}

@inline(never)
func storePassNT(_ a: UnsafeMutablePointer<SIMD8<Double>>, _ n: Int) {
    let v = SIMD8<Double>(repeating: kernelScalar)
    var i = 0
    while i < n {
        stream(a + i, v); stream(a + i + 1, v); stream(a + i + 2, v); stream(a + i + 3, v)
        stream(a + i + 4, v); stream(a + i + 5, v); stream(a + i + 6, v); stream(a + i + 7, v)
        i += 8
    }
}

@inline(never)
func copyPass(_ a: UnsafeMutablePointer<SIMD8<Double>>, _ b: UnsafeMutablePointer<SIMD8<Double>>, _ n: Int) {
    var i = 0
    while i < n {
        let x0 = b[i], x1 = b[i + 1], x2 = b[i + 2], x3 = b[i + 3]
        let x4 = b[i + 4], x5 = b[i + 5], x6 = b[i + 6], x7 = b[i + 7]
        a[i] = x0; a[i + 1] = x1; a[i + 2] = x2; a[i + 3] = x3
        a[i + 4] = x4; a[i + 5] = x5; a[i + 6] = x6; a[i + 7] = x7
        i += 8
    }
}

@inline(never)
func copyPassNT(_ a: UnsafeMutablePointer<SIMD8<Double>>, _ b: UnsafeMutablePointer<SIMD8<Double>>, _ n: Int) {
    // Four loads, then their four streaming stores, twice per iteration: on Zen 5 eight loads ahead of eight
    // streaming stores copy DRAM at 51 GB/s with 2 threads, four ahead of four at 60 GB/s (likwid-bench's
    // copy_mem_avx512 interleaves the same way: 57 GB/s); in a C loop with the same instructions as well.
    var i = 0
    while i < n {
        let x0 = b[i], x1 = b[i + 1], x2 = b[i + 2], x3 = b[i + 3]
        stream(a + i, x0); stream(a + i + 1, x1); stream(a + i + 2, x2); stream(a + i + 3, x3)
        let x4 = b[i + 4], x5 = b[i + 5], x6 = b[i + 6], x7 = b[i + 7]
        stream(a + i + 4, x4); stream(a + i + 5, x5); stream(a + i + 6, x6); stream(a + i + 7, x7)
        i += 8
    }
}

@inline(never)
func scalePass(_ a: UnsafeMutablePointer<SIMD8<Double>>, _ b: UnsafeMutablePointer<SIMD8<Double>>, _ n: Int) {
    let s = SIMD8<Double>(repeating: kernelScalar)
    var i = 0
    while i < n {
        a[i] = s * b[i]; a[i + 1] = s * b[i + 1]; a[i + 2] = s * b[i + 2]; a[i + 3] = s * b[i + 3]
        a[i + 4] = s * b[i + 4]; a[i + 5] = s * b[i + 5]; a[i + 6] = s * b[i + 6]; a[i + 7] = s * b[i + 7]
        i += 8
    }
}

@inline(never)
func scalePassNT(_ a: UnsafeMutablePointer<SIMD8<Double>>, _ b: UnsafeMutablePointer<SIMD8<Double>>, _ n: Int) {
    let s = SIMD8<Double>(repeating: kernelScalar)
    var i = 0
    while i < n {
        stream(a + i, s * b[i]); stream(a + i + 1, s * b[i + 1]); stream(a + i + 2, s * b[i + 2])
        stream(a + i + 3, s * b[i + 3]); stream(a + i + 4, s * b[i + 4]); stream(a + i + 5, s * b[i + 5])
        stream(a + i + 6, s * b[i + 6]); stream(a + i + 7, s * b[i + 7])
        i += 8
    }
}

@inline(never)
func addPass(_ a: UnsafeMutablePointer<SIMD8<Double>>, _ b: UnsafeMutablePointer<SIMD8<Double>>,
             _ c: UnsafeMutablePointer<SIMD8<Double>>, _ n: Int) {
    var i = 0
    while i < n {
        a[i] = b[i] + c[i]; a[i + 1] = b[i + 1] + c[i + 1]; a[i + 2] = b[i + 2] + c[i + 2]
        a[i + 3] = b[i + 3] + c[i + 3]; a[i + 4] = b[i + 4] + c[i + 4]; a[i + 5] = b[i + 5] + c[i + 5]
        a[i + 6] = b[i + 6] + c[i + 6]; a[i + 7] = b[i + 7] + c[i + 7]
        i += 8
    }
}

@inline(never)
func addPassNT(_ a: UnsafeMutablePointer<SIMD8<Double>>, _ b: UnsafeMutablePointer<SIMD8<Double>>,
               _ c: UnsafeMutablePointer<SIMD8<Double>>, _ n: Int) {
    var i = 0
    while i < n {
        stream(a + i, b[i] + c[i]); stream(a + i + 1, b[i + 1] + c[i + 1]); stream(a + i + 2, b[i + 2] + c[i + 2])
        stream(a + i + 3, b[i + 3] + c[i + 3]); stream(a + i + 4, b[i + 4] + c[i + 4])
        stream(a + i + 5, b[i + 5] + c[i + 5]); stream(a + i + 6, b[i + 6] + c[i + 6])
        stream(a + i + 7, b[i + 7] + c[i + 7])
        i += 8
    }
}

@inline(never)
func triadPass(_ a: UnsafeMutablePointer<SIMD8<Double>>, _ b: UnsafeMutablePointer<SIMD8<Double>>,
               _ c: UnsafeMutablePointer<SIMD8<Double>>, _ n: Int) {
    let s = SIMD8<Double>(repeating: kernelScalar)
    var i = 0
    while i < n {
        a[i] = b[i] + s * c[i]; a[i + 1] = b[i + 1] + s * c[i + 1]; a[i + 2] = b[i + 2] + s * c[i + 2]
        a[i + 3] = b[i + 3] + s * c[i + 3]; a[i + 4] = b[i + 4] + s * c[i + 4]; a[i + 5] = b[i + 5] + s * c[i + 5]
        a[i + 6] = b[i + 6] + s * c[i + 6]; a[i + 7] = b[i + 7] + s * c[i + 7]
        i += 8
    }
}

@inline(never)
func triadPassNT(_ a: UnsafeMutablePointer<SIMD8<Double>>, _ b: UnsafeMutablePointer<SIMD8<Double>>,
                 _ c: UnsafeMutablePointer<SIMD8<Double>>, _ n: Int) {
    let s = SIMD8<Double>(repeating: kernelScalar)
    var i = 0
    while i < n {
        stream(a + i, b[i] + s * c[i]); stream(a + i + 1, b[i + 1] + s * c[i + 1])
        stream(a + i + 2, b[i + 2] + s * c[i + 2]); stream(a + i + 3, b[i + 3] + s * c[i + 3])
        stream(a + i + 4, b[i + 4] + s * c[i + 4]); stream(a + i + 5, b[i + 5] + s * c[i + 5])
        stream(a + i + 6, b[i + 6] + s * c[i + 6]); stream(a + i + 7, b[i + 7] + s * c[i + 7])
        i += 8
    }
}

extension BandwidthKernel {
    /// Makes the streaming stores of the passes before it globally visible (sfence on x86); nothing for normal stores.
    @inline(__always)
    public func finish() {
        if store == .nonTemporal { roofline_store_fence() }
    }
}

// Initial values and validation.

extension BandwidthArrays {
    /// Value of b at global element index i: small integers so sums stay exact.
    @inline(__always) static func bValue(_ i: Int) -> Double { Double(i % 7 + 1) }
    /// Value of c at global element index i.
    @inline(__always) static func cValue(_ i: Int) -> Double { Double(i % 5 + 2) }

    /// Writes the initial values of the arrays `kernel` uses (this is the first touch: run it on the thread that
    /// owns the slice).
    public func initialize(for kernel: BandwidthKernel) {
        for v in 0..<vectors {
            var bv = SIMD8<Double>(), cv = SIMD8<Double>()
            for lane in 0..<8 {
                let i = firstElement + v * 8 + lane
                bv[lane] = Self.bValue(i)
                cv[lane] = Self.cValue(i)
            }
            if kernel.usesA { a[v] = SIMD8<Double>(repeating: -1) }
            if kernel.usesB { b[v] = bv }
            if kernel.usesC { c[v] = cv }
        }
    }

    /// Sum of b over the slice, exactly (for checking the load kernel).
    public func expectedLoadSum() -> Double {
        var sum = 0.0
        for v in 0..<vectors * 8 { sum += Self.bValue(firstElement + v) }
        return sum
    }
}

extension BandwidthKernel {
    /// Checks the output array (or the load kernel's sum) against what the kernel must have produced.
    /// Returns a description of the first wrong element, or nil when everything is right.
    public func validate(_ arrays: BandwidthArrays, loadSum: Double) -> String? {
        if operation == .load || operation == .load4 {
            let expected = arrays.expectedLoadSum()
            return loadSum == expected ? nil : "load sum \(loadSum), expected \(expected)"
        }
        let s = kernelScalar
        for v in 0..<arrays.vectors {
            let got = arrays.a[v]
            for lane in 0..<8 {
                let i = arrays.firstElement + v * 8 + lane
                let b = BandwidthArrays.bValue(i), c = BandwidthArrays.cValue(i)
                let expected: Double
                switch operation {
                case .load, .load4: expected = 0
                case .store: expected = s
                case .copy: expected = b
                case .scale: expected = s * b
                case .add: expected = b + c
                case .triad: expected = b + s * c
                }
                if got[lane] != expected {
                    return "\(name): element \(i) is \(got[lane]), expected \(expected)"
                }
            }
        }
        return nil
    }
}
