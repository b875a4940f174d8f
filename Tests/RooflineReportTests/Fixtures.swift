import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RooflineReport

/// Fixed values for renderer tests: a small two-CPU host and an H200-like roofline. Nothing is probed.
enum Fixtures {
    static func summary(_ value: Double) -> SampleSummary {
        SampleSummary(best: value, median: value * 0.95, worst: value * 0.9, count: 5)
    }

    /// Bandwidth per working set for the sweep: 200 GB/s in L1 (≤ 32 KiB), 100 GB/s in L2 (≤ 1 MiB),
    /// 40 GB/s in L3 (≤ 32 MiB), 15 GB/s beyond; the 2-thread sweep reads 1.8 × as fast.
    static func sweepRate(_ bytes: Int, threads: Int) -> Double {
        let base: Double = bytes <= 32 << 10 ? 200e9 : bytes <= 1 << 20 ? 100e9 : bytes <= 32 << 20 ? 40e9 : 15e9
        return threads == 1 ? base : base * 1.8
    }

    static let sweepSizes: [Int] = (0..<9).map { (16 << 10) << (2 * $0) }  // 16 KiB × 4^k up to 1 GiB

    static let host = HostInfo(
        cpuModel: "Test CPU <model> & \"quotes\"", architecture: "x86_64", cpusAvailable: [0, 1],
        caches: [
            CacheInfo(level: 1, type: .data, sizeBytes: 48 << 10, sharedByCPUs: 1, lineBytes: 64),
            CacheInfo(level: 1, type: .instruction, sizeBytes: 32 << 10, sharedByCPUs: 1, lineBytes: 64),
            CacheInfo(level: 2, type: .unified, sizeBytes: 2 << 20, sharedByCPUs: 1, lineBytes: 64),
            CacheInfo(level: 3, type: .unified, sizeBytes: 300 << 20, sharedByCPUs: 2, lineBytes: 64),
        ],
        numaAvailable: true, numaNodes: [NumaNodeInfo(id: 0, cpus: [0, 1], memoryBytes: 24_000_000_000)],
        kernelISA: "avx512", vectorBits: 512, cpuFeatures: ["avx2", "avx512f", "fma"],
        memoryTotalBytes: 24_000_000_000, memoryAvailableBytes: 20_000_000_000, kernelRelease: "6.1.0-test")

    static let profile = HostProfile(
        toolVersion: "0.1.0", createdAt: "2026-11-29T07:00:00Z", mode: .quick, host: host,
        theoreticalPeak: TheoreticalPeak(clockHertz: 2.5e9, clockMethod: "TSC", fmaUnitsPerCore: 2, fmaUnitsMethod: "model table",
                                         vectorBits: 512, vectorMethod: "cpuid"),
        bandwidth: [1, 2].flatMap { threads in
            sweepSizes.map { size in
                BandwidthMeasurement(kernel: "triad", workingSetBytes: size, threads: threads,
                                     algorithmicBytesPerSecond: summary(sweepRate(size, threads: threads)),
                                     hardwareBytesPerSecond: summary(sweepRate(size, threads: threads) * 4 / 3))
            }
        },
        levels: [
            LevelBandwidth(level: "L1", kernel: "triad", threads: 1, bytesPerSecond: summary(200e9), fromWorkingSetBytes: [16 << 10],
                           reportedCapacityBytes: 48 << 10, measuredCapacityBytes: 32 << 10),
            LevelBandwidth(level: "L1", kernel: "triad", threads: 2, bytesPerSecond: summary(360e9), fromWorkingSetBytes: [16 << 10],
                           reportedCapacityBytes: 96 << 10, measuredCapacityBytes: 64 << 10),
            LevelBandwidth(level: "L2", kernel: "triad", threads: 2, bytesPerSecond: summary(180e9), fromWorkingSetBytes: [256 << 10],
                           reportedCapacityBytes: 4 << 20, measuredCapacityBytes: 2 << 20),
            LevelBandwidth(level: "DRAM", kernel: "triad", threads: 1, bytesPerSecond: summary(15e9), fromWorkingSetBytes: [1 << 30],
                           reportedCapacityBytes: nil, measuredCapacityBytes: nil),
            LevelBandwidth(level: "DRAM", kernel: "triad", threads: 2, bytesPerSecond: summary(27e9), fromWorkingSetBytes: [1 << 30],
                           reportedCapacityBytes: nil, measuredCapacityBytes: nil),
        ],
        flops: [
            FlopsMeasurement(dataType: .fp32, threads: 2, flopsPerSecond: summary(300e9), theoreticalFlopsPerSecond: 320e9),
            FlopsMeasurement(dataType: .fp64, threads: 2, flopsPerSecond: summary(150e9), theoreticalFlopsPerSecond: 160e9),
        ],
        latency: [
            LatencyMeasurement(level: "L1", workingSetBytes: 16 << 10, nanosecondsPerLoad: summary(1.2), pattern: "random cyclic permutation"),
            LatencyMeasurement(level: "DRAM", workingSetBytes: 1 << 30, nanosecondsPerLoad: summary(95), pattern: "random cyclic permutation"),
        ],
        numa: NumaMatrix(nodes: [0], kernel: "triad", bytesPerSecond: [[summary(27e9)]], note: "one NUMA node: no remote memory to measure"),
        timerResolutionSeconds: 1e-8, minimumSampleSeconds: 0.01, notes: ["a note with a | pipe"])

