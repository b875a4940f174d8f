import Foundation

extension Chart {
    /// The chart as a standalone SVG document: white background, title, grid, axes with ticks and titles,
    /// series clipped to the plot area, vertical markers, labels placed to avoid each other, point markers on
    /// top (each with a `<title>` naming it), legend and footnotes. Elements carry a `class` naming what they are
    /// (`axis x`, `ceiling memory`, `operator memory-bound`…).
    public func svg() -> String {
        let layout = layout()
        var out = SVGDocument()
        drawHeader(layout, into: &out)
        drawGridAndAxes(layout, into: &out)
        var placer = LabelPlacer(bounds: layout.plotArea)
        var requests = LabelRequests()
        // Lines first, so that points and labels sit on top of them.
        drawLines(layout, placer: &placer, requests: &requests, into: &out)
        drawMarkers(layout, placer: &placer, requests: &requests, into: &out)
        // Point markers, drawn last so that no label hides a point, but placed before the labels so labels avoid them.
        var pointsLayer = SVGDocument()
        drawPoints(layout, placer: &placer, requests: &requests, into: &pointsLayer)
        drawLabels(placeLabels(requests, placer: &placer, plot: layout.plotArea), into: &out)
        out.line(pointsLayer.text, newline: false)
        drawLegend(layout, into: &out)
        drawFootnotes(layout, into: &out)
        out.line("</svg>")
        return out.text
    }

