import Foundation
import Testing
@testable import RooflineProbes

/// The counting formulas and the efficiency table's arithmetic on fixed numbers, worked by hand.
struct OperatorValidationTests {
    /// A roofline with round numbers: fp32 100 GFLOP/s; L2 1 MB at 200 GB/s; DRAM 20 GB/s.
    static let roofline = Roofline(
        name: "test", computeCeilings: [ComputeCeiling(dataType: .fp32, flopsPerSecond: 100e9, source: "test")],
        bandwidthCeilings: [BandwidthCeiling(level: "L2", bytesPerSecond: 200e9, source: "test", capacityBytes: 1e6),
                            BandwidthCeiling(level: "DRAM", bytesPerSecond: 20e9, source: "test")],
        mainMemoryLevel: "DRAM")

    static func measurement(_ family: String, flops: Double, bytes: Double, workingSet: Double, best: Double,
                            median: Double) -> OperatorMeasurement {
        let op = Operator(name: family, kind: .norm, flops: flops, bytes: ByteCounts(activations: bytes), computeType: .fp32)
        return OperatorMeasurement(family: family, shape: "\(workingSet)", storageType: .fp32, operator: op,
                                   countedBy: "test", workingSetBytes: workingSet, threads: 2,
                                   seconds: SampleSummary(best: best, median: median, worst: median, count: 5))
    }

    @Test func matmulCounts() {
        // Llama 3.1 8B q_proj at decode: M=1, N=K=4096, fp32.
        let op = OperatorCounts.matmul(name: "q", m: 1, n: 4096, k: 4096, dataType: .fp32)
        #expect(op.flops == 33_554_432)  // 2·1·4096·4096
        #expect(op.bytes.weights == 67_108_864)  // 4096·4096·4
        #expect(op.bytes.activations == 32_768)  // (4096 + 4096)·4
        #expect(OperatorCounts.matmul(name: "sq", m: 2048, n: 2048, k: 2048, dataType: .fp64).flops == 17_179_869_184)
    }

    @Test func softmaxCounts() {
        let online = OperatorCounts.softmax(name: "o", rows: 10, length: 100, dataType: .fp32, variant: .online)
        let materialized = OperatorCounts.softmax(name: "m", rows: 10, length: 100, dataType: .fp32, variant: .materialized)
        #expect(online.flops == 5_000)
        #expect(online.bytes.activations == 12_000)  // 3 transfers · 1,000 scores · 4 B
        #expect(materialized.bytes.activations == 20_000)  // 5 transfers
        #expect(materialized.bytes.total / online.bytes.total == 5.0 / 3.0)
    }

    @Test func decodeAttentionCounts() {
        // H=32, Hkv=8, d=128, C=1000, bf16 KV.
        let op = OperatorCounts.decodeAttention(name: "a", heads: 32, kvHeads: 8, headDim: 128, context: 1000, kvType: .bf16)
        #expect(op.bytes.kvCache == 4_096_000)  // 2·8·1000·128·2
        #expect(op.bytes.activations == 32_768)  // 2·32·128·4
        #expect(op.flops == 16_544_000)  // 4·32·1000·128 + 5·32·1000
        #expect(op.computeType == .fp32)
    }

    @Test func rmsNormCounts() {
        let op = OperatorCounts.rmsNorm(name: "n", rows: 3, hidden: 4096, dataType: .fp32)
        #expect(op.flops == 49_152)
        #expect(op.bytes.weights == 16_384)
        #expect(op.bytes.activations == 98_304)
    }

    @Test func memoryLevelOfWorkingSet() {
        #expect(OperatorValidation.memoryLevel(workingSetBytes: 5e5, roofline: Self.roofline) == "L2")
        #expect(OperatorValidation.memoryLevel(workingSetBytes: 1e6, roofline: Self.roofline) == "L2")
        #expect(OperatorValidation.memoryLevel(workingSetBytes: 2e6, roofline: Self.roofline) == "DRAM")
    }

