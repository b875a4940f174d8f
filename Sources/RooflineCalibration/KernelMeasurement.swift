import Foundation
import RooflineCore

/// The kinds of GPU kernel the time model tells apart, each with its own floor and efficiency curves.
public enum KernelFamily: String, Codable, Sendable, CaseIterable, Comparable {
    /// One linear layer Y[m×n] = X[m×k]·Wᵀ (also the batched matmuls of materialized attention).
    case gemm
    /// Causal prefill attention of one layer, fused (FlashAttention-style).
    case prefillAttention = "prefill-attention"
    /// Decode attention of one layer over a KV cache, one new token per sequence.
    case decodeAttention = "decode-attention"
    /// A memory-bound kernel (norm, elementwise, softmax, embedding, KV write): its bytes at the achieved bandwidth.
    case memory
    case allReduce = "all-reduce"
    case allGather = "all-gather"
    case reduceScatter = "reduce-scatter"
    case allToAll = "all-to-all"

    public var isCollective: Bool { [.allReduce, .allGather, .reduceScatter, .allToAll].contains(self) }

    public static func < (a: KernelFamily, b: KernelFamily) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Which kernel a time model covers: the family, a variant (the data type of a GEMM or attention, the
/// implementation of a collective: `nccl` or `custom`) and the ranks of a collective (1 otherwise).
public struct KernelClass: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var family: KernelFamily
    public var variant: String
    public var ranks: Int

    public init(_ family: KernelFamily, _ variant: String, ranks: Int = 1) {
        self.family = family
        self.variant = variant
        self.ranks = ranks
    }

    /// `family/variant`, with `/ranks` for a collective: `gemm/bf16`, `all-reduce/custom/8`.
    public var description: String {
        family.isCollective ? "\(family.rawValue)/\(variant)/\(ranks)" : "\(family.rawValue)/\(variant)"
    }

    public static func < (a: KernelClass, b: KernelClass) -> Bool {
        (a.family, a.variant, a.ranks) < (b.family, b.variant, b.ranks)
    }
}

/// The work of one kernel call, from its shape: FLOPs, bytes through main memory (or, for a collective, bus bytes
/// through each GPU's link) and the data type whose peak applies.
public struct KernelWork: Codable, Sendable, Equatable {
    public var flops: Double
    /// Main-memory bytes; for a collective the nccl-tests bus bytes (see `collective`).
    public var bytes: Double
    public var computeType: DataType
    /// Independent work units (thread blocks) of the call, as `Operator.parallelUnits` counts them: 128×128 output
    /// tiles of a GEMM, 128-row query tiles per head of a prefill attention, sequences × KV heads of a decode
    /// attention; nil when not counted.
    public var parallelUnits: Double?

    public init(flops: Double, bytes: Double, computeType: DataType, parallelUnits: Double? = nil) {
        self.flops = flops
        self.bytes = bytes
        self.computeType = computeType
        self.parallelUnits = parallelUnits
    }

    /// Y[m×n] = X[m×k]·Wᵀ, all operands of `type`, from `Counting.matmul`:
    /// FLOPs = 2·m·n·k; bytes = (k·n + m·(k + n)) · bytes per element; parallel units ⌈m/128⌉·⌈n/128⌉ tiles.
    public static func gemm(m: Double, n: Double, k: Double, type: DataType) -> KernelWork {
        let op = Counting.matmul("gemm", rows: m, input: k, output: n, bias: false,
                                 elementBytes: .init(all: type), computeType: type)
        return KernelWork(flops: op.flops, bytes: op.bytes.total, computeType: type, parallelUnits: op.parallelUnits)
    }

    /// Causal prefill attention of one layer, from `Counting.fusedAttention` as the workload builder counts it:
    /// S = batch·heads·P score pairs with P = s(s+1)/2, or w(w+1)/2 + (s − w)·w under a window w < s;
    /// FLOPs = 4·S·d + 5·S; bytes = Q and O (2·batch·s·heads·d) plus K and V (2·batch·s·kvHeads·d) elements, each
    /// of `type`; parallel units batch·heads·⌈s/128⌉ query tiles (`Counting.attentionQueryTiles`).
    public static func prefillAttention(batch: Double, tokens s: Double, heads: Double, kvHeads: Double,
                                        headDim d: Double, window: Double? = nil, type: DataType) -> KernelWork {
        let pairs = window.map { w in w < s ? w * (w + 1) / 2 + (s - w) * w : s * (s + 1) / 2 } ?? s * (s + 1) / 2
        let op = Counting.fusedAttention(
            "prefill", scores: batch * heads * pairs, qkDim: d, vDim: d,
            queryElements: batch * s * heads * d, outputElements: batch * s * heads * d,
            keyValueElements: 2 * batch * s * kvHeads * d, keyValueFromCache: false,
            elementBytes: .init(all: type), computeType: type)
        return KernelWork(flops: op.flops, bytes: op.bytes.total, computeType: type,
                          parallelUnits: Counting.attentionQueryTiles(sequences: batch, heads: heads, tokens: s))
    }

    /// Decode attention of one layer over `kvLength` cached tokens, from `Counting.fusedAttention`:
    /// S = batch·heads·kvLength; FLOPs = 4·S·d + 5·S; bytes = Q and O (2·batch·heads·d at `activation`) plus
    /// K and V (2·batch·kvLength·kvHeads·d at `kvCache`); parallel units batch·kvHeads
    /// (`Counting.decodeAttentionBlocks`).
    public static func decodeAttention(batch: Double, kvLength: Double, heads: Double, kvHeads: Double,
                                       headDim d: Double, activation: DataType, kvCache: DataType) -> KernelWork {
        let op = Counting.fusedAttention(
            "decode", scores: batch * heads * kvLength, qkDim: d, vDim: d,
            queryElements: batch * heads * d, outputElements: batch * heads * d,
            keyValueElements: 2 * batch * kvLength * kvHeads * d, keyValueFromCache: true,
            elementBytes: .init(weights: activation.bytesPerElement, activations: activation.bytesPerElement,
                                kvCache: kvCache.bytesPerElement),
            computeType: activation)
        return KernelWork(flops: op.flops, bytes: op.bytes.total, computeType: activation,
                          parallelUnits: Counting.decodeAttentionBlocks(sequences: batch, kvHeads: kvHeads))
    }

    /// A collective over `ranks` GPUs on a buffer of `messageBytes` (the nccl-tests size): bus bytes each GPU sends
    /// (nccl-tests convention) = messageBytes · 2(n − 1)/n for all-reduce, messageBytes · (n − 1)/n otherwise.
    public static func collective(_ family: KernelFamily, messageBytes: Double, ranks: Int) -> KernelWork {
        let n = Double(ranks)
        let factor = family == .allReduce ? 2 * (n - 1) / n : (n - 1) / n
        return KernelWork(flops: 0, bytes: messageBytes * factor, computeType: .bf16)
    }
}

/// One measured kernel call: its class, its work, the measured time, and its shape in words.
public struct KernelMeasurement: Codable, Sendable, Equatable {
    public var kernel: KernelClass
    public var work: KernelWork
    public var measuredSeconds: Double
    /// The shape as the table gives it, e.g. `m=1 n=4096 k=4096`.
    public var shape: String

    public init(kernel: KernelClass, work: KernelWork, measuredSeconds: Double, shape: String) {
        self.kernel = kernel
        self.work = work
        self.measuredSeconds = measuredSeconds
        self.shape = shape
    }
}
