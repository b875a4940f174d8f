import Foundation
import Testing
import RooflineCore

/// Every formatter takes any Double: a finite value of any size prints as a number, a non-finite one as "n/a".
@Suite struct FormatExtremesTests {
    static let formatters: [(String, @Sendable (Double) -> String)] = [
        ("bytes", Format.bytes), ("bytesPerSecond", Format.bytesPerSecond), ("flops", Format.flops),
        ("flopsPerSecond", Format.flopsPerSecond), ("seconds", Format.seconds), ("significant", { Format.significant($0) }),
        ("dollars", Format.dollars), ("grouped", Format.grouped), ("countOrRate", Format.countOrRate),
        ("shortest", Format.shortest),
    ]

    @Test func everyMagnitudeFormatsWithoutTrapping() {
        var values: [Double] = [0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                                Double(Int.max), -Double(Int.max), 9.2e18, 1e15, 1e15 - 1, 999.5, 0.5]
        for exponent in stride(from: -320, through: 308, by: 7) { values += [pow(10, Double(exponent)), -pow(10, Double(exponent))] }
        for (name, format) in Self.formatters {
            for value in values {
                let text = format(value)
                #expect(!text.isEmpty && text != "n/a", "\(name)(\(value)) = '\(text)'")
            }
            #expect(format(.nan).contains("n") || name == "shortest", "\(name)(nan)")
        }
    }

    @Test func largeWholeNumbersAreGroupedThenSignificant() {
        #expect(Format.grouped(108_394.4) == "108,394")
        #expect(Format.grouped(999_999_999_999_999) == "999,999,999,999,999")
        #expect(Format.grouped(1e300) == "1.00e+300")
        #expect(Format.dollars(1e300) == "$1.00e+300")
        #expect(Format.dollars(1328.4) == "$1,328")
        #expect(Format.grouped(Double.nan) == "n/a")
    }
}
