import Foundation
import Testing
import RooflineCore

/// Lists and ranges of counts (`--batch 1..512x2`, `--context 4k,32k,128k`).
@Suite struct QuantitySeriesTests {
    func series(_ text: String) throws -> [Int] {
        try Quantity.parseCountSeries(text.split(separator: ",", omittingEmptySubsequences: false).map(String.init), name: "--batch")
    }

    @Test func listsAndRanges() throws {
        #expect(try series("1,2,4") == [1, 2, 4])
        #expect(try series("1..512x2") == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512])
        #expect(try series("1..8") == Array(1...8))
        #expect(try series("1..64+16") == [1, 17, 33, 49])
        #expect(try series("1k..4k+1k") == [1_000, 2_000, 3_000, 4_000])
        #expect(try series("4k,32k,128k") == [4_000, 32_000, 128_000])
        #expect(try series("1Ki..4Kix2") == [1_024, 2_048, 4_096])
        #expect(try series("3..100x3") == [3, 9, 27, 81])                     // up to the upper end, not past it
        #expect(try series("8,1..4,2") == [1, 2, 3, 4, 8])                     // ascending, repeats dropped
        #expect(try series("7") == [7])
        #expect(try series("5..5") == [5])
    }

    @Test(arguments: ["8..1", "1..8x1", "1..8x", "1..8+0", "..8", "4..", "1..20000", "1...8", "0..4", "a..b", "1..8y2", "1.5..4"])
    func badFormsAreUsageErrors(_ text: String) {
        #expect(throws: RooflineError.self) { try series(text) }
    }

    @Test func theLimitIsCountedBeforeTheListIsBuilt() throws {
        #expect(try series("1..10000").count == 10_000)
        #expect(throws: RooflineError.self) { try series("1..1000000000000") }
        #expect(throws: RooflineError.self) { try series("1..6000,6001..12000") }
    }

    @Test func aSingleCountStillRefusesACommaOutsideLists() {
        #expect(throws: RooflineError.self) { try Quantity.parseCount("1,8", name: "--tokens") }
    }
}

/// Durations for latency targets.
@Suite struct QuantityDurationTests {
    @Test func unitsScaleToSeconds() throws {
        #expect(try Quantity.parseDuration("50ms", name: "--max-tpot") == 0.05)
        #expect(try Quantity.parseDuration("2s", name: "--max-ttft") == 2)
        #expect(try Quantity.parseDuration("500us", name: "x") == 500e-6)
        #expect(try Quantity.parseDuration("500µs", name: "x") == 500e-6)
        #expect(try Quantity.parseDuration("0.5 s", name: "x") == 0.5)
    }

    @Test(arguments: ["50", "ms", "0s", "-1ms", "1e3s", "nan s", "inf s", "1,5s", ""])
    func badDurationsAreRefused(_ text: String) {
        #expect(throws: RooflineError.self) { try Quantity.parseDuration(text, name: "--max-tpot") }
    }
}
