import Testing
@testable import RooflineProbes

@Suite struct PlateauDetectorTests {
    let levels = [
        PlateauDetector.Level(name: "L1", capacityBytes: 32 << 10),
        PlateauDetector.Level(name: "L2", capacityBytes: 1 << 20),
        PlateauDetector.Level(name: "L3", capacityBytes: 32 << 20),
    ]

    /// A staircase like this machine's triad: 250 GB/s in L1, 110 in L2, 90 in L3, 25 in DRAM, with transitions.
    func staircase(upTo top: Int) -> [PlateauDetector.Point] {
        var points: [PlateauDetector.Point] = []
        var size = 16 << 10
        while size <= top {
            let rate: Double
            switch size {
            case ...(32 << 10): rate = 250e9
            case ...(48 << 10): rate = 160e9          // transition point
            case ...(1 << 20): rate = 110e9 - Double(size % 7) * 1e9
            case ...(2 << 20): rate = 100e9
            case ...(24 << 20): rate = 90e9
            case ...(48 << 20): rate = 50e9           // transition
            default: rate = 25e9 + Double(size % 3) * 1e8
            }
            points.append(.init(workingSetBytes: size, bytesPerSecond: rate))
            size = Int(Double(size) * 2.0.squareRoot())
        }
        return points
    }

    @Test func findsAllFourLevelsOnAFullSweep() {
        let points = staircase(upTo: 256 << 20)
        let plateaus = PlateauDetector().plateaus(points, levels: levels)
        #expect(plateaus.map(\.level) == ["L1", "L2", "L3", "DRAM"])
        let sorted = points.sorted { $0.workingSetBytes < $1.workingSetBytes }
        for plateau in plateaus {
            let sizes = plateau.interiorIndices.map { sorted[$0].workingSetBytes }
            switch plateau.level {
            case "L1": #expect(sizes.allSatisfy { $0 <= 32 << 10 })
            case "L2": #expect(sizes.allSatisfy { $0 >= 48 << 10 && $0 <= 1 << 20 })
            case "L3": #expect(sizes.allSatisfy { $0 >= 3 << 19 && $0 <= 32 << 20 })
            default: #expect(sizes.allSatisfy { $0 > 64 << 20 })
            }
            let rates = plateau.interiorIndices.map { sorted[$0].bytesPerSecond }
            let expected = ["L1": 250e9, "L2": 110e9, "L3": 90e9, "DRAM": 25e9][plateau.level]!
            #expect(rates.allSatisfy { $0.isApproximatelyEqual(to: expected, relativeTolerance: 0.15) })
        }
        // The L1 plateau ends between 32 KiB and the next size swept (45 KiB).
        let l1End = plateaus[0].measuredCapacityBytes ?? 0
        #expect(l1End > 32 << 10 && l1End < 46 << 10)
        #expect(plateaus.last?.measuredCapacityBytes == nil)
    }

    @Test func aSweepThatStopsBelowTheLastCacheHasNoDRAM() {
        let points = staircase(upTo: 20 << 20)
        let plateaus = PlateauDetector().plateaus(points, levels: levels)
        #expect(!plateaus.contains { $0.level == "DRAM" })
        #expect(plateaus.map(\.level) == ["L1", "L2", "L3"])
    }

    @Test func aSweepJustPastTheLastCacheIsNotCalledDRAM() {
        // Past L3 (32 MiB) but not twice past it: the low plateau is not named main memory.
        let points = staircase(upTo: 60 << 20)
        #expect(!PlateauDetector().plateaus(points, levels: levels).contains { $0.level == "DRAM" })
    }

    @Test func capacitiesCountPrivateCachesPerThread() {
        let caches = [
            CacheInfo(level: 1, type: .data, sizeBytes: 32 << 10, sharedByCPUs: 1, lineBytes: 64),
            CacheInfo(level: 1, type: .instruction, sizeBytes: 32 << 10, sharedByCPUs: 1, lineBytes: 64),
            CacheInfo(level: 2, type: .unified, sizeBytes: 1 << 20, sharedByCPUs: 1, lineBytes: 64),
            CacheInfo(level: 3, type: .unified, sizeBytes: 32 << 20, sharedByCPUs: 8, lineBytes: 64),
        ]
        let two = PlateauDetector.levels(caches: caches, threads: 2)
        #expect(two == [.init(name: "L1", capacityBytes: 64 << 10), .init(name: "L2", capacityBytes: 2 << 20),
                        .init(name: "L3", capacityBytes: 32 << 20)])
        let sixteen = PlateauDetector.levels(caches: caches, threads: 16)
        #expect(sixteen.last == .init(name: "L3", capacityBytes: 64 << 20))
    }
}
