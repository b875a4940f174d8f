import Foundation

/// How an axis maps values to positions.
public enum AxisScale: String, Codable, Sendable, Equatable {
    case linear
    /// Base 10; ticks at decades. Only positive values can be drawn.
    case logarithmic
}

/// One axis of a chart: a title, a scale and the range of data values it shows.
public struct ChartAxis: Codable, Sendable, Equatable {
    public var title: String
    public var scale: AxisScale
    public var lowerBound: Double
    public var upperBound: Double
    /// Unit written after each tick label with a decimal prefix ("B" → "10 kB"); empty for plain numbers.
    public var tickUnit: String

    public init(title: String, scale: AxisScale, lowerBound: Double, upperBound: Double, tickUnit: String = "") {
        self.title = title
        self.scale = scale
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.tickUnit = tickUnit
    }
}

/// A point in data coordinates.
public struct ChartPoint: Codable, Sendable, Equatable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// How a series is drawn.
public enum SeriesStyle: Codable, Sendable, Equatable {
    /// A polyline through the points (clipped to the plot area), optionally dashed, with a marker on each point.
    case line(dashed: Bool, markers: Bool)
    /// A marker per point, no line.
    case points
}

/// What a series stands for; written as the `class` of its SVG elements so that a reader (or a test) can find them.
public enum SeriesRole: String, Codable, Sendable, Equatable {
    /// A bandwidth ceiling (a diagonal on a roofline).
    case memoryCeiling = "ceiling memory"
    /// A compute ceiling (a flat line on a roofline).
    case computeCeiling = "ceiling compute"
    /// Ridge points where a bandwidth diagonal meets a compute roof.
    case ridge
    /// Operators placed on a roofline.
    case memoryBoundOperator = "operator memory-bound"
    case computeBoundOperator = "operator compute-bound"
    /// Operators at their calibrated predicted rate (hollow markers).
    case predictedOperator = "operator predicted"

    /// Roles drawn as hollow markers (white fill, coloured outline).
    var isHollow: Bool { self == .ridge || self == .predictedOperator }
    /// A measured curve (bandwidth against working-set size).
    case measurement
}

/// The shape of a point's marker, so that no two kinds of point differ by colour alone.
public enum MarkerShape: String, Codable, Sendable, Equatable, CaseIterable {
    case circle, square, triangle, diamond

    /// The shape a role's points get unless the series names one: operators circle (memory-bound) and square
    /// (compute-bound), ridge points and knees diamond, predicted rates triangle, measurements circle.
    static func `default`(for role: SeriesRole) -> MarkerShape {
        switch role {
        case .computeBoundOperator: .square
        case .ridge: .diamond
        case .predictedOperator: .triangle
        case .memoryBoundOperator, .measurement, .memoryCeiling, .computeCeiling: .circle
        }
    }
}

/// The Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008): the one palette of every chart.
enum OkabeIto {
    static let orange = "#E69F00"
    static let skyBlue = "#56B4E9"
    static let bluishGreen = "#009E73"
    static let yellow = "#F0E442"
    static let blue = "#0072B2"
    static let vermillion = "#D55E00"
    static let reddishPurple = "#CC79A7"
    static let black = "#000000"
    /// Series colours in order (yellow last: weakest on white).
    static let series = [blue, orange, bluishGreen, reddishPurple, skyBlue, vermillion, yellow]
}

/// A named set of points drawn one way, with an entry in the legend.
public struct ChartSeries: Codable, Sendable, Equatable {
    /// Legend text; an empty name keeps the series out of the legend.
    public var name: String
    /// A CSS colour ("#1f77b4").
    public var color: String
    public var style: SeriesStyle
    public var role: SeriesRole
    public var points: [ChartPoint]
    /// One label per point (nil for none); labels are placed to avoid each other and the points.
    public var pointLabels: [String?]
    /// A label written beside the line itself.
    public var lineLabel: String?
    /// Where along the visible part of the line (0 = where it enters the plot, 1 = where it leaves) the line
    /// label is anchored.
    public var lineLabelFraction: Double
    /// One share of the whole (0…1) per point, which sets the marker's area (`Chart.markerRadius(share:)`);
    /// empty for markers of one size.
    public var pointShares: [Double]
    /// The shape of each point's marker (and of the legend's sample).
    public var marker: MarkerShape

    public init(name: String, color: String, style: SeriesStyle, role: SeriesRole, points: [ChartPoint],
                pointLabels: [String?] = [], lineLabel: String? = nil, lineLabelFraction: Double = 0.5,
                pointShares: [Double] = [], marker: MarkerShape? = nil) {
        self.name = name
        self.color = color
        self.style = style
        self.role = role
        self.points = points
        self.pointLabels = pointLabels
        self.lineLabel = lineLabel
        self.lineLabelFraction = lineLabelFraction
        self.pointShares = pointShares
        self.marker = marker ?? .default(for: role)
    }
}

/// A vertical line at one x value across the plot, with a label at its top (a cache size on a size sweep).
public struct VerticalMarker: Codable, Sendable, Equatable {
    public var x: Double
    public var label: String
    public var color: String

    public init(x: Double, label: String, color: String) {
        self.x = x
        self.label = label
        self.color = color
    }
}

/// A chart as a value: axes, series, markers and legend. `svg()` draws it.
public struct Chart: Codable, Sendable, Equatable {
    public var title: String
    public var xAxis: ChartAxis
    public var yAxis: ChartAxis
    public var series: [ChartSeries]
    public var markers: [VerticalMarker]
    /// Lines of small text under the plot (what was left out and why).
    public var footnotes: [String]
    /// Size of the drawing in SVG user units (pixels).
    public var width: Double
    public var height: Double

    public init(title: String, xAxis: ChartAxis, yAxis: ChartAxis, series: [ChartSeries], markers: [VerticalMarker] = [],
                footnotes: [String] = [], width: Double = 960, height: Double = 600) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.markers = markers
        self.footnotes = footnotes
        self.width = width
        self.height = height
    }
}

/// A rectangle in SVG user units, y growing downwards.
public struct ChartRect: Codable, Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }

    /// Area shared with `other` (0 when they do not touch).
    func overlapArea(with other: ChartRect) -> Double {
        let w = min(maxX, other.maxX) - max(x, other.x)
        let h = min(maxY, other.maxY) - max(y, other.y)
        return w > 0 && h > 0 ? w * h : 0
    }

    /// Area of `self` that lies outside `bounds`.
    func areaOutside(_ bounds: ChartRect) -> Double {
        width * height - overlapArea(with: bounds)
    }
}
