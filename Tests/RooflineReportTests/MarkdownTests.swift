import Foundation
import Testing
@testable import RooflineReport

@Suite struct MarkdownTests {
    @Test func tableEscapesPipesAndPadsRows() {
        let text = Markdown.table(["a", "b"], alignments: [.left, .right], rows: [["x|y"], ["1", "2"]])
        #expect(text == "| a | b |\n|---|---:|\n| x\\|y |  |\n| 1 | 2 |\n")
    }

    @Test func cpuListsCollapseRanges() {
        #expect(Markdown.cpuList([5, 0, 1, 2, 7, 8]) == "0-2, 5, 7-8")
    }

    @Test func machineTableNamesTheHost() {
        let text = Markdown.machine(Fixtures.host)
        #expect(text.contains("Test CPU \\<model\\> & \"quotes\""))   // escaped: no HTML tag
        #expect(text.contains("| CPUs available | 2 (0-1) |"))
        var oneCore = Fixtures.host
        oneCore.physicalCores = 1
        #expect(Markdown.machine(oneCore).contains("| CPUs available | 2 (0-1), 1 physical core |"))
        #expect(text.contains("L1d 48 KiB (shared by 1 CPU, 64 B lines)"))
        #expect(text.contains("L3 300 MiB (shared by 2 CPUs, 64 B lines)"))
        #expect(text.contains("| NUMA nodes | 1 (node 0: CPUs 0-1, 24.0 GB) |"))
        #expect(text.contains("| Kernel | 6.1.0-test |"))
        #expect(text.contains("| Vector width | 512 bits (kernels built for avx512) |"))
    }

    @Test func hostCeilingsHoldEveryTable() {
        let text = Markdown.hostCeilings(Fixtures.profile, bandwidthChart: "r-bandwidth.svg", rooflineChart: "r-roofline-host.svg")
        for heading in ["## Host ceilings", "### Memory bandwidth per level and threads", "### Peak FLOP rates", "### Load latency",
                        "### NUMA", "### Hierarchical roofline"] {
            #expect(text.contains(heading + "\n"), "missing \(heading)")
        }
        // Bandwidth pivot: L1 at 1 and 2 threads, with medians (0.95 × best); L2 only measured at 2 threads.
        #expect(text.contains("| L1 | triad | 96 KiB / 64 KiB | 200 GB/s (median 190 GB/s) | 360 GB/s (median 342 GB/s) |"))
        #expect(text.contains("| L2 | triad | 4 MiB / 2 MiB | – | 180 GB/s (median 171 GB/s) |"))
        #expect(text.contains("| DRAM | triad | – / – | 15.0 GB/s (median 14.2 GB/s) | 27.0 GB/s (median 25.6 GB/s) |"))
        // FLOPs: 300 of 320 GFLOP/s = 93.75 %.
        #expect(text.contains("| fp32 | FMA | 2 | 300 GFLOP/s | 285 GFLOP/s | 320 GFLOP/s | 93.8 % |"))
        #expect(text.contains("2.50 GHz (TSC) × 2 FMA units (model table) × 512-bit vectors (cpuid) × 2"))
        // An int8 path: its own row, its theoretical method, and the paths the CPU lacks with why.
        var withPaths = Fixtures.profile
        withPaths.flops.append(FlopsMeasurement(
            dataType: .int8, threads: 2, flopsPerSecond: SampleSummary([1.2e12], higherIsBetter: true),
            theoreticalFlopsPerSecond: 1.28e12, path: "avx512-vnni", instruction: "vpdpbusd zmm (AVX512-VNNI)",
            theoreticalMethod: "measured: 1.96 per cycle, rounded up to 2 units × 128 operations"))
        withPaths.absentComputePaths = [AbsentComputePath(path: "amx-int8", dataType: .int8, instruction: "tdpbusd tiles (AMX-INT8)",
                                                          reason: "no amx_tile in /proc/cpuinfo")]
        let paths = Markdown.flopsTable(withPaths)
        #expect(paths.contains("| int8 | vpdpbusd zmm (AVX512-VNNI) | 2 | 1.20 TFLOP/s |"), "\(paths)")
        #expect(paths.contains("| 93.8 % |"))
        #expect(paths.contains("Other paths: clock × units × operations per instruction"))
        #expect(paths.contains("vpdpbusd zmm (AVX512-VNNI) — measured: 1.96 per cycle, rounded up to 2 units × 128 operations"))
        #expect(paths.contains("Not measured: int8 tdpbusd tiles (AMX-INT8) (no amx_tile in /proc/cpuinfo)."))
        #expect(text.contains("| DRAM | 1 GiB | 95.0 ns | 90.2 ns | random cyclic permutation |"))
        #expect(text.contains("one NUMA node: no remote memory to measure"))
        #expect(text.contains("![Bandwidth against working-set size](r-bandwidth.svg)"))
        #expect(text.contains("(r-roofline-host.svg)"))
        #expect(text.contains("- a note with a \\| pipe"))
    }

