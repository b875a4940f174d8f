import Foundation
import RooflineCore

/// Text and markdown of a cluster profile (`probe --mpi`, and the Cluster section of `report`).
public enum ClusterProfileRendering {
    /// The chart files of the network, by what they show (nil where not drawn).
    public struct ChartNames: Sendable {
        public var latency: String?
        public var bandwidth: String?
        public var allReduce: String?

        public init(latency: String? = nil, bandwidth: String? = nil, allReduce: String? = nil) {
            self.latency = latency
            self.bandwidth = bandwidth
            self.allReduce = allReduce
        }
    }

    static func optional(_ value: Double?, _ format: (Double) -> String) -> String { value.map(format) ?? "—" }

    /// One row per rank: host, CPU, DRAM bandwidth, FLOP peak, latency, and which ceilings are outliers.
    public static func nodeTable(_ profile: ClusterProfile) -> Table {
        Table(headers: ["rank", "host", "CPU", "CPUs", "DRAM bandwidth", "FLOP peak", "DRAM latency", "outlier"],
              rows: profile.nodes.map { node in
                  let flagged = profile.outliers.filter { $0.rank == node.rank }.map { ceilingName($0.ceiling) }
                  return [String(node.rank), node.hostname, node.profile.host.cpuModel, String(node.profile.host.cpusAvailable.count),
                          optional(node.ceilings.dramBytesPerSecond, Format.bytesPerSecond),
                          optional(node.ceilings.peakFlopsPerSecond, Format.flopsPerSecond),
                          optional(node.ceilings.latencySeconds, Format.seconds), flagged.isEmpty ? "" : flagged.joined(separator: ", ")]
              } + [["median", "", "", "", optional(profile.medians.dramBytesPerSecond, Format.bytesPerSecond),
                    optional(profile.medians.peakFlopsPerSecond, Format.flopsPerSecond),
                    optional(profile.medians.latencySeconds, Format.seconds), ""]],
              rightAligned: [0, 3, 4, 5, 6])
    }

    static func ceilingName(_ ceiling: NodeCeiling) -> String {
        switch ceiling {
        case .dramBandwidth: "DRAM bandwidth"
        case .flopPeak: "FLOP peak"
        case .latency: "latency"
        }
    }

    static func formatted(_ value: Double, _ ceiling: NodeCeiling) -> String {
        switch ceiling {
        case .dramBandwidth: Format.bytesPerSecond(value)
        case .flopPeak: Format.flopsPerSecond(value)
        case .latency: Format.seconds(value)
        }
    }

    /// One sentence per outlier, or one saying there is none.
    public static func outlierLines(_ profile: ClusterProfile) -> [String] {
        let margin = Format.significant(profile.outlierMarginFraction * 100, digits: 3)
        guard !profile.outliers.isEmpty else {
            return ["No outlier: every node is within \(margin) % of the median on every ceiling measured."]
        }
        return profile.outliers.map { outlier in
            let percent = Format.significant(abs(outlier.deviationFraction) * 100, digits: 3)
            return "Rank \(outlier.rank) (\(outlier.hostname)): \(ceilingName(outlier.ceiling)) \(formatted(outlier.value, outlier.ceiling)), "
                + "\(percent) % \(outlier.deviationFraction < 0 ? "below" : "above") the median \(formatted(outlier.median, outlier.ceiling)) "
                + "(margin \(margin) %)."
        }
    }

    /// Per pair, the latency at the smallest size and the bandwidth at the largest.
    public static func pairTable(_ network: ClusterNetwork) -> Table {
        Table(headers: ["pair", "hosts", "latency (smallest)", "bandwidth (largest)"],
              rows: network.pairs.map { pair in
                  ["\(pair.rankA)–\(pair.rankB)", "\(pair.hostnameA)–\(pair.hostnameB)",
                   pair.points.first.map { "\(Format.seconds($0.meanSeconds)) at \(Format.bytes(Double($0.bytes)))" } ?? "—",
                   pair.points.last.map { "\(Format.bytesPerSecond($0.bytesPerSecond)) at \(Format.bytes(Double($0.bytes)))" } ?? "—"]
              }, rightAligned: [2, 3])
    }

