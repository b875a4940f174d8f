import Foundation
import Testing
@testable import RooflineReport

@Suite struct ChartTests {
    @Test func logTicksAtDecadesWithLabels() {
        let ticks = Chart.ticks(for: ChartAxis(title: "", scale: .logarithmic, lowerBound: 0.5, upperBound: 2000))
        let labelled = ticks.filter { $0.label != nil }
        #expect(labelled.map(\.value) == [1, 10, 100, 1000])
        #expect(labelled.compactMap(\.label) == ["1", "10", "100", "1k"])
        // Minor ticks at 2…9 × each decade inside the range: 0.5…0.9 (5), 2…9 × 1, 10, 100 (24), 2000 (1).
        #expect(ticks.filter { $0.label == nil }.count == 5 + 24 + 1)
    }

    @Test func wideLogAxisLabelsEverySecondDecade() {
        let ticks = Chart.ticks(for: ChartAxis(title: "", scale: .logarithmic, lowerBound: 1, upperBound: 1e12))
        #expect(ticks.filter { $0.label != nil }.map(\.value) == [1, 100, 1e4, 1e6, 1e8, 1e10, 1e12])
        #expect(ticks.count == 13)  // no minor ticks beyond 8 decades
    }

    @Test func narrowLogAxisAlsoLabelsTwoAndFive() {
        let ticks = Chart.ticks(for: ChartAxis(title: "", scale: .logarithmic, lowerBound: 10e9, upperBound: 540e9, tickUnit: "B/s"))
        #expect(ticks.compactMap(\.label) == ["10 GB/s", "20 GB/s", "50 GB/s", "100 GB/s", "200 GB/s", "500 GB/s"])
    }

    @Test func linearTicksUseNiceSteps() {
        let ticks = Chart.ticks(for: ChartAxis(title: "", scale: .linear, lowerBound: 0, upperBound: 13))
        #expect(ticks.map(\.value) == [0, 2, 4, 6, 8, 10, 12])
    }

    @Test func tickLabelsUseDecimalPrefixes() {
        #expect(Chart.tickLabel(1e10, unit: "B/s") == "10 GB/s")
        #expect(Chart.tickLabel(0.01, unit: "") == "0.01")
        #expect(Chart.tickLabel(1000, unit: "") == "1k")
        #expect(Chart.tickLabel(2.5e15, unit: "FLOP/s") == "2.5 PFLOP/s")
        #expect(Chart.tickLabel(1, unit: "B") == "1 B")
    }

    @Test func pixelMappingFollowsTheFormula() {
        let chart = Chart(title: "t", xAxis: ChartAxis(title: "x", scale: .logarithmic, lowerBound: 1, upperBound: 1000),
                          yAxis: ChartAxis(title: "y", scale: .linear, lowerBound: 0, upperBound: 50), series: [])
        let layout = chart.layout()
        let plot = layout.plotArea
        // log: 10 is one third of the way from 1 to 1000.
        #expect(layout.pixelX(10)!.isApproximatelyEqual(to: plot.x + plot.width / 3, relativeTolerance: 1e-12))
        // linear: 40 is 4/5 of the way up.
        #expect(layout.pixelY(40)!.isApproximatelyEqual(to: plot.maxY - 0.8 * plot.height, relativeTolerance: 1e-12))
        #expect(layout.pixelX(0) == nil && layout.pixelX(-1) == nil && layout.pixelX(.infinity) == nil)
    }

    @Test func clippingKeepsOnlyTheInsidePart() throws {
        let rect = ChartRect(x: 0, y: 0, width: 10, height: 10)
        let (a, b) = try #require(Chart.clip(from: (-5, 5), to: (15, 5), to: rect))
        #expect(a.x == 0 && a.y == 5 && b.x == 10 && b.y == 5)
        let (c, d) = try #require(Chart.clip(from: (-10, -10), to: (20, 20), to: rect))
        #expect(abs(c.x) < 1e-12 && abs(c.y) < 1e-12 && abs(d.x - 10) < 1e-12 && abs(d.y - 10) < 1e-12)
        #expect(Chart.clip(from: (-5, 20), to: (15, 20), to: rect) == nil)
    }