    /// Three rows of one memory-bound family and one compute-bound row, by hand:
    /// - DRAM row: 8e6 B at 20 GB/s = 0.4 ms predicted (4e6 FLOP at 100 GFLOP/s = 0.04 ms); best 0.5 ms → 0.8,
    ///   median 0.64 ms → 0.625; 1.25e-10 s/FLOP.
    /// - L2 row: 8e4 B at 200 GB/s = 0.4 µs; best 1 µs → 0.4; 2.5e-11 s/FLOP, the family's fastest (reference).
    /// - slow-compute DRAM row: best 0.11 ms for 4e6 FLOP = 2.75e-11 s/FLOP, ×1.1 of the reference → tracks FLOPs.
    /// - compute row (its own family): 1e9 FLOP, 1e6 B, 1 MB working set (L2) → 10 ms predicted; best 20 ms → 0.5.
    @Test func efficiencyArithmetic() throws {
        let rows = try OperatorValidation.rows([
            Self.measurement("norm", flops: 4e6, bytes: 8e6, workingSet: 8e6, best: 0.5e-3, median: 0.64e-3),
            Self.measurement("norm", flops: 4e4, bytes: 8e4, workingSet: 8e4, best: 1e-6, median: 1e-6),
            Self.measurement("norm", flops: 4e6, bytes: 8e6, workingSet: 9e6, best: 0.11e-3, median: 0.11e-3),
            Self.measurement("gemm", flops: 1e9, bytes: 1e6, workingSet: 1e6, best: 20e-3, median: 25e-3),
        ], roofline: Self.roofline)
        #expect(rows[0].memoryLevel == "DRAM")
        #expect(rows[0].predictedBound == .memory)
        #expect(rows[0].predictedSeconds.isApproximatelyEqual(to: 0.4e-3, relativeTolerance: 1e-12))
        #expect(rows[0].efficiencyBest.isApproximatelyEqual(to: 0.8, relativeTolerance: 1e-12))
        #expect(rows[0].efficiencyMedian.isApproximatelyEqual(to: 0.625, relativeTolerance: 1e-12))
        #expect(rows[0].achievedBytesPerSecond.isApproximatelyEqual(to: 16e9, relativeTolerance: 1e-12))
        #expect(rows[0].slowdownVersusFamilyBest.isApproximatelyEqual(to: 5, relativeTolerance: 1e-12))
        #expect(rows[0].agreement == .agrees)
        #expect(rows[1].memoryLevel == "L2")
        #expect(rows[1].efficiencyBest.isApproximatelyEqual(to: 0.4, relativeTolerance: 1e-12))
        #expect(rows[1].agreement == .reference)
        #expect(rows[2].slowdownVersusFamilyBest.isApproximatelyEqual(to: 1.1, relativeTolerance: 1e-12))
        #expect(rows[2].agreement == .tracksFlops)
        #expect(rows[3].predictedBound == .compute)
        #expect(rows[3].predictedSeconds.isApproximatelyEqual(to: 10e-3, relativeTolerance: 1e-12))
        #expect(rows[3].efficiencyBest.isApproximatelyEqual(to: 0.5, relativeTolerance: 1e-12))
        #expect(rows[3].achievedFlopsPerSecond.isApproximatelyEqual(to: 50e9, relativeTolerance: 1e-12))
        #expect(rows[3].agreement == .reference)
    }