    /// Every fit: form, α, β and the relative RMS error.
    public static func fitTable(_ network: ClusterNetwork) -> Table {
        let fits = (network.pointToPointFit.map { [$0] } ?? []) + network.allReduceFits + (network.plannerFit.map { [$0] } ?? [])
        return Table(headers: ["fit", "α (latency)", "β (bandwidth)", "rms error"], rows: fits.map { fit in
            [fitName(fit.form, ranks: fit.ranks), Format.seconds(fit.latencySeconds), Format.bytesPerSecond(fit.bytesPerSecond),
             "\(Format.significant(fit.relativeRMSError * 100, digits: 3)) %"]
        }, rightAligned: [1, 2, 3])
    }

    static func fitName(_ form: AllReduceForm, ranks: Int) -> String {
        switch form {
        case .pointToPoint: "ping-pong: α + bytes ÷ β (median over pairs)"
        case .ring: "all-reduce ring: 2(r−1)α + 2(r−1)/r × bytes ÷ β, r = \(ranks)"
        case .tree: "all-reduce tree: 2⌈log₂ r⌉α + 2 × bytes ÷ β, r = \(ranks)"
        case .plannerMinimum: "planner: min(ring, tree) (used by plan --network-profile)"
        }
    }

    /// The one line that gives the planner's α and β.
    public static func plannerLine(_ network: ClusterNetwork) -> String {
        guard let planner = network.plannerFit else { return "No all-reduce fit: too few message sizes grew with size." }
        return "Fitted α = \(Format.seconds(planner.latencySeconds)), β = \(Format.bytesPerSecond(planner.bytesPerSecond)) "
            + "(the planner's min(ring, tree) over \(network.ranks) ranks, rms error \(Format.significant(planner.relativeRMSError * 100, digits: 3)) %)."
    }

    public static func text(_ profile: ClusterProfile) -> String {
        var out = "Cluster of \(profile.nodes.count) rank\(profile.nodes.count == 1 ? "" : "s") (\(profile.mpiLibrary), nodes probed \(profile.schedule == .sequential ? "one after another" : "all at once"))\n\n"
        out += nodeTable(profile).text + "\n"
        out += outlierLines(profile).joined(separator: "\n") + "\n"
        if let network = profile.network {
            out += "\nNetwork: ping-pong per pair (\(Format.bytes(Double(network.pairs.first?.points.first?.bytes ?? 0))) to "
                + "\(Format.bytes(Double(network.pairs.first?.points.last?.bytes ?? 0))))\n\n" + pairTable(network).text + "\n"
            out += fitTable(network).text + "\n" + plannerLine(network) + "\n"
        }
        return out
    }

    /// The markdown section (headings at `level`); charts are linked where named.
    public static func markdown(_ profile: ClusterProfile, charts: ChartNames = ChartNames(), level: String = "##") -> String {
        var md = "\(level) Cluster\n\n"
        md += "\(profile.nodes.count) rank\(profile.nodes.count == 1 ? "" : "s") under \(Markdown.escape(profile.mpiLibrary)), nodes probed "
            + "\(profile.schedule == .sequential ? "one after another" : "all at once"). A node is an outlier when its DRAM bandwidth or FLOP peak is more than "
            + "\(Format.significant(profile.outlierMarginFraction * 100, digits: 3)) % below the median, or its latency more than that above it.\n\n"
        md += nodeTable(profile).markdown + "\n"
        md += outlierLines(profile).map { "- \(Markdown.escape($0))\n" }.joined() + "\n"
        guard let network = profile.network else { return md }
        md += "\(level)# Network\n\n" + pairTable(network).markdown + "\n"
        for (name, title) in [(charts.latency, "Ping-pong latency"), (charts.bandwidth, "Ping-pong bandwidth")] {
            if let name { md += "![\(title)](\(Markdown.linkTarget(name)))\n\n" }
        }
        md += fitTable(network).markdown + "\n" + Markdown.escape(plannerLine(network)) + "\n\n"
        if let name = charts.allReduce { md += "![All-reduce and the planner's model](\(Markdown.linkTarget(name)))\n\n" }
        return md
    }
}
