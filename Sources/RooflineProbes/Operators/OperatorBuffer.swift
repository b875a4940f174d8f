import Dispatch

/// A 64-byte-aligned array of `count` elements, freed when the last reference goes. Kernels take its pointer.
/// Buffers of 4 MiB and more are 2 MiB-aligned and advised to use transparent huge pages, as the bandwidth
/// probe's are, so kernel and ceiling pay the same (small) TLB cost.
public final class OperatorBuffer<Element>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Element>
    public let count: Int

    static var hugePageBytes: Int { 2 << 20 }

    /// Allocates `count` elements (uninitialised; fill before reading). Throws a runtime error when memory is short.
    public init(count: Int) throws {
        precondition(count > 0)
        var raw: UnsafeMutableRawPointer?
        let bytes = count * MemoryLayout<Element>.stride
        let huge = bytes >= 2 * Self.hugePageBytes
        guard posix_memalign(&raw, huge ? Self.hugePageBytes : 64, bytes) == 0, let raw else {
            throw RooflineError.runtime("cannot allocate \(Format.bytes(Double(bytes))) for an operator buffer: use smaller sizes")
        }
        if huge { _ = madvise(raw, bytes / Self.hugePageBytes * Self.hugePageBytes, 14 /* MADV_HUGEPAGE */) }
        pointer = raw.bindMemory(to: Element.self, capacity: count)
        self.count = count
    }

    deinit { free(pointer) }

    public var bytes: Int { count * MemoryLayout<Element>.stride }
}

/// A deterministic pseudo-random source (SplitMix64) for kernel inputs: reproducible, never all zeros.
public struct OperatorRandom: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * Float(next() >> 40) / Float(1 << 24)
    }

    /// Uniform in [low, high), never within `gap` of 0 (so no input is zero).
    public mutating func nonZero(_ low: Float, _ high: Float, gap: Float = 1e-3) -> Float {
        while true {
            let v = uniform(low, high)
            if abs(v) >= gap { return v }
        }
    }
}

extension OperatorBuffer where Element == Float {
    /// Fills with values uniform in [low, high), none near zero.
    public func fillRandom(_ low: Float, _ high: Float, seed: UInt64) {
        var random = OperatorRandom(seed: seed)
        for i in 0..<count { pointer[i] = random.nonZero(low, high) }
    }
}

/// Splits work over threads for the operator kernels: a pinned `ThreadTeam` when one is given (what the suite
/// uses, like the bandwidth probe), else `DispatchQueue.concurrentPerform` (unpinned; the checks and tests).
/// One hand-off per timed sample; the kernels repeat inside each worker.
enum OperatorThreads {
    /// Runs `body(worker)` for every worker and returns when all are done. The kernels give each worker a
    /// disjoint slice of their output, which is what makes sharing the non-Sendable closure safe: it is treated as
    /// `@Sendable` for the duration of the call only.
    static func run(_ threads: Int, team: ThreadTeam?, _ body: (Int) -> Void) {
        if threads == 1 {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let shared = unsafeBitCast(escapable, to: (@Sendable (Int) -> Void).self)
            if let team, team.count == threads {
                team.run(shared)
            } else {
                DispatchQueue.concurrentPerform(iterations: threads, execute: shared)
            }
        }
    }

    /// The slice [start, end) of `total` items that worker `index` of `threads` owns.
    static func slice(_ total: Int, worker index: Int, of threads: Int) -> Range<Int> {
        (total * index / threads)..<(total * (index + 1) / threads)
    }
}