    /// A main-memory row with the load kernel measured around it at 40 GB/s is placed again with that ceiling:
    /// 8e6 B ÷ 40 GB/s = 0.2 ms (compute 0.04 ms) → 0.2 ÷ 0.5 = 0.4 best, 0.2 ÷ 0.64 = 0.3125 median; the profile's
    /// 20 GB/s prediction stays 0.8. A cache-resident row ignores a reference; the JSON of a row without one
    /// (as older files were written) still decodes.
    @Test func sameWindowPrediction() throws {
        var dram = Self.measurement("norm", flops: 4e6, bytes: 8e6, workingSet: 8e6, best: 0.5e-3, median: 0.64e-3)
        dram.mainMemoryReference = SampleSummary(best: 40e9, median: 38e9, worst: 35e9, count: 5)
        var l2 = Self.measurement("norm", flops: 4e4, bytes: 8e4, workingSet: 8e4, best: 1e-6, median: 1e-6)
        l2.mainMemoryReference = SampleSummary(best: 40e9, median: 38e9, worst: 35e9, count: 5)
        let rows = try OperatorValidation.rows([dram, l2], roofline: Self.roofline)
        #expect(rows[0].efficiencyBest.isApproximatelyEqual(to: 0.8, relativeTolerance: 1e-12))
        let window = try #require(rows[0].sameWindow)
        #expect(window.bytesPerSecond == 40e9)
        #expect(window.predictedBound == .memory)
        #expect(window.predictedSeconds.isApproximatelyEqual(to: 0.2e-3, relativeTolerance: 1e-12))
        #expect(window.efficiencyBest.isApproximatelyEqual(to: 0.4, relativeTolerance: 1e-12))
        #expect(window.efficiencyMedian.isApproximatelyEqual(to: 0.3125, relativeTolerance: 1e-12))
        #expect(rows[1].sameWindow == nil)
        let validation = OperatorValidation(roofline: Self.roofline, threads: 2, openBLAS: nil, checks: [], rows: rows,
                                            comparisons: [], notes: [])
        #expect(validation.renderMarkdown().contains("| 0.80 | 0.62 | 0.40 | 16.0 GB/s | agrees |"))  // 0.625 prints as 0.62
        #expect(validation.renderText().contains("40.0 GB/s–40.0 GB/s (the profile's DRAM ceiling: 20.0 GB/s)"))
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(rows[1])) as? [String: Any])
        object["sameWindow"] = nil
        let old = try JSONDecoder().decode(OperatorEfficiencyRow.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.sameWindow == nil)
    }

    /// A compute-bound row well above its family's best rate per FLOP tracks bytes instead.
    @Test func computeBoundRowThatTracksBytes() throws {
        let rows = try OperatorValidation.rows([
            Self.measurement("gemm", flops: 1e9, bytes: 1e6, workingSet: 1e6, best: 20e-3, median: 20e-3),
            Self.measurement("gemm", flops: 1e9, bytes: 1e6, workingSet: 1e6, best: 30e-3, median: 30e-3),
        ], roofline: Self.roofline)
        #expect(rows[1].slowdownVersusFamilyBest.isApproximatelyEqual(to: 1.5, relativeTolerance: 1e-12))
        #expect(rows[1].agreement == .tracksBytes)
    }

    /// Materialized 5 transfers vs online 3: counted ratio 5/3; measured 0.9 ms ÷ 0.6 ms = 1.5.
    @Test func variantComparison() throws {
        let materialized = OperatorCounts.softmax(name: "m", rows: 1000, length: 1000, dataType: .fp32, variant: .materialized)
        let online = OperatorCounts.softmax(name: "o", rows: 1000, length: 1000, dataType: .fp32, variant: .online)
        func m(_ family: String, _ op: Operator, _ seconds: Double) -> OperatorMeasurement {
            OperatorMeasurement(family: family, shape: "1000×1000", storageType: .fp32, operator: op, countedBy: "test",
                                workingSetBytes: 8e6,
                                threads: 1, seconds: SampleSummary(best: seconds, median: seconds, worst: seconds, count: 5))
        }
        let rows = try OperatorValidation.rows([m("mat", materialized, 0.9e-3), m("onl", online, 0.6e-3)], roofline: Self.roofline)
        let comparison = try #require(OperatorValidation.compare(rows, slower: "mat", faster: "onl").first)
        #expect(comparison.countedBytesRatio.isApproximatelyEqual(to: 5.0 / 3.0, relativeTolerance: 1e-12))
        #expect(comparison.measuredTimeRatio.isApproximatelyEqual(to: 1.5, relativeTolerance: 1e-12))
    }

    @Test func renderingsAndJSONRoundTrip() throws {
        let rows = try OperatorValidation.rows([
            Self.measurement("norm", flops: 4e6, bytes: 8e6, workingSet: 8e6, best: 0.5e-3, median: 0.8e-3),
        ], roofline: Self.roofline)
        let check = KernelCheck(kernel: "k", shape: "s", measure: "m", error: 3e-7, bound: 1e-5)
        let validation = OperatorValidation(roofline: Self.roofline, threads: 2, openBLAS: nil, checks: [check], rows: rows,
                                            comparisons: [], notes: ["a note"])
        let markdown = validation.renderMarkdown()
        #expect(markdown.contains("| norm | 8000000.0 | 8.00 MB | DRAM | 0.500 | memory | 400 µs | 500 µs | 800 µs |"))
        #expect(markdown.contains("| 0.80 | 0.50 | – | 16.0 GB/s | reference |"))
        #expect(markdown.contains("| k | s | m | 3.00e-07 | 1.00e-05 | pass |"))
        let text = validation.renderText()
        #expect(text.contains("Correctness: 1 of 1 checks within their bounds"))
        #expect(text.contains("Note: a note"))
        let data = try JSONEncoder().encode(validation)
        #expect(try JSONDecoder().decode(OperatorValidation.self, from: data) == validation)
        #expect(!KernelCheck(kernel: "k", shape: "s", measure: "m", error: .nan, bound: 1).passed)
    }
}