    /// The XML declaration, the opening `<svg>` element, the document's title, the white background and the title lines.
    private func drawHeader(_ layout: ChartLayout, into out: inout SVGDocument) {
        let plot = layout.plotArea
        out.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.line("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" "
            + "height=\"\(n(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">")
        out.line("<title>\(SVGText.escape(title))</title>")
        out.line("<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>")
        let titleSpans = layout.titleLines.enumerated().map { index, line in
            "<tspan x=\"\(n(plot.x))\" y=\"\(n(20 + TextMetrics.titleFontSize + Double(index) * (TextMetrics.titleFontSize + 4)))\">"
                + "\(SVGText.escape(line))</tspan>"
        }.joined()
        out.line("<text class=\"chart-title\" font-size=\"\(n(TextMetrics.titleFontSize))\" font-weight=\"bold\" fill=\"#222222\">"
            + titleSpans + "</text>")
    }

    /// The line series, clipped to the plot area, each with a `<title>`; their segments become obstacles for labels
    /// and their line labels are requested.
    private func drawLines(_ layout: ChartLayout, placer: inout LabelPlacer, requests: inout LabelRequests,
                           into out: inout SVGDocument) {
        out.line("<g class=\"series-lines\" fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\">")
        for series in series {
            guard case .line(let dashed, _) = series.style else { continue }
            let pieces = visiblePieces(of: series, layout: layout)
            for piece in pieces {
                let coordinates = piece.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
                let dash = dashed ? " stroke-dasharray=\"7 4\"" : ""
                out.line("<polyline class=\"\(series.role.rawValue)\" points=\"\(coordinates)\" stroke=\"\(series.color)\"\(dash)>"
                    + "<title>\(SVGText.escape(series.name))</title></polyline>")
                for (a, b) in zip(piece, piece.dropFirst()) { placer.addSegment(from: a, to: b) }
            }
            if let text = series.lineLabel, let anchor = Chart.point(along: pieces, fraction: series.lineLabelFraction) {
                requests.lines.append((text, anchor.x, anchor.y, series.color))
            }
        }
        out.line("</g>")
    }

    /// The vertical markers inside the plot area, full height, each an obstacle for labels and with its label requested.
    private func drawMarkers(_ layout: ChartLayout, placer: inout LabelPlacer, requests: inout LabelRequests,
                             into out: inout SVGDocument) {
        let plot = layout.plotArea
        out.line("<g class=\"markers\" stroke-width=\"1.2\" stroke-dasharray=\"3 3\">")
        for marker in markers {
            guard let x = layout.pixelX(marker.x), x >= plot.x - 0.01, x <= plot.maxX + 0.01 else { continue }
            out.line("<line class=\"marker\" x1=\"\(n(x))\" y1=\"\(n(plot.y))\" x2=\"\(n(x))\" y2=\"\(n(plot.maxY))\" "
                + "stroke=\"\(marker.color)\"><title>\(SVGText.escape(marker.label))</title></line>")
            placer.addSegment(from: (x, plot.y), to: (x, plot.maxY))
            requests.markers.append((marker.label, x))
        }
        out.line("</g>")
    }

    /// The points inside the plot area: a marker where the series draws them, and a label request where the point has one.
    private func drawPoints(_ layout: ChartLayout, placer: inout LabelPlacer, requests: inout LabelRequests,
                            into out: inout SVGDocument) {
        out.line("<g class=\"series-points\">")
        for series in series {
            let drawMarkers: Bool
            switch series.style {
            case .points: drawMarkers = true
            case .line(_, let markers): drawMarkers = markers
            }
            for (index, point) in series.points.enumerated() {
                guard let x = layout.pixelX(point.x), let y = layout.pixelY(point.y), Chart.contains(layout.plotArea, x, y)
                else { continue }
                let label = index < series.pointLabels.count ? series.pointLabels[index] : nil
                if drawMarkers {
                    let share = index < series.pointShares.count ? series.pointShares[index] : nil
                    drawPointMarker(of: series, x: x, y: y, share: share, tip: label ?? series.name, placer: &placer, into: &out)
                }
                if let label {
                    let share = index < series.pointShares.count ? series.pointShares[index] : 0
                    requests.addPoint(label, share: share, x: x, y: y, role: series.role)
                }
            }
        }
        out.line("</g>")
    }

    /// One point's circle (hollow and larger for a ridge point, larger for a points-only series, sized by its share
    /// when it has one: `Chart.markerRadius(share:)`), an obstacle for labels.
    private func drawPointMarker(of series: ChartSeries, x: Double, y: Double, share: Double?, tip: String,
                                 placer: inout LabelPlacer, into out: inout SVGDocument) {
        let radius = share.map(Chart.markerRadius(share:))
            ?? (series.role.isHollow ? 5.0 : (series.style == .points ? 4.5 : 2.5))
        let fill = series.role.isHollow ? "#ffffff" : series.color
        let stroke = series.role.isHollow ? series.color : "#ffffff"
        out.line(markerElement(series.marker, className: series.role.rawValue, x: x, y: y, radius: radius,
                               paint: "fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.5\"",
                               content: "<title>\(SVGText.escape(tip))</title>"))
        placer.addPoint(x: x, y: y, radius: radius + 1)
    }

    /// Places the requested labels: lines' and markers' first (they have few good places), then points'. Each comes
    /// back with its class and colour.
    private func placeLabels(_ requests: LabelRequests, placer: inout LabelPlacer, plot: ChartRect)
        -> [(label: PlacedLabel, kind: String, color: String)] {
        var placed: [(label: PlacedLabel, kind: String, color: String)] = []
        for request in requests.lines {
            let label = placer.place(request.text, x: request.x, y: request.y, fontSize: TextMetrics.labelFontSize,
                                     directions: [.northWest, .southEast, .north, .south, .northEast, .southWest, .east, .west])
            placed.append((label, "line-label", request.color))
        }
        for marker in requests.markers {
            let label = placer.place(marker.text, x: marker.x, y: plot.y + 2, fontSize: TextMetrics.labelFontSize,
                                     directions: [.southEast, .southWest, .east, .west])
            placed.append((label, "marker-label", "#222222"))
        }
        for request in requests.points {
            let label = placer.place(Chart.clusterText(request.texts, shares: request.shares), x: request.x, y: request.y, fontSize: TextMetrics.labelFontSize,
                                     directions: [.east, .northEast, .southEast, .west, .north, .south, .northWest, .southWest])
            placed.append((label, "point-label", "#222222"))
        }
        return placed
    }

    /// The placed labels, white-haloed, after leader lines for point and marker labels set apart from their anchor
    /// (a line label's colour names its line).
    private func drawLabels(_ labels: [(label: PlacedLabel, kind: String, color: String)], into out: inout SVGDocument) {
        out.line("<g class=\"labels\" font-size=\"\(n(TextMetrics.labelFontSize))\">")
        for (label, kind, _) in labels where label.needsLeader && kind != "line-label" {
            let (ex, ey) = Chart.nearestEdgePoint(of: label.box, toX: label.anchorX, y: label.anchorY)
            out.line("<line class=\"leader\" x1=\"\(n(label.anchorX))\" y1=\"\(n(label.anchorY))\" x2=\"\(n(ex))\" y2=\"\(n(ey))\" "
                + "stroke=\"#888888\" stroke-width=\"0.8\"/>")
        }
        for (label, kind, color) in labels {
            out.line("<text class=\"\(kind)\" x=\"\(n(label.textX))\" y=\"\(n(label.textY))\" fill=\"\(color)\" stroke=\"#ffffff\" "
                + "stroke-width=\"3\" stroke-opacity=\"0.85\" paint-order=\"stroke\">\(SVGText.escape(label.text))</text>")
        }
        out.line("</g>")
    }

    /// The footnotes, one line each, below the x axis title.
    private func drawFootnotes(_ layout: ChartLayout, into out: inout SVGDocument) {
        let plot = layout.plotArea
        var footY = plot.maxY + 8 + TextMetrics.tickFontSize + 10 + TextMetrics.axisTitleFontSize + 10
        for note in footnotes {
            footY += TextMetrics.footnoteFontSize + 4
            out.line("<text class=\"footnote\" x=\"\(n(plot.x))\" y=\"\(n(footY))\" font-size=\"\(n(TextMetrics.footnoteFontSize))\" "
                + "fill=\"#555555\">\(SVGText.escape(note))</text>")
        }
    }

    private func n(_ value: Double) -> String { SVGText.number(value) }

    /// One marker centred on (x, y): a `<circle>` of radius r, or a `<path>` (with its centre in `data-cx`,
    /// `data-cy` and r in `data-r`) for a square of side 2 × 0.89 r, a triangle with vertices at r × 1.3 from the centre, or a
    /// diamond with vertices at r × 1.25 (sizes chosen so that each covers about the circle's area, π r²).
    private func markerElement(_ shape: MarkerShape, className: String?, x: Double, y: Double, radius r: Double,
                               paint: String, content: String) -> String {
        let kind = className.map { "class=\"\($0)\" " } ?? ""
        let vertices: [(Double, Double)]
        switch shape {
        case .circle:
            let body = "<circle \(kind)cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" \(paint)"
            return content.isEmpty ? body + "/>" : body + ">\(content)</circle>"
        case .square:
            let h = 0.89 * r
            vertices = [(x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h)]
        case .triangle:
            let t = 1.3 * r
            vertices = [(x, y - t), (x + t * 0.866, y + t * 0.5), (x - t * 0.866, y + t * 0.5)]
        case .diamond:
            let d = 1.25 * r
            vertices = [(x, y - d), (x + d, y), (x, y + d), (x - d, y)]
        }
        let path = "M" + vertices.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " L") + " Z"
        let body = "<path \(kind)data-shape=\"\(shape.rawValue)\" data-cx=\"\(n(x))\" data-cy=\"\(n(y))\" data-r=\"\(n(r))\" d=\"\(path)\" \(paint)"
        return content.isEmpty ? body + "/>" : body + ">\(content)</path>"
    }

