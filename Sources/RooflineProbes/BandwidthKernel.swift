/// How a kernel writes its output array.
public enum StoreKind: String, Codable, Sendable {
    /// Ordinary stores: the cache line is read first (write-allocate), so the hardware moves one extra read per store.
    case normal
    /// Streaming (non-temporal) stores: written straight to memory, no write-allocate read.
    case nonTemporal = "non-temporal"
}

/// The loop a kernel runs; the arithmetic per element is in `BandwidthKernel`.
public enum KernelOperation: String, Codable, Sendable, CaseIterable {
    /// s += b[i]
    case load
    /// s += b[i] over four streams per thread: the slice's quarters read side by side, so more of the hardware
    /// prefetcher's streams and more misses are in flight than one sequential stream keeps (engines read several
    /// weight rows at once; a one-stream read ceiling was beaten by them).
    case load4
    /// a[i] = s
    case store
    /// a[i] = b[i]
    case copy
    /// a[i] = s × b[i]
    case scale
    /// a[i] = b[i] + c[i]
    case add
    /// a[i] = b[i] + s × c[i]
    case triad
}

/// A bandwidth kernel described as data, like likwid-bench's: which arrays it reads and writes,
/// and the bytes and FLOPs per element. Every array holds fp64 (8 bytes per element).
public struct BandwidthKernel: Sendable, Equatable, Codable {
    public var name: String
    public var operation: KernelOperation
    public var arraysRead: Int
    public var arraysWritten: Int
    public var flopsPerElement: Int
    public var store: StoreKind
    /// The likwid-bench kernel that does the same work with the same kind of stores (for the peer benchmark).
    public var likwidPeer: String?

    public static let bytesPerElementPerArray = 8

    /// Bytes counted per element the STREAM/likwid way: (arrays read + arrays written) × 8.
    public var algorithmicBytesPerElement: Int { (arraysRead + arraysWritten) * Self.bytesPerElementPerArray }

    /// Bytes the memory system moves per element: algorithmic bytes + 8 per normally stored array
    /// (the write-allocate read of the destination line); streaming stores add nothing.
    public var hardwareBytesPerElement: Int {
        algorithmicBytesPerElement + (store == .normal ? arraysWritten * Self.bytesPerElementPerArray : 0)
    }

    /// Whether the kernel writes array a, reads b, reads c.
    public var usesA: Bool { arraysWritten > 0 }
    public var usesB: Bool { arraysRead >= 1 }
    public var usesC: Bool { arraysRead >= 2 }

    /// Number of distinct arrays the kernel touches (the working set is this × elements × 8 bytes).
    public var arrayCount: Int { arraysRead + arraysWritten }

    /// Every kernel the probe knows: load, store, copy, scale, add, triad, and a streaming-store variant of each
    /// kernel that stores (suffix `_nt`).
    public static let all: [BandwidthKernel] = {
        let base: [(KernelOperation, Int, Int, Int, String?, String?)] = [
            // operation, read, written, flops, likwid normal peer, likwid streaming peer
            (.load, 1, 0, 0, "load_avx512", nil),
            (.load4, 1, 0, 0, nil, nil),
            (.store, 0, 1, 0, "store_avx512", "store_mem_avx512"),
            (.copy, 1, 1, 0, "copy_avx512", "copy_mem_avx512"),
            (.scale, 1, 1, 1, nil, nil),
            (.add, 2, 1, 1, nil, nil),
            (.triad, 2, 1, 2, "stream_avx512", "stream_mem_avx512"),
        ]
        var kernels: [BandwidthKernel] = []
        for (operation, read, written, flops, peer, streamingPeer) in base {
            kernels.append(BandwidthKernel(name: operation.rawValue, operation: operation, arraysRead: read,
                                           arraysWritten: written, flopsPerElement: flops, store: .normal, likwidPeer: peer))
            if written > 0 {
                kernels.append(BandwidthKernel(name: operation.rawValue + "_nt", operation: operation, arraysRead: read,
                                               arraysWritten: written, flopsPerElement: flops, store: .nonTemporal,
                                               likwidPeer: streamingPeer))
            }
        }
        return kernels
    }()

    /// Looks a kernel up by name; an unknown name is a usage error listing the valid ones.
    public static func named(_ name: String) throws -> BandwidthKernel {
        guard let kernel = all.first(where: { $0.name == name.lowercased() }) else {
            throw RooflineError.usage(
                "unknown kernel '\(name)': use one of \(all.map(\.name).joined(separator: ", "))")
        }
        return kernel
    }
}