    @Test func linesLeavingThePlotAreClipped() throws {
        let chart = Chart(
            title: "clip", xAxis: ChartAxis(title: "x", scale: .linear, lowerBound: 0, upperBound: 10),
            yAxis: ChartAxis(title: "y", scale: .linear, lowerBound: 0, upperBound: 10),
            series: [ChartSeries(name: "s", color: "#000000", style: .line(dashed: false, markers: false), role: .measurement,
                                 points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 20, y: 20)])])
        let plot = chart.layout().plotArea
        let parsed = try ParsedSVG(chart.svg())
        let line = try #require(try parsed.elements("polyline", className: "measurement").first)
        let end = try #require(ParsedSVG.attribute(line, "points")?.split(separator: " ").last)
        let xy = end.split(separator: ",").map { Double($0)! }
        #expect(abs(xy[0] - plot.maxX) < 0.01 && abs(xy[1] - plot.y) < 0.01)
    }

    @Test func aLongTitleWrapsAndPushesThePlotDown() throws {
        let axis = ChartAxis(title: "x", scale: .linear, lowerBound: 0, upperBound: 1)
        let short = Chart(title: "Short", xAxis: axis, yAxis: axis, series: [])
        let long = Chart(title: Array(repeating: "word", count: 60).joined(separator: " "), xAxis: axis, yAxis: axis, series: [])
        let lines = long.layout().titleLines
        #expect(lines.count > 1)
        #expect(lines.joined(separator: " ") == long.title)
        // Each line fits: characters × 0.65 × 16 ≤ width − plot x − 16.
        let available = long.width - long.layout().plotArea.x - 16
        #expect(lines.allSatisfy { Double($0.count) * 0.65 * 16 <= available })
        #expect(long.layout().plotArea.y == short.layout().plotArea.y + Double(lines.count - 1) * 20)
        let parsed = try ParsedSVG(long.svg())
        #expect(try parsed.elements("tspan").count == lines.count)
    }

    @Test func textIsEscaped() throws {
        let chart = Chart(
            title: "a < b & \"c\" 'd'\u{1}", xAxis: ChartAxis(title: "x", scale: .linear, lowerBound: 0, upperBound: 1),
            yAxis: ChartAxis(title: "y", scale: .linear, lowerBound: 0, upperBound: 1),
            series: [ChartSeries(name: "<s>", color: "#000000", style: .points, role: .measurement,
                                 points: [ChartPoint(x: 0.5, y: 0.5)], pointLabels: ["x&y"])])
        let parsed = try ParsedSVG(chart.svg())
        #expect(try parsed.elements("text", className: "chart-title").first?.stringValue == "a < b & \"c\" 'd'")
        #expect(try parsed.elements("text", className: "point-label").first?.stringValue == "x&y")
        #expect(try parsed.elements("text", className: "legend-entry").first?.stringValue == "<s>")
    }
}

@Suite struct BandwidthChartTests {
    let chart = Chart.bandwidth(Fixtures.profile)

    @Test func aByteAxisSpeaksOneUnitSystem() throws {
        // Tick labels and cache markers on the x axis all use decimal prefixes of B (kB, MB, GB), never KiB or MiB.
        let parsed = try ParsedSVG(chart.svg())
        let axis = try #require(try parsed.elements("g").first { ParsedSVG.attribute($0, "class") == "axis x" })
        let ticks = axis.elements(forName: "text").filter { ParsedSVG.attribute($0, "class") == "tick-label" }.compactMap(\.stringValue)
        let labels = try parsed.elements("text", className: "marker-label").compactMap(\.stringValue)
        #expect(!ticks.isEmpty && !labels.isEmpty)
        let units = Set((ticks + labels).compactMap { $0.split(separator: " ").last.map(String.init) })
        #expect(units.isSubset(of: ["B", "kB", "MB", "GB", "TB"]), "\(units)")
    }

    @Test func oneLinePerThreadCountAndAMarkerPerCache() throws {
        let svg = chart.svg()
        keepForInspection(svg, name: "bandwidth.svg")
        let parsed = try ParsedSVG(svg)
        #expect(try parsed.elements("polyline", className: "measurement").count == 2)
        #expect(try parsed.markers("measurement").count == 2 * Fixtures.sweepSizes.count)
        // L1d, L2, L3: the instruction cache is not marked; 48 KiB, 2 MiB and 300 MiB in the axis's decimal units.
        let markers = try parsed.elements("line", className: "marker").compactMap(ParsedSVG.title)
        #expect(markers == ["L1d 49.2 kB", "L2 2.10 MB", "L3 315 MB"])
        let group = try #require(try parsed.elements("g").first { ParsedSVG.attribute($0, "class") == "axis x" })
        #expect(ParsedSVG.attribute(group, "data-scale") == "logarithmic")
    }

