import Foundation
import Testing
@testable import RooflineReport

/// Writes a chart for inspection when ROOFLINE_TEST_CHART_DIR is set (to look at it as a person would).
func keepForInspection(_ svg: String, name: String) {
    guard let folder = ProcessInfo.processInfo.environment["ROOFLINE_TEST_CHART_DIR"] else { return }
    try? Data(svg.utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
}

@Suite struct RooflineChartTests {
    let analysis = try! Fixtures.accelerator.analyze(Fixtures.operators)
    var chart: Chart { Chart.roofline(Fixtures.accelerator, placements: analysis.placements) }

    @Test func axisRangesCoverRidgesAndOperators() {
        // x: min(lowest ridge 989.4/4.8 = 206 ÷ 30, lowest intensity 0.125 ÷ 2) = 0.0625 → decade 0.01;
        //    max(highest ridge 1978.9/4.8 = 412 × 10, highest intensity 4000 × 2) = 8000 → decade 1e4.
        #expect(chart.xAxis.lowerBound.isApproximatelyEqual(to: 0.01, relativeTolerance: 1e-12))
        #expect(chart.xAxis.upperBound.isApproximatelyEqual(to: 1e4, relativeTolerance: 1e-12))
        // y: upper 10 × 1978.9e12; lower min(4.8e12 × 0.01, softmax 0.125 × 4.8e12 ÷ 2) = 4.8e10 → decade 1e10.
        #expect(chart.yAxis.upperBound.isApproximatelyEqual(to: 19789e12, relativeTolerance: 1e-12))
        #expect(chart.yAxis.lowerBound.isApproximatelyEqual(to: 1e10, relativeTolerance: 1e-12))
        #expect(chart.xAxis.scale == .logarithmic && chart.yAxis.scale == .logarithmic)
    }

    @Test func svgIsValidXMLWithViewBoxAndAxes() throws {
        let svg = chart.svg()
        keepForInspection(svg, name: "roofline-accelerator.svg")
        let parsed = try ParsedSVG(svg)
        let root = try #require(parsed.document.rootElement())
        #expect(root.name == "svg")
        #expect(ParsedSVG.attribute(root, "viewBox") == "0 0 960 600")
        let groups = try parsed.elements("g")
        let x = try #require(groups.first { ParsedSVG.attribute($0, "class") == "axis x" })
        let y = try #require(groups.first { ParsedSVG.attribute($0, "class") == "axis y" })
        // Decade tick labels 0.01 … 10k on x; 10 TFLOP/s … 1 PFLOP/s among y's.
        let xLabels = x.elements(forName: "text").filter { ParsedSVG.attribute($0, "class") == "tick-label" }.compactMap(\.stringValue)
        #expect(xLabels == ["0.01", "0.1", "1", "10", "100", "1k", "10k"])
        let yLabels = y.elements(forName: "text").compactMap(\.stringValue)
        #expect(yLabels.contains("10 TFLOP/s") && yLabels.contains("1 PFLOP/s") && yLabels.contains("10 GFLOP/s"))
        #expect(yLabels.contains("Attainable performance (FLOP/s)"))
    }

    @Test func oneLinePerCeiling() throws {
        let parsed = try ParsedSVG(chart.svg())
        #expect(try parsed.elements("polyline", className: "ceiling memory").count == 1)
        #expect(try parsed.elements("polyline", className: "ceiling compute").count == 2)
        let host = try Fixtures.profile.roofline()
        let hostParsed = try ParsedSVG(Chart.roofline(host).svg())
        // At 2 threads the fixture has L1, L2 and DRAM ceilings and fp32, fp64 peaks.
        #expect(try hostParsed.elements("polyline", className: "ceiling memory").count == 3)
        #expect(try hostParsed.elements("polyline", className: "ceiling compute").count == 2)
        #expect(try hostParsed.markers("ridge").count == 2)
    }

    @Test func equalPeaksShareALineAndOperatorsKeepToTheirRoofs() throws {
        var roofline = Fixtures.accelerator
        roofline.computeCeilings.append(ComputeCeiling(dataType: .fp16, flopsPerSecond: 989.4e12, source: "test"))
        let all = Chart.roofline(roofline)
        #expect(all.series.filter { $0.role == .computeCeiling }.map(\.name) == ["fp8 peak 1.98 PFLOP/s", "bf16 / fp16 peak 989 TFLOP/s"])
        let bf16Only = try roofline.analyze([Fixtures.operators[0]])
        let chart = Chart.roofline(roofline, placements: bf16Only.placements)
        #expect(chart.series.filter { $0.role == .computeCeiling }.map(\.name) == ["bf16 peak 989 TFLOP/s"])
        #expect(chart.series.first { $0.role == .ridge }?.points.count == 1)
    }

    @Test func diagonalFollowsBandwidth() throws {
        let layout = chart.layout()
        let parsed = try ParsedSVG(chart.svg())
        let line = try #require(try parsed.elements("polyline", className: "ceiling memory").first)
        let points = try #require(ParsedSVG.attribute(line, "points")).split(separator: " ").map {
            $0.split(separator: ",").map { Double($0)! }
        }
        // Enters at the left edge at y = 4.8e12 × 0.01 = 4.8e10 FLOP/s and ends on the fp8 roof at x = 1978.9/4.8.
        let plot = layout.plotArea
        let yFraction = (log10(4.8e10) - log10(1e10)) / (log10(19789e12) - log10(1e10))
        #expect(abs(points[0][0] - plot.x) < 0.01)
        #expect(abs(points[0][1] - (plot.maxY - yFraction * plot.height)) < 0.01)
        let xFraction = (log10(1978.9 / 4.8) - log10(0.01)) / (log10(1e4) - log10(0.01))
        #expect(abs(points[1][0] - (plot.x + xFraction * plot.width)) < 0.01)
    }

    @Test func operatorPointsSitAtIntensityAndAttainableRate() throws {
        let layout = chart.layout()
        let plot = layout.plotArea
        let parsed = try ParsedSVG(chart.svg())
        let memory = try parsed.markers("operator memory-bound")
        let compute = try parsed.markers("operator compute-bound")
        #expect(memory.count == 2)  // attn.qkv, softmax; "kv write" has no FLOPs and is not drawn
        #expect(compute.count == 1)
        func expected(intensity: Double, flopsPerSecond: Double) -> (Double, Double) {
            let fx = (log10(intensity) - log10(0.01)) / (log10(1e4) - log10(0.01))
            let fy = (log10(flopsPerSecond) - log10(1e10)) / (log10(19789e12) - log10(1e10))
            return (plot.x + fx * plot.width, plot.maxY - fy * plot.height)
        }
        // attn.qkv: 2e9 FLOP ÷ 1e9 B = 2 FLOP/B; attainable 2 × 4.8e12 = 9.6e12 FLOP/s.
        let qkv = try #require(memory.first { ParsedSVG.title($0) == "attn.qkv" })
        let (qx, qy) = expected(intensity: 2, flopsPerSecond: 9.6e12)
        #expect(abs(ParsedSVG.number(qkv, "cx")! - qx) < 0.01 && abs(ParsedSVG.number(qkv, "cy")! - qy) < 0.01)
        // ffn.up: 4e12 ÷ 1e9 = 4000 FLOP/B, above the bf16 ridge (206): at the bf16 roof 989.4e12.
        let up = try #require(compute.first { ParsedSVG.title($0) == "ffn.up" })
        let (ux, uy) = expected(intensity: 4000, flopsPerSecond: 989.4e12)
        #expect(abs(ParsedSVG.centre(up)!.x - ux) < 0.01 && abs(ParsedSVG.centre(up)!.y - uy) < 0.01)
        // softmax: 5e8 ÷ 4e9 = 0.125 FLOP/B; 0.6e12 FLOP/s.
        let softmax = try #require(memory.first { ParsedSVG.title($0) == "softmax" })
        let (sx, sy) = expected(intensity: 0.125, flopsPerSecond: 0.6e12)
        #expect(abs(ParsedSVG.number(softmax, "cx")! - sx) < 0.01 && abs(ParsedSVG.number(softmax, "cy")! - sy) < 0.01)
        // The ridge of bf16 on HBM: 989.4e12 ÷ 4.8e12 = 206.125 FLOP/B.
        let ridges = try parsed.markers("ridge")
        let (rx, _) = expected(intensity: 206.125, flopsPerSecond: 989.4e12)
        #expect(ridges.contains { abs(ParsedSVG.centre($0)!.x - rx) < 0.01 })
    }

    @Test func everyOperatorIsLabelledOrListed() throws {
        let parsed = try ParsedSVG(chart.svg())
        let labels = try parsed.elements("text", className: "point-label").compactMap(\.stringValue)
        #expect(labels.contains("attn.qkv") && labels.contains("ffn.up") && labels.contains("softmax"))
        let footnotes = try parsed.elements("text", className: "footnote").compactMap(\.stringValue)
        #expect(footnotes.contains { $0.contains("kv write") })
        let legend = try parsed.elements("text", className: "legend-entry").compactMap(\.stringValue)
        #expect(legend.contains("memory-bound operator") && legend.contains("compute-bound operator"))
        #expect(legend.contains("HBM 4.80 TB/s") && legend.contains("bf16 peak 989 TFLOP/s"))
    }

    @Test func anOperatorOnARidgeKeepsItsOwnLabel() throws {
        // 206.125e9 FLOP over 1e9 B: exactly the bf16 ridge (989.4e12 ÷ 4.8e12 = 206.125 FLOP/B).
        let op = Operator(name: "at-ridge", kind: .matmul, flops: 206.125e9, bytes: ByteCounts(weights: 1e9), computeType: .bf16)
        let placed = try Fixtures.accelerator.analyze([op])
        let parsed = try ParsedSVG(Chart.roofline(Fixtures.accelerator, placements: placed.placements).svg())
        let labels = try parsed.elements("text", className: "point-label").compactMap(\.stringValue)
        #expect(labels.contains("at-ridge"))
        #expect(labels.contains("ridge 206 FLOP/B"))
    }

    @Test func markerRadiusFollowsTheShareOfTheStepTime() throws {
        // r = max(3, 16 × √share): the whole step 16 px, a quarter 8 px, a tiny share the 3 px minimum.
        #expect(Chart.markerRadius(share: 1) == 16)
        #expect(Chart.markerRadius(share: 0.25) == 8)
        #expect(Chart.markerRadius(share: 1e-6) == 3 && Chart.markerRadius(share: .nan) == 3)
        let shares = analysis.placements.map(analysis.share(of:))
        let parsed = try ParsedSVG(Chart.roofline(Fixtures.accelerator, placements: analysis.placements, shares: shares).svg())
        let circles = try parsed.markers("operator memory-bound")
            + parsed.markers("operator compute-bound")
        let radius = Dictionary(uniqueKeysWithValues: circles.map { (ParsedSVG.title($0) ?? "", ParsedSVG.radius($0)!) })
        let drawnShares = zip(analysis.placements, shares).filter { radius[$0.0.operator.name] != nil }
        #expect(drawnShares.count == 3)
        // The radius order follows the share order.
        let byShare = drawnShares.sorted { $0.1 < $1.1 }.map { radius[$0.0.operator.name]! }
        #expect(byShare == byShare.sorted())
        for (placement, share) in drawnShares {
            #expect(abs(radius[placement.operator.name]! - Chart.markerRadius(share: share)) < 0.01)
        }
    }

    @Test func aHeavyOperatorInACrowdIsNamedFirst() throws {
        // Five operators at one point: the label lists three and "+2 more"; the one with most time is among those named.
        let ops = ["a", "b", "c", "d", "heavy"].map { name in
            Operator(name: name, kind: .matmul, flops: 3e9, bytes: ByteCounts(weights: 1e9), computeType: .bf16)
        }
        let placed = try Fixtures.accelerator.analyze(ops)
        let shares = [0.001, 0.001, 0.001, 0.001, 0.8]
        let parsed = try ParsedSVG(Chart.roofline(Fixtures.accelerator, placements: placed.placements, shares: shares).svg())
        let labels = try parsed.elements("text", className: "point-label").compactMap(\.stringValue)
        #expect(labels.contains { $0.hasPrefix("heavy, ") && $0.hasSuffix("+2 more") })
        // Every operator at 1 % of the time or more is named, however many share the place.
        let named = try ParsedSVG(Chart.roofline(Fixtures.accelerator, placements: placed.placements,
                                                 shares: [0.05, 0.05, 0.02, 0.001, 0.8]).svg())
        #expect(try named.elements("text", className: "point-label").compactMap(\.stringValue).contains("heavy, a, b, c +1 more"))
        #expect(Chart.clusterText(["a", "b", "c", "d", "e"], shares: [0.2, 0.2, 0.2, 0.2, 0.2]) == "a, b, c, d, e")
        #expect(Chart.clusterText(["a", "b", "c", "d", "e"]) == "a, b, c +2 more")
    }

    @Test func paletteIsOkabeItoWithADistinctShapePerKind() throws {
        // One palette: eight distinct colours, and every colour a roofline or bandwidth chart uses comes from it.
        let okabeIto = [OkabeIto.orange, OkabeIto.skyBlue, OkabeIto.bluishGreen, OkabeIto.yellow, OkabeIto.blue,
                        OkabeIto.vermillion, OkabeIto.reddishPurple, OkabeIto.black]
        #expect(Set(okabeIto).count == okabeIto.count)
        #expect(Set(OkabeIto.series).count == OkabeIto.series.count)
        for palette in [ChartPalette.memoryLevels, ChartPalette.computeRoofs, ChartPalette.series] {
            #expect(Set(palette).count == palette.count && palette.allSatisfy(okabeIto.contains))
        }
        #expect(ChartPalette.memoryBound != ChartPalette.computeBound)
        // Each kind of point its own shape, drawn as such.
        let kinds: [SeriesRole] = [.memoryBoundOperator, .computeBoundOperator, .ridge, .predictedOperator]
        #expect(Set(kinds.map(MarkerShape.default(for:))).count == kinds.count)
        let parsed = try ParsedSVG(chart.svg())
        #expect(try parsed.elements("circle", className: "operator memory-bound").count == 2)
        let squares = try parsed.elements("path", className: "operator compute-bound")
        #expect(squares.count == 1 && squares.allSatisfy { ParsedSVG.attribute($0, "data-shape") == "square" })
        #expect(try parsed.elements("path", className: "ridge").allSatisfy { ParsedSVG.attribute($0, "data-shape") == "diamond" })
    }

    @Test func onlyTheRoofsOperatorsUseAreDrawn() throws {
        // The host fixture has L1, L2 and DRAM diagonals and fp32, fp64 roofs; an fp32 operator read from DRAM
        // keeps the DRAM diagonal and the fp32 roof, and the footnote names the rest.
        let host = try Fixtures.profile.roofline()
        let op = Operator(name: "axpy", kind: .elementwise, flops: 2e6, bytes: ByteCounts(activations: 12e6), computeType: .fp32)
        let placed = try host.analyze([op])
        let chart = Chart.roofline(host, placements: placed.placements)
        let memory = chart.series.filter { $0.role == .memoryCeiling }
        #expect(memory.count == 1 && memory.allSatisfy { $0.lineLabel == host.mainMemoryLevel })
        #expect(chart.series.filter { $0.role == .computeCeiling }.map(\.name).allSatisfy { $0.hasPrefix("fp32 ") })
        let parsed = try ParsedSVG(chart.svg())
        #expect(try parsed.elements("polyline", className: "ceiling memory").count == 1)
        #expect(try parsed.elements("polyline", className: "ceiling compute").count == 1)
        #expect(chart.footnotes.contains { $0.contains("left out") && $0.contains("L1") && $0.contains("fp64") })
    }

    @Test func labelsDoNotOverlap() throws {
        // Twelve operators spread along the memory slope and a cluster at one place: no two labels may overlap.
        var ops = (0..<12).map { index in
            Operator(name: "op-\(index)", kind: .matmul, flops: 1e9 * pow(2, Double(index)), bytes: ByteCounts(weights: 1e9),
                     computeType: .bf16)
        }
        ops += ["q_proj", "k_proj", "v_proj"].map {
            Operator(name: $0, kind: .matmul, flops: 3e9, bytes: ByteCounts(weights: 1e9), computeType: .bf16)
        }
        let placed = try Fixtures.accelerator.analyze(ops)
        let svg = Chart.roofline(Fixtures.accelerator, placements: placed.placements).svg()
        keepForInspection(svg, name: "roofline-crowded.svg")
        let parsed = try ParsedSVG(svg)
        let texts = try parsed.elements("text").filter {
            ["point-label", "line-label", "marker-label"].contains(ParsedSVG.attribute($0, "class") ?? "")
        }
        // Three operators at the same point share one label.
        #expect(texts.compactMap(\.stringValue).contains("q_proj, k_proj, v_proj"))

        let boxes = texts.map { text in
            ChartRect(x: ParsedSVG.number(text, "x")!, y: ParsedSVG.number(text, "y")! - TextMetrics.labelFontSize * 0.95,
                      width: TextMetrics.width(text.stringValue ?? "", fontSize: TextMetrics.labelFontSize),
                      height: TextMetrics.labelFontSize * 1.2)
        }
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                #expect(boxes[i].overlapArea(with: boxes[j]) < 1, "labels \(i) and \(j) overlap")
            }
        }
    }
}
