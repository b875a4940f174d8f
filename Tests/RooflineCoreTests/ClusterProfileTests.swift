import Foundation
import Testing
@testable import RooflineCore

@Suite struct ClusterProfileTests {
    @Test func aRingFitRecoversAlphaAndBetaOfExactPoints() throws {
        // 4 ranks, α = 10 µs, β = 1 GB/s: ring t = 6α + 1.5 × bytes ÷ β.
        let sizes: [Double] = [8, 1024, 1_048_576, 67_108_864]
        let points: [(bytes: Double, seconds: Double)] = sizes.map { bytes in
            let seconds: Double = 6 * 10e-6 + 1.5 * bytes / 1e9
            return (bytes, seconds)
        }
        let fit = try #require(AlphaBetaFit.fit(points, form: .ring, ranks: 4))
        #expect(abs(fit.latencySeconds - 10e-6) < 1e-12)
        #expect(abs(fit.bytesPerSecond / 1e9 - 1) < 1e-9)
        #expect(fit.relativeRMSError < 1e-9)
        // The same points as a tree over 4 ranks: 4α' + 2 × bytes ÷ β' gives α' = 60/4 µs and β' = 2/1.5 GB/s.
        let tree = try #require(AlphaBetaFit.fit(points, form: .tree, ranks: 4))
        #expect(abs(tree.latencySeconds - 15e-6) < 1e-12)
        #expect(abs(tree.bytesPerSecond / (2e9 / 1.5) - 1) < 1e-9)
    }

    @Test func thePlannerFormIsTheFasterOfRingAndTree() {
        // 8 ranks, α = 1 µs, β = 1 GB/s, 1 MB: ring 14 µs + 1.75 ms, tree 6 µs + 2 ms.
        let seconds = AllReduceForm.plannerSeconds(1e6, ranks: 8, latencySeconds: 1e-6, bytesPerSecond: 1e9)
        #expect(abs(seconds - (14e-6 + 1.75e-3)) < 1e-15)
        // 8 B: ring 14 µs + 14 ns, tree 6 µs + 16 ns.
        let small = AllReduceForm.plannerSeconds(8, ranks: 8, latencySeconds: 1e-6, bytesPerSecond: 1e9)
        #expect(abs(small - (6e-6 + 16e-9)) < 1e-15)
        #expect(AllReduceForm.plannerSeconds(1e6, ranks: 1, latencySeconds: 1e-6, bytesPerSecond: 1e9) == 0)
    }

    @Test func noFitWithoutGrowthOrWithOneSize() {
        #expect(AlphaBetaFit.fit([(8, 1e-6), (8, 2e-6)], form: .ring, ranks: 2) == nil)
        #expect(AlphaBetaFit.fit([(8, 2e-6), (1024, 1e-6)], form: .ring, ranks: 2) == nil)
    }

    @Test func messageSizesAndCountsFollowMPI4Py() {
        #expect(MessageTiming.sizes() == (3...26).map { 1 << $0 })
        #expect(MessageTiming.mpi4py.counts(bytes: 16384) == (100, 10_000))
        #expect(MessageTiming.mpi4py.counts(bytes: 32768) == (10, 1000))
        #expect(MessageTiming.mpi4py.counts(bytes: 1 << 20) == (10, 1000))
        #expect(MessageTiming.mpi4py.counts(bytes: 2 << 20) == (1, 10))
        let point = MessagePoint(bytes: 1000, warmup: 1, seconds: [1e-6, 2e-6, 6e-6])
        #expect(abs(point.meanSeconds - 3e-6) < 1e-18)
        #expect(point.medianSeconds == 2e-6)
        #expect(point.minimumSeconds == 1e-6)
        #expect(abs(point.bytesPerSecond - 1000 / 3e-6) < 1e-3)
    }


    @Test func outliersAreNodesWorseThanTheMedianByMoreThanTheMargin() {
        let ceilings = [
            NodeCeilings(dramBytesPerSecond: 100e9, peakFlopsPerSecond: 1e12, latencySeconds: 100e-9),
            NodeCeilings(dramBytesPerSecond: 95e9, peakFlopsPerSecond: 1e12, latencySeconds: 100e-9),
            // 20 % below on bandwidth, 50 % below on FLOPs, 11 % above on latency.
            NodeCeilings(dramBytesPerSecond: 76e9, peakFlopsPerSecond: 0.5e12, latencySeconds: 111e-9),
            // Better than the median is never an outlier.
            NodeCeilings(dramBytesPerSecond: 200e9, peakFlopsPerSecond: 3e12, latencySeconds: 50e-9),
        ]
        let medians = NodeCeilings.medians(of: ceilings)
        #expect(medians.dramBytesPerSecond == 97.5e9)
        #expect(medians.peakFlopsPerSecond == 1e12)
        #expect(medians.latencySeconds == 100e-9)
        let found = NodeOutlier.find(ceilings: ceilings.enumerated().map { ($0.offset, "n\($0.offset)", $0.element) },
                                     medians: medians, marginFraction: 0.10)
        #expect(found.map { "\($0.rank) \($0.ceiling.rawValue)" } == ["2 dramBandwidth", "2 flopPeak", "2 latency"])
        #expect(abs(found[0].deviationFraction - (76 / 97.5 - 1)) < 1e-12)
        #expect(abs(found[1].deviationFraction + 0.5) < 1e-12)
        #expect(abs(found[2].deviationFraction - 0.11) < 1e-9)
    }
}