    @Test func pointsAndMarkersAtTheRightPlace() throws {
        let plot = chart.layout().plotArea
        // x from 16 KiB ÷ 1.5 to 1 GiB × 1.5; y from 15 GB/s ÷ 1.5 to 1.8 × 200 GB/s × 1.5.
        let xLower = 16384.0 / 1.5, xUpper = 1073741824.0 * 1.5, yLower = 10e9, yUpper = 540e9
        #expect(chart.xAxis.lowerBound.isApproximatelyEqual(to: xLower, relativeTolerance: 1e-12))
        #expect(chart.yAxis.upperBound.isApproximatelyEqual(to: yUpper, relativeTolerance: 1e-12))
        func px(_ x: Double) -> Double { plot.x + (log10(x) - log10(xLower)) / (log10(xUpper) - log10(xLower)) * plot.width }
        func py(_ y: Double) -> Double { plot.maxY - (log10(y) - log10(yLower)) / (log10(yUpper) - log10(yLower)) * plot.height }
        let parsed = try ParsedSVG(chart.svg())
        let circles = try parsed.markers("measurement")
        // 16 KiB at 1 thread: 200 GB/s; 1 GiB at 2 threads: 1.8 × 15 GB/s = 27 GB/s.
        #expect(circles.contains { abs(ParsedSVG.centre($0)!.x - px(16384)) < 0.01 && abs(ParsedSVG.centre($0)!.y - py(200e9)) < 0.01 })
        #expect(circles.contains { abs(ParsedSVG.centre($0)!.x - px(1073741824)) < 0.01 && abs(ParsedSVG.centre($0)!.y - py(27e9)) < 0.01 })
        let l2 = try #require(try parsed.elements("line", className: "marker").first { ParsedSVG.title($0) == "L2 2.10 MB" })
        #expect(abs(ParsedSVG.number(l2, "x1")! - px(2097152)) < 0.01)
    }

    @Test func titleWithMarkupCharactersStaysValid() throws {
        let parsed = try ParsedSVG(chart.svg())
        let title = try #require(try parsed.elements("text", className: "chart-title").first?.stringValue)
        #expect(title.contains("Test CPU <model> & \"quotes\""))
    }
}

@Suite struct BandwidthChartSelectionTests {
    /// Three kernels at 1, 2 and 4 threads; "load" is swept over 9 sizes, the others measured at two.
    static let profile: HostProfile = {
        var profile = Fixtures.profile
        profile.bandwidth = [1, 2, 4].flatMap { threads in
            Fixtures.sweepSizes.map { size in
                BandwidthMeasurement(kernel: "load", workingSetBytes: size, threads: threads,
                                     algorithmicBytesPerSecond: Fixtures.summary(Fixtures.sweepRate(size, threads: 1)),
                                     hardwareBytesPerSecond: Fixtures.summary(Fixtures.sweepRate(size, threads: 1)))
            } + ["copy", "triad"].flatMap { kernel in
                [1 << 20, 1 << 30].map { size in
                    BandwidthMeasurement(kernel: kernel, workingSetBytes: size, threads: threads,
                                         algorithmicBytesPerSecond: Fixtures.summary(50e9), hardwareBytesPerSecond: Fixtures.summary(50e9))
                }
            }
        }
        return profile
    }()

    @Test func drawsTheSweptKernelsAtFewestAndMostThreads() throws {
        let chart = Chart.bandwidth(Self.profile)
        // load (9 sizes) first, then triad (preferred over copy at equal sizes); threads 1 and 4, not 2.
        #expect(chart.series.map(\.name) == ["load, 1 thread", "load, 4 threads", "triad, 1 thread", "triad, 4 threads"])
        // Two sizes cannot make a line: triad is drawn as points.
        #expect(chart.series[0].style == .line(dashed: false, markers: true))
        #expect(chart.series[2].style == .points)
        #expect(chart.footnotes.contains("Other kernels are in the tables: copy."))
        let parsed = try ParsedSVG(chart.svg())
        #expect(try parsed.elements("polyline", className: "measurement").count == 2)
        #expect(try parsed.markers("measurement").count == 2 * 9 + 2 * 2)
    }
}

@Suite struct BandwidthChartDuplicateSizeTests {
    @Test func aSizeMeasuredTwiceKeepsItsHighestRate() throws {
        var profile = Fixtures.profile
        // The fixed-size run at 16 KiB, 1 thread, read 250 GB/s; the sweep read 200 GB/s there.
        profile.bandwidth.append(BandwidthMeasurement(kernel: "triad", workingSetBytes: 16 << 10, threads: 1,
                                                      algorithmicBytesPerSecond: Fixtures.summary(250e9),
                                                      hardwareBytesPerSecond: Fixtures.summary(250e9)))
        let chart = Chart.bandwidth(profile)
        let oneThread = try #require(chart.series.first { $0.name == "triad, 1 thread" })
        #expect(oneThread.points.count == Fixtures.sweepSizes.count)
        #expect(oneThread.points.first == ChartPoint(x: 16384, y: 250e9))
    }
}