    @Test func analysisTableHasTimesAndShares() throws {
        let analysis = try Fixtures.accelerator.analyze(Fixtures.operators)
        let text = Markdown.analysisTable(analysis)
        // attn.qkv: max(2e9 ÷ 989.4e12, 1e9 ÷ 4.8e12) = 208.3 µs; ffn.up: 4e12 ÷ 989.4e12 = 4.043 ms;
        // softmax: 4e9 ÷ 4.8e12 = 833.3 µs; kv write: 1e6 ÷ 4.8e12 = 208.3 ns.
        let total = 1e9 / 4.8e12 + 4e12 / 989.4e12 + 4e9 / 4.8e12 + 1e6 / 4.8e12
        #expect(text.contains("| attn.qkv | matmul | 126 | 2.00 GFLOP | 1.00 GB | 0 B | 0 B | 2 | memory | 208 µs | "
            + Markdown.percent((1e9 / 4.8e12) / total) + " |"))
        #expect(text.contains("| ffn.up | matmul | 126 | 4.00 TFLOP | 500 MB | 500 MB | 0 B | 4,000 | compute | 4.04 ms | 79.5 % |"))
        #expect(text.contains("| softmax | softmax | 1 | 500 MFLOP | 0 B | 4.00 GB | 0 B | 0.125 | memory | 833 µs | 16.4 % |"))
        #expect(text.contains("| kv write | kv-write | 1 | 0 FLOP | 0 B | 0 B | 1.00 MB | 0 | memory | 208 ns | 0.0 % |"))
        #expect(text.contains("| **total** |  |  | **4.00 TFLOP** |"))
        #expect(text.contains("**\(Format.seconds(total))**"))
        #expect(Format.seconds(total) == "5.08 ms")
        let ceilings = Markdown.ceilingsUsed(analysis)
        #expect(ceilings.contains("bf16 989 TFLOP/s (ridge 206 FLOP/byte)"))
        #expect(ceilings.contains("HBM 4.80 TB/s"))
        #expect(ceilings.contains("No int8 ceiling: fp8's used instead."))
    }
}

@Suite struct ComparisonTests {
    let host = try! Fixtures.profile.roofline()
    /// Intensity 50 FLOP/byte: above the host's fp32/DRAM ridge (300e9 ÷ 27e9 = 11.1), below the H200's (206).
    let middle = Operator(name: "mlp.down", kind: .matmul, flops: 50e9, bytes: ByteCounts(weights: 1e9), computeType: .bf16)

    @Test func stepComparisonComputesTokensAndSpeedUp() throws {
        let ops = [middle]
        let onHost = try host.analyze(ops)
        let onAccelerator = try Fixtures.accelerator.analyze(ops)
        let text = Markdown.stepComparison([NamedAnalysis(name: "host", analysis: onHost),
                                            NamedAnalysis(name: "H200", analysis: onAccelerator)], tokensPerStep: 4)
        // Host: bf16 falls back to fp32: 50e9 ÷ 300e9 = 166.7 ms (compute); 4 ÷ 0.1667 = 24 tokens/s.
        #expect(text.contains("| host | 167 ms | 24.0 | 1.00× | 0.0 % |"))
        // H200: 1e9 ÷ 4.8e12 = 208.3 µs (memory); 4 ÷ 208.3e-6 = 19,200 tokens/s; speed-up 166.7 ms ÷ 208.3 µs = 800.
        #expect(text.contains("| H200 | 208 µs | 19,200 | 800× | 100.0 % |"))
    }

