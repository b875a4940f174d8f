import Foundation

/// A label with its chosen place.
struct PlacedLabel: Equatable {
    var text: String
    /// The point the label belongs to.
    var anchorX: Double
    var anchorY: Double
    /// Where the text is drawn: `textX` is its left edge, `textY` its baseline.
    var textX: Double
    var textY: Double
    var box: ChartRect
    /// True when the label sits far enough from its anchor to need a leader line.
    var needsLeader: Bool
}

/// Places labels one at a time so that they avoid each other, the points, the lines and the edges of the plot.
///
/// Each label tries positions around its anchor (8 directions at 5 growing distances) and takes the first with no
/// overlap; when every position overlaps something it takes the one with the least weighted overlap:
/// 10 × area over other labels + 3 × area over points + 1 × area over lines + 20 × area outside the bounds,
/// plus 0.5 per unit of distance from the anchor. Greedy, so earlier labels win.
struct LabelPlacer {
    /// Compass directions as (dx, dy) unit steps; y grows downwards.
    enum Direction: CaseIterable {
        case east, west, north, south, northEast, southEast, northWest, southWest
    }

    let bounds: ChartRect
    private(set) var labels: [ChartRect] = []
    private(set) var points: [ChartRect] = []
    private(set) var lines: [ChartRect] = []

    init(bounds: ChartRect) {
        self.bounds = bounds
    }

    /// Marks a drawn point (a marker of `radius`) so that labels keep off it.
    mutating func addPoint(x: Double, y: Double, radius: Double) {
        points.append(ChartRect(x: x - radius, y: y - radius, width: 2 * radius, height: 2 * radius))
    }

    /// Marks a drawn line segment so that labels keep off it: small squares every 6 units along it.
    mutating func addSegment(from a: (x: Double, y: Double), to b: (x: Double, y: Double)) {
        let length = hypot(b.x - a.x, b.y - a.y)
        let steps = max(1, Int(length / 6))
        for step in 0...steps {
            let t = Double(step) / Double(steps)
            let x = a.x + (b.x - a.x) * t
            let y = a.y + (b.y - a.y) * t
            lines.append(ChartRect(x: x - 1.5, y: y - 1.5, width: 3, height: 3))
        }
    }

    /// Marks an area already taken (the legend, a fixed label).
    mutating func addObstacle(_ rect: ChartRect) {
        labels.append(rect)
    }

    /// Places `text` near (x, y), trying `directions` in order at distances 5, 14, 28, 46 and 70 units.
    mutating func place(_ text: String, x: Double, y: Double, fontSize: Double,
                        directions: [Direction] = Direction.allCases) -> PlacedLabel {
        let width = TextMetrics.width(text, fontSize: fontSize)
        let height = fontSize * 1.2
        var best: (score: Double, label: PlacedLabel)?
        search: for distance in [5.0, 14, 28, 46, 70] {
            for direction in directions {
                let box = LabelPlacer.box(width: width, height: height, x: x, y: y, distance: distance, direction: direction)
                let label = PlacedLabel(
                    text: text, anchorX: x, anchorY: y, textX: box.x, textY: box.y + fontSize * 0.95, box: box,
                    needsLeader: distance > 10)
                let overlap = score(box)
                let total = overlap + distance * 0.5
                if best == nil || total < best!.score { best = (total, label) }
                if overlap == 0 { break search }
            }
        }
        let chosen = best!.label
        labels.append(chosen.box)
        return chosen
    }

    /// Weighted overlap of a candidate box with everything placed so far.
    private func score(_ box: ChartRect) -> Double {
        var total = 20 * box.areaOutside(bounds)
        for other in labels { total += 10 * box.overlapArea(with: other) }
        for other in points { total += 3 * box.overlapArea(with: other) }
        for other in lines { total += box.overlapArea(with: other) }
        return total
    }

    /// The box of a label `distance` away from (x, y) in `direction`, centred on the axis it is offset along.
    static func box(width: Double, height: Double, x: Double, y: Double, distance: Double, direction: Direction) -> ChartRect {
        let d = distance
        switch direction {
        case .east: return ChartRect(x: x + d, y: y - height / 2, width: width, height: height)
        case .west: return ChartRect(x: x - d - width, y: y - height / 2, width: width, height: height)
        case .north: return ChartRect(x: x - width / 2, y: y - d - height, width: width, height: height)
        case .south: return ChartRect(x: x - width / 2, y: y + d, width: width, height: height)
        case .northEast: return ChartRect(x: x + d * 0.7, y: y - d * 0.7 - height, width: width, height: height)
        case .southEast: return ChartRect(x: x + d * 0.7, y: y + d * 0.7, width: width, height: height)
        case .northWest: return ChartRect(x: x - d * 0.7 - width, y: y - d * 0.7 - height, width: width, height: height)
        case .southWest: return ChartRect(x: x - d * 0.7 - width, y: y + d * 0.7, width: width, height: height)
        }
    }
}
