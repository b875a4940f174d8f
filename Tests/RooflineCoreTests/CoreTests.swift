import Foundation
import Testing
import RooflineCore

@Suite struct CoreTests {
    @Test func sampleSummaryTakesBestAsMaxForRatesAndMinForTimes() {
        let rates = SampleSummary([3, 1, 2, 5, 4], higherIsBetter: true)
        #expect(rates == SampleSummary(best: 5, median: 3, worst: 1, count: 5))
        let times = SampleSummary([3, 1, 2, 4], higherIsBetter: false)
        #expect(times == SampleSummary(best: 1, median: 2.5, worst: 4, count: 4))
        #expect(rates.scaled(by: 2).median == 6)
    }

    @Test func relativeToleranceIsRelativeToTheLargerMagnitude() {
        #expect(100.0.isApproximatelyEqual(to: 100.9, relativeTolerance: 0.01))
        #expect(!100.0.isApproximatelyEqual(to: 100.9, relativeTolerance: 0.001))
        #expect(0.0.isApproximatelyEqual(to: 0, relativeTolerance: 0))
        #expect(!Double.nan.isApproximatelyEqual(to: .nan, relativeTolerance: 1))
    }

    @Test func quantitiesParseDecimalAndBinarySuffixes() throws {
        #expect(try Quantity.parseCount("4096", name: "--tokens") == 4096)
        #expect(try Quantity.parseCount("128k", name: "--tokens") == 128_000)
        #expect(try Quantity.parseCount("10M", name: "--context") == 10_000_000)
        #expect(try Quantity.parseCount("128Ki", name: "--context") == 131_072)
        #expect(try Quantity.parseBytes("32KiB", name: "--sizes") == 32_768)
        #expect(try Quantity.parseBytes("2GB", name: "--sizes") == 2_000_000_000)
        #expect(try Quantity.parseBytes("1MiB", name: "--sizes") == 1_048_576)
        for bad in ["0", "-5", "abc", "1.5", ""] {
            #expect(throws: RooflineError.self) { try Quantity.parseCount(bad, name: "--tokens") }
        }
    }

    @Test func decimalFormattingUsesSIPrefixes() {
        #expect(Format.bytes(5.16e12) == "5.16 TB")
        #expect(Format.bytesPerSecond(4.8e12) == "4.80 TB/s")
        #expect(Format.grouped(516096) == "516,096")
        #expect(Format.binaryBytes(32768) == "32 KiB")
        #expect(Format.seconds(0.0259) == "25.9 ms")
        #expect(Format.countOrRate(1_234_567.4) == "1,234,567")
        #expect(Format.countOrRate(38.64) == "38.6")
        #expect(Format.countOrRate(1) == "1.00")
        #expect(Format.shortest(0.78) == "0.78")
        #expect(Format.shortest(2) == "2")
    }

    @Test func tableRendersTextAndMarkdown() {
        let table = Table(headers: ["name", "GB/s"], rows: [["load", "26.7"], ["triad|nt", "3"]])
        #expect(table.text == "name      GB/s\n--------  ----\nload      26.7\ntriad|nt     3\n")
        #expect(table.markdown == "| name | GB/s |\n|---|---:|\n| load | 26.7 |\n| triad\\|nt | 3 |\n")
    }

    @Test func atomicWriteLeavesNoFileWhenTheFolderIsMissing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roofline-\(UUID().uuidString)")
        #expect(throws: RooflineError.self) { try AtomicFile.write(Data("x".utf8), to: folder.path + "/a.json") }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try AtomicFile.writeAll([(folder.path + "/a.md", Data("a".utf8)), (folder.path + "/b.svg", Data("b".utf8))])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["a.md", "b.svg"])
    }
}
