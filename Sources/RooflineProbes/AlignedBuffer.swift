import CNuma

/// Page-aligned memory for probe arrays, optionally bound to a NUMA node. Large buffers are aligned to 2 MiB
/// and advised to use transparent huge pages, so DRAM kernels are not limited by TLB misses.
final class AlignedBuffer: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    let bytes: Int
    private let numaNode: Int?

    static let hugePageBytes = 2 << 20

    /// Allocates `bytes` (rounded up to a page). Pages are placed by first touch unless `numaNode` is given,
    /// in which case libnuma binds them to that node. Throws when memory is not available.
    init(bytes requested: Int, numaNode: Int? = nil) throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let alignment = requested >= 2 * Self.hugePageBytes ? Self.hugePageBytes : page
        bytes = (requested + alignment - 1) / alignment * alignment
        self.numaNode = numaNode
        if let numaNode {
            guard let pointer = numa_alloc_onnode(bytes, Int32(numaNode)) else {
                throw RooflineError.runtime("cannot allocate \(bytes) bytes on NUMA node \(numaNode): use a smaller --dram-size")
            }
            raw = pointer
        } else {
            var pointer: UnsafeMutableRawPointer?
            guard posix_memalign(&pointer, alignment, bytes) == 0, let pointer else {
                throw RooflineError.runtime("cannot allocate \(bytes) bytes: use a smaller --dram-size")
            }
            raw = pointer
        }
        if alignment == Self.hugePageBytes { _ = madvise(raw, bytes, 14 /* MADV_HUGEPAGE */) }
    }

    deinit {
        if numaNode != nil { numa_free(raw, bytes) } else { free(raw) }
    }

    /// The buffer as 64-byte vectors of doubles, starting `offsetBytes` in (a multiple of 64).
    func vectors(offsetBytes: Int = 0) -> UnsafeMutablePointer<SIMD8<Double>> {
        (raw + offsetBytes).bindMemory(to: SIMD8<Double>.self, capacity: (bytes - offsetBytes) / 64)
    }
}
