import Foundation

extension Chart {
    /// Bandwidth against working-set size from a profile's sweep: x = working-set bytes (log), y = bytes/s (log),
    /// one line per kernel, thread count and NUMA placement, through the best (highest) rate at each size, counted
    /// the STREAM way (arrays read + written); with fewer than four sizes (a quick probe) points only, since a line
    /// would claim rates between them that were not measured. A dashed vertical line marks each data cache's size as the kernel
    /// reports it (one instance), its size in the x axis's decimal units (kB, MB: 48 KiB reads 49.2 kB) so that the
    /// axis speaks one unit system.
    ///
    /// So that the chart stays readable, it draws at most `maxKernels` kernels (those measured at the most sizes,
    /// the sweep's; ties go to triad, load, copy, then by name) at the fewest and the most threads; a footnote
    /// names the kernels left to the tables.
    ///
    /// Ranges: x from smallest size ÷ 1.5 to largest × 1.5 (widened to show every cache size), y from
    /// lowest rate ÷ 1.5 to highest × 1.5.
    public static func bandwidth(_ profile: HostProfile, title: String? = nil, maxKernels: Int = 2) -> Chart {
        struct Key: Hashable { var kernel: String; var threads: Int; var memoryNode: Int?; var cpuNode: Int? }
        var groups: [Key: [BandwidthMeasurement]] = [:]
        var order: [Key] = []
        for measurement in profile.bandwidth where measurement.workingSetBytes > 0 && measurement.algorithmicBytesPerSecond.best > 0 {
            let key = Key(kernel: measurement.kernel, threads: measurement.threads, memoryNode: measurement.memoryNode,
                          cpuNode: measurement.cpuNode)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(measurement)
        }
        var sizesPerKernel: [String: Set<Int>] = [:]
        for (key, measurements) in groups { sizesPerKernel[key.kernel, default: []].formUnion(measurements.map(\.workingSetBytes)) }
        let preferred = ["triad", "load", "copy"]
        let rankedKernels = sizesPerKernel.keys.sorted { a, b in
            let (sa, sb) = (sizesPerKernel[a]!.count, sizesPerKernel[b]!.count)
            if sa != sb { return sa > sb }
            let (pa, pb) = (preferred.firstIndex(of: a) ?? preferred.count, preferred.firstIndex(of: b) ?? preferred.count)
            return pa != pb ? pa < pb : a < b
        }
        let drawnKernels = Set(rankedKernels.prefix(maxKernels))
        let threadCounts = order.map(\.threads)
        let drawnThreads: Set<Int> = [threadCounts.min() ?? 1, threadCounts.max() ?? 1]
        order = order.filter { drawnKernels.contains($0.kernel) && drawnThreads.contains($0.threads) }
        order.sort { ($0.kernel, $0.threads, $0.memoryNode ?? -1, $0.cpuNode ?? -1) < ($1.kernel, $1.threads, $1.memoryNode ?? -1, $1.cpuNode ?? -1) }

        var series: [ChartSeries] = []
        for (index, key) in order.enumerated() {
            // A size measured twice (in the sweep and at a fixed size) keeps its highest rate.
            let bestPerSize = Dictionary(groupingBy: groups[key]!, size: \.workingSetBytes, rate: \.algorithmicBytesPerSecond.best)
            let points = bestPerSize.keys.sorted().map { ChartPoint(x: Double($0), y: bestPerSize[$0]!) }
            var name = "\(key.kernel), \(key.threads) thread\(key.threads == 1 ? "" : "s")"
            if let memory = key.memoryNode { name += ", memory on node \(memory)" }
            if let cpu = key.cpuNode { name += ", CPUs on node \(cpu)" }
            series.append(ChartSeries(name: name, color: ChartPalette.series[index % ChartPalette.series.count],
                                      style: points.count >= 4 ? .line(dashed: false, markers: true) : .points,
                                      role: .measurement, points: points,
                                      marker: MarkerShape.allCases[index % MarkerShape.allCases.count]))
        }
        var seenLevels = Set<Int>()
        var markers: [VerticalMarker] = []
        for cache in profile.host.dataCaches where cache.sizeBytes > 0 && seenLevels.insert(cache.level).inserted {
            markers.append(VerticalMarker(x: Double(cache.sizeBytes), label: "\(cache.qualifiedName) \(Format.bytes(Double(cache.sizeBytes)))",
                                          color: ChartPalette.markers))
        }

        let sizes = series.flatMap(\.points).map(\.x) + markers.map(\.x)
        let rates = series.flatMap(\.points).map(\.y)
        let xLower = (sizes.min() ?? 1e3) / 1.5
        let xUpper = (sizes.max() ?? 1e9) * 1.5
        let yLower = (rates.min() ?? 1e9) / 1.5
        let yUpper = (rates.max() ?? 1e11) * 1.5
        var footnotes = ["Bytes counted the STREAM way (arrays read + written); best of the repetitions at each size."]
        let leftOut = rankedKernels.dropFirst(maxKernels)
        if !leftOut.isEmpty {
            footnotes.append("Other kernels are in the tables: \(leftOut.sorted().joined(separator: ", ")).")
        }
        if !markers.isEmpty {
            footnotes.append("Dashed lines: cache sizes the kernel reports, one instance each; threads with private caches split the working set between them.")
        }
        return Chart(
            title: title ?? "Bandwidth against working-set size: \(profile.host.cpuModel)",
            xAxis: ChartAxis(title: "Working set (bytes, all threads together)", scale: .logarithmic, lowerBound: xLower,
                             upperBound: xUpper, tickUnit: "B"),
            yAxis: ChartAxis(title: "Bandwidth (bytes/s)", scale: .logarithmic, lowerBound: yLower, upperBound: yUpper, tickUnit: "B/s"),
            series: series, markers: markers, footnotes: footnotes)
    }
}

extension Dictionary where Key == Int, Value == Double {
    /// The highest `rate` among `items` for each `size`.
    init<T>(groupingBy items: [T], size: (T) -> Int, rate: (T) -> Double) {
        self.init()
        for item in items { self[size(item)] = Swift.max(self[size(item)] ?? -.infinity, rate(item)) }
    }
}