    @Test func boundChangesListOnlyOperatorsThatChange() throws {
        let ops = Fixtures.operators.filter { $0.computeType != .int8 } + [middle]
        let rows = [NamedAnalysis(name: "host", analysis: try host.analyze(ops)),
                    NamedAnalysis(name: "H200", analysis: try Fixtures.accelerator.analyze(ops))]
        let text = Markdown.boundChanges(rows)
        // 50 ÷ (300e9 ÷ 27e9) = 4.5 × the host's ridge; 50 ÷ (989.4e12 ÷ 4.8e12) = 0.243 × the H200's.
        #expect(text == "| Operator | host | H200 |\n|---|---|---|\n| mlp.down | compute (4.50 × ridge) | memory (0.243 × ridge) |\n")
        let none = Markdown.boundChanges([rows[0], rows[0]])
        #expect(none.hasPrefix("No operator changes class between host, host"))
    }

    @Test func attentionFormsSideBySide() throws {
        // One layer, 1M scores: fused reads Q, K, V once (3 MB); materialized writes and re-reads the scores.
        let fused = [Operator(name: "attention", kind: .attention, flops: 5e9, bytes: ByteCounts(activations: 3e6), computeType: .bf16)]
        let materialized = [
            Operator(name: "attn_scores", kind: .attentionScores, flops: 2e9, bytes: ByteCounts(activations: 4e6), computeType: .bf16),
            Operator(name: "softmax", kind: .softmax, flops: 1e9, bytes: ByteCounts(activations: 4e9), computeType: .bf16),
            Operator(name: "attn_values", kind: .attentionValues, flops: 2e9, bytes: ByteCounts(activations: 2e9), computeType: .bf16),
        ]
        let other = Operator(name: "mlp", kind: .matmul, flops: 1e12, bytes: ByteCounts(weights: 1e9), computeType: .bf16)
        let text = Markdown.attentionComparison([
            NamedAnalysis(name: "fused", analysis: try Fixtures.accelerator.analyze(fused + [other])),
            NamedAnalysis(name: "materialized", analysis: try Fixtures.accelerator.analyze(materialized + [other])),
        ])
        // Fused: max(5e9 ÷ 989.4e12, 3e6 ÷ 4.8e12) = 5.05 µs. Softmax: 4e9 ÷ 4.8e12 = 833 µs.
        #expect(text.contains("| Attention operators | attention: 5.05 µs (compute-bound) | attn_scores: "))
        #expect(text.contains("softmax: 833 µs (memory-bound)"))
        #expect(text.contains("| Attention FLOPs | 5.00 GFLOP | 5.00 GFLOP |"))
        #expect(text.contains("| Attention bytes | 3.00 MB | 6.00 GB |"))
        // Materialized attention: 2e9 ÷ 989.4e12 + 4e9 ÷ 4.8e12 + 2e9 ÷ 4.8e12 = 2.02 µs + 833 µs + 417 µs = 1.25 ms.
        #expect(text.contains("| Attention time | 5.05 µs | 1.25 ms |"))
    }
}

@Suite struct DurationTests {
    @Test func durationsUseTheUnitThatReadsBest() {
        #expect(Markdown.duration(0.0052) == "5.20 ms")
        #expect(Markdown.duration(3276) == "54.6 min")            // 3276 ÷ 60
        #expect(Markdown.duration(8.96e3 * 3) == "7.47 h")        // 26,880 ÷ 3600
        #expect(Markdown.duration(119 * 3600) == "4.96 days")     // 119 h ÷ 24
        #expect(Markdown.duration(3.67e9) == "116 years")         // 3.67e9 ÷ (365.25 × 86,400)
        #expect(Markdown.duration(1e14) == "3,168,809 years")     // 1e14 ÷ 31,557,600
    }
}