    /// H200-like ceilings: bf16 989.4 TFLOP/s, fp8 1978.9 TFLOP/s, HBM 4.8 TB/s.
    static let accelerator = Roofline(
        name: "H200-like", computeCeilings: [
            ComputeCeiling(dataType: .bf16, flopsPerSecond: 989.4e12, source: "test"),
            ComputeCeiling(dataType: .fp8, flopsPerSecond: 1978.9e12, source: "test"),
        ],
        bandwidthCeilings: [BandwidthCeiling(level: "HBM", bytesPerSecond: 4.8e12, source: "test")], mainMemoryLevel: "HBM")

    /// Four operators: intensity 2 (memory-bound), 4000 (compute-bound), 0.125 (memory-bound) and one with no FLOPs
    /// whose int8 has no ceiling on the roofline (fp8's stands in).
    static let operators = [
        Operator(name: "attn.qkv", kind: .matmul, flops: 2e9, bytes: ByteCounts(weights: 1e9), computeType: .bf16, count: 126),
        Operator(name: "ffn.up", kind: .matmul, flops: 4e12, bytes: ByteCounts(weights: 0.5e9, activations: 0.5e9), computeType: .bf16, count: 126),
        Operator(name: "softmax", kind: .softmax, flops: 5e8, bytes: ByteCounts(activations: 4e9), computeType: .bf16),
        Operator(name: "kv write", kind: .kvWrite, flops: 0, bytes: ByteCounts(kvCache: 1e6), computeType: .int8),
    ]
}

/// A parsed SVG document and queries on it.
struct ParsedSVG {
    let document: XMLDocument

    init(_ text: String) throws {
        document = try XMLDocument(xmlString: text, options: [])
    }

    /// Elements named `name` whose class attribute is exactly `className` (any class when nil).
    func elements(_ name: String, className: String? = nil) throws -> [XMLElement] {
        let nodes = try document.nodes(forXPath: "//*[local-name()='\(name)']")
        return nodes.compactMap { $0 as? XMLElement }.filter { element in
            className == nil || ParsedSVG.attribute(element, "class") == className
        }
    }

    /// Point markers whose class is exactly `className`: `<circle>`s and the `<path>`s of other shapes.
    func markers(_ className: String) throws -> [XMLElement] {
        try elements("circle", className: className) + elements("path", className: className)
    }

    /// A marker's centre: a circle's cx, cy or a shape's data-cx, data-cy.
    static func centre(_ element: XMLElement) -> (x: Double, y: Double)? {
        guard let x = number(element, "cx") ?? number(element, "data-cx"), let y = number(element, "cy") ?? number(element, "data-cy")
        else { return nil }
        return (x, y)
    }

    /// A marker's radius: a circle's r or a shape's data-r.
    static func radius(_ element: XMLElement) -> Double? { number(element, "r") ?? number(element, "data-r") }

    /// An attribute's text. (FoundationXML's `attribute(forName:)` returns nil for every attribute of an
    /// element in a default namespace, as SVG's are, so the attributes are searched by name.)
    static func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attributes?.first { $0.name == name }?.stringValue
    }

    /// A numeric attribute of an element.
    static func number(_ element: XMLElement, _ name: String) -> Double? {
        attribute(element, name).flatMap(Double.init)
    }

    /// The text of an element's `<title>` child.
    static func title(_ element: XMLElement) -> String? {
        element.elements(forName: "title").first?.stringValue
    }
}