    /// Smallest radius of a marker sized by its share, in pixels: a tiny share stays visible.
    static let minimumMarkerRadius = 3.0
    /// Radius of a marker whose share is the whole (1), in pixels.
    static let fullShareMarkerRadius = 16.0

    /// Radius of a marker whose area stands for `share` (0…1, clamped):
    /// r = max(minimumMarkerRadius, fullShareMarkerRadius × √share), so that area ∝ share above the minimum
    /// (a share of 0.25 gets half the radius of the whole, a quarter of its area).
    static func markerRadius(share: Double) -> Double {
        let clamped = share.isFinite ? min(max(share, 0), 1) : 0
        return max(minimumMarkerRadius, fullShareMarkerRadius * clamped.squareRoot())
    }

    /// Grid lines at labelled ticks (fainter at minor ones), the plot frame, tick marks, tick labels, axis titles.
    private func drawGridAndAxes(_ layout: ChartLayout, into out: inout SVGDocument) {
        let plot = layout.plotArea
        let xTicks = Chart.ticks(for: xAxis).compactMap { tick in layout.pixelX(tick.value).map { (tick, $0) } }
        let yTicks = Chart.ticks(for: yAxis).compactMap { tick in layout.pixelY(tick.value).map { (tick, $0) } }
        out.line("<g class=\"grid\" stroke-width=\"1\">")
        for (tick, x) in xTicks {
            out.line("<line x1=\"\(n(x))\" y1=\"\(n(plot.y))\" x2=\"\(n(x))\" y2=\"\(n(plot.maxY))\" stroke=\"\(tick.label == nil ? "#f3f3f3" : "#e2e2e2")\"/>")
        }
        for (tick, y) in yTicks {
            out.line("<line x1=\"\(n(plot.x))\" y1=\"\(n(y))\" x2=\"\(n(plot.maxX))\" y2=\"\(n(y))\" stroke=\"\(tick.label == nil ? "#f3f3f3" : "#e2e2e2")\"/>")
        }
        out.line("</g>")

        out.line("<g class=\"axis x\" data-scale=\"\(xAxis.scale.rawValue)\" font-size=\"\(n(TextMetrics.tickFontSize))\" fill=\"#333333\">")
        out.line("<line class=\"axis-line\" x1=\"\(n(plot.x))\" y1=\"\(n(plot.maxY))\" x2=\"\(n(plot.maxX))\" y2=\"\(n(plot.maxY))\" stroke=\"#333333\"/>")
        for (tick, x) in xTicks {
            let length = tick.label == nil ? 3.0 : 6.0
            out.line("<line class=\"tick\" x1=\"\(n(x))\" y1=\"\(n(plot.maxY))\" x2=\"\(n(x))\" y2=\"\(n(plot.maxY + length))\" stroke=\"#333333\"/>")
            if let label = tick.label {
                out.line("<text class=\"tick-label\" x=\"\(n(x))\" y=\"\(n(plot.maxY + 8 + TextMetrics.tickFontSize))\" "
                    + "text-anchor=\"middle\">\(SVGText.escape(label))</text>")
            }
        }
        let xTitleY = plot.maxY + 8 + TextMetrics.tickFontSize + 10 + TextMetrics.axisTitleFontSize
        out.line("<text class=\"axis-title\" x=\"\(n(plot.x + plot.width / 2))\" y=\"\(n(xTitleY))\" text-anchor=\"middle\" "
            + "font-size=\"\(n(TextMetrics.axisTitleFontSize))\">\(SVGText.escape(xAxis.title))</text>")
        out.line("</g>")

        out.line("<g class=\"axis y\" data-scale=\"\(yAxis.scale.rawValue)\" font-size=\"\(n(TextMetrics.tickFontSize))\" fill=\"#333333\">")
        out.line("<line class=\"axis-line\" x1=\"\(n(plot.x))\" y1=\"\(n(plot.y))\" x2=\"\(n(plot.x))\" y2=\"\(n(plot.maxY))\" stroke=\"#333333\"/>")
        for (tick, y) in yTicks {
            let length = tick.label == nil ? 3.0 : 6.0
            out.line("<line class=\"tick\" x1=\"\(n(plot.x - length))\" y1=\"\(n(y))\" x2=\"\(n(plot.x))\" y2=\"\(n(y))\" stroke=\"#333333\"/>")
            if let label = tick.label {
                out.line("<text class=\"tick-label\" x=\"\(n(plot.x - 9))\" y=\"\(n(y + TextMetrics.tickFontSize * 0.35))\" "
                    + "text-anchor=\"end\">\(SVGText.escape(label))</text>")
            }
        }
        let yTitleX = 14 + TextMetrics.axisTitleFontSize * 0.5
        let yTitleY = plot.y + plot.height / 2
        out.line("<text class=\"axis-title\" x=\"\(n(yTitleX))\" y=\"\(n(yTitleY))\" text-anchor=\"middle\" "
            + "font-size=\"\(n(TextMetrics.axisTitleFontSize))\" transform=\"rotate(-90 \(n(yTitleX)) \(n(yTitleY)))\">"
            + "\(SVGText.escape(yAxis.title))</text>")
        // The frame's top and right edges.
        out.line("<polyline class=\"frame\" points=\"\(n(plot.x)),\(n(plot.y)) \(n(plot.maxX)),\(n(plot.y)) \(n(plot.maxX)),\(n(plot.maxY))\" "
            + "fill=\"none\" stroke=\"#bbbbbb\"/>")
        out.line("</g>")
    }

    /// One legend entry per named series: a line sample (dashed if the series is) or a marker, then the name.
    private func drawLegend(_ layout: ChartLayout, into out: inout SVGDocument) {
        let entries = series.filter { !$0.name.isEmpty }
        guard !entries.isEmpty else { return }
        let area = layout.legendArea
        out.line("<g class=\"legend\" font-size=\"\(n(TextMetrics.legendFontSize))\">")
        out.line("<rect x=\"\(n(area.x))\" y=\"\(n(area.y))\" width=\"\(n(area.width))\" height=\"\(n(area.height))\" "
            + "fill=\"#ffffff\" stroke=\"#cccccc\"/>")
        for (index, entry) in entries.enumerated() {
            let y = area.y + 6 + Double(index) * (TextMetrics.legendFontSize + 8) + (TextMetrics.legendFontSize + 8) / 2
            switch entry.style {
            case .line(let dashed, _):
                let dash = dashed ? " stroke-dasharray=\"7 4\"" : ""
                out.line("<line x1=\"\(n(area.x + 8))\" y1=\"\(n(y))\" x2=\"\(n(area.x + 30))\" y2=\"\(n(y))\" stroke=\"\(entry.color)\" "
                    + "stroke-width=\"2\"\(dash)/>")
            case .points:
                let fill = entry.role.isHollow ? "#ffffff" : entry.color
                out.line(markerElement(entry.marker, className: nil, x: area.x + 19, y: y, radius: 4.5,
                                       paint: "fill=\"\(fill)\" stroke=\"\(entry.color)\" stroke-width=\"1.5\"", content: ""))
            }
            out.line("<text class=\"legend-entry\" x=\"\(n(area.x + 36))\" y=\"\(n(y + TextMetrics.legendFontSize * 0.35))\" "
                + "fill=\"#222222\">\(SVGText.escape(entry.name))</text>")
        }
        out.line("</g>")
    }

    /// The series' polyline in pixels, split where points cannot be drawn and clipped to the plot area.
    func visiblePieces(of series: ChartSeries, layout: ChartLayout) -> [[(x: Double, y: Double)]] {
        var pieces: [[(x: Double, y: Double)]] = []
        var current: [(x: Double, y: Double)] = []
        var previous: (x: Double, y: Double)?
        for point in series.points {
            guard let x = layout.pixelX(point.x), let y = layout.pixelY(point.y) else {
                if current.count > 1 { pieces.append(current) }
                current = []
                previous = nil
                continue
            }
            if let start = previous {
                if let (a, b) = Chart.clip(from: start, to: (x, y), to: layout.plotArea) {
                    if let last = current.last, abs(last.x - a.x) < 0.01, abs(last.y - a.y) < 0.01 {
                        current.append(b)
                    } else {
                        if current.count > 1 { pieces.append(current) }
                        current = [a, b]
                    }
                } else {
                    if current.count > 1 { pieces.append(current) }
                    current = []
                }
            }
            previous = (x, y)
        }
        if current.count > 1 { pieces.append(current) }
        return pieces
    }

    /// Liang–Barsky clipping of segment a→b to `rect`; nil when no part of it is inside.
    static func clip(from a: (x: Double, y: Double), to b: (x: Double, y: Double), to rect: ChartRect)
        -> ((x: Double, y: Double), (x: Double, y: Double))? {
        let dx = b.x - a.x
        let dy = b.y - a.y
        var t0 = 0.0
        var t1 = 1.0
        let checks: [(p: Double, q: Double)] = [(-dx, a.x - rect.x), (dx, rect.maxX - a.x), (-dy, a.y - rect.y), (dy, rect.maxY - a.y)]
        for (p, q) in checks {
            if p == 0 {
                if q < -1e-9 { return nil }
            } else {
                let r = q / p
                if p < 0 { t0 = max(t0, r) } else { t1 = min(t1, r) }
            }
        }
        guard t0 <= t1 else { return nil }
        return ((a.x + t0 * dx, a.y + t0 * dy), (a.x + t1 * dx, a.y + t1 * dy))
    }

    /// The point `fraction` of the way along the pieces' total length.
    static func point(along pieces: [[(x: Double, y: Double)]], fraction: Double) -> (x: Double, y: Double)? {
        let segments = pieces.flatMap { piece in zip(piece, piece.dropFirst()).map { ($0, $1) } }
        let total = segments.reduce(0) { $0 + hypot($1.1.x - $1.0.x, $1.1.y - $1.0.y) }
        guard total > 0 else { return pieces.first?.first }
        var remaining = min(max(fraction, 0), 1) * total
        for (a, b) in segments {
            let length = hypot(b.x - a.x, b.y - a.y)
            if remaining <= length {
                let t = length > 0 ? remaining / length : 0
                return (a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
            }
            remaining -= length
        }
        return segments.last.map { $0.1 }
    }

    /// The point of `box`'s edge nearest to (x, y), where a leader line ends.
    static func nearestEdgePoint(of box: ChartRect, toX x: Double, y: Double) -> (Double, Double) {
        (min(max(x, box.x), box.maxX), min(max(y, box.y + 2), box.maxY - 2))
    }

    static func contains(_ rect: ChartRect, _ x: Double, _ y: Double) -> Bool {
        x >= rect.x - 0.01 && x <= rect.maxX + 0.01 && y >= rect.y - 0.01 && y <= rect.maxY + 0.01
    }

    /// Share at or above which an operator in a crowd of markers is always named in its label.
    static let namedShare = 0.01

    /// Labels of points drawn on top of each other, as one: up to four names, then "+N more"; every name whose
    /// share (0…1, one per text, empty for none) is at least `namedShare` is named whatever the count, so that no
    /// operator with a visible part of the time hides behind "+N more" (texts come largest share first).
    static func clusterText(_ texts: [String], shares: [Double] = []) -> String {
        var unique: [String] = []
        var named = 0
        for (index, text) in texts.enumerated() where !unique.contains(text) {
            unique.append(text)
            if index < shares.count, shares[index] >= namedShare { named = unique.count }
        }
        if unique.count <= max(4, named) { return unique.joined(separator: ", ") }
        let shown = max(3, named)
        return unique.prefix(shown).joined(separator: ", ") + " +\(unique.count - shown) more"
    }
}

/// An SVG document being written, one element per line.
struct SVGDocument {
    private(set) var text = ""

    mutating func line(_ element: String, newline: Bool = true) {
        text += element
        if newline { text += "\n" }
    }
}

/// The labels a chart asks for while drawing, placed once everything they must avoid is known.
private struct LabelRequests {
    /// A line's label at a point along it, in the line's colour.
    var lines: [(text: String, x: Double, y: Double, color: String)] = []
    /// A vertical marker's label, at the top of the plot.
    var markers: [(text: String, x: Double)] = []
    /// Labels of points, several where points of one kind are drawn on top of each other.
    var points: [(texts: [String], shares: [Double], x: Double, y: Double, role: SeriesRole)] = []

    /// Asks for a point's label, with its share (0 for none); points of one kind drawn on top of each other
    /// (within 6 px) share a label.
    mutating func addPoint(_ label: String, share: Double, x: Double, y: Double, role: SeriesRole) {
        if let cluster = points.firstIndex(where: { $0.role == role && hypot($0.x - x, $0.y - y) < 6 }) {
            points[cluster].texts.append(label)
            points[cluster].shares.append(share)
        } else {
            points.append(([label], [share], x, y, role))
        }
    }
}
