/// Finds the plateaus of a bandwidth-versus-working-set sweep and names the memory level of each.
///
/// The cache sizes the kernel reports say which sizes to look at; the data says where each plateau really ends
/// (a VM may report a last-level cache larger than it can use). A sweep that never goes well past the last cache
/// gets no "DRAM" plateau, whatever its shape.
public struct PlateauDetector: Sendable {
    /// A point of the sweep: total working set in bytes and the best rate in bytes per second.
    public struct Point: Sendable, Equatable {
        public var workingSetBytes: Int
        public var bytesPerSecond: Double
        public init(workingSetBytes: Int, bytesPerSecond: Double) {
            self.workingSetBytes = workingSetBytes
            self.bytesPerSecond = bytesPerSecond
        }
    }

    /// A cache level and the bytes it holds for the threads of the sweep (private caches count once per thread).
    public struct Level: Sendable, Equatable {
        public var name: String
        public var capacityBytes: Int
        public init(name: String, capacityBytes: Int) {
            self.name = name
            self.capacityBytes = capacityBytes
        }
    }

    /// A plateau found and named.
    public struct Plateau: Sendable, Equatable {
        public var level: String
        /// Indices (into the sorted points) of the sizes well inside the level, from which the ceiling is taken.
        public var interiorIndices: [Int]
        /// Where the plateau ends in the data (the knee), nil for the last plateau or when the next level is not
        /// measurably slower.
        public var measuredCapacityBytes: Int?
    }

    /// A working set counts as main memory only beyond this multiple of the largest cache.
    public var dramBeyondLastCache: Double = 2
    /// Sizes within this factor of a boundary (a reported capacity or a measured knee) are not "well inside".
    public var margin: Double = 1.5

    public init() {}

    /// The plateaus of `points` (any order), one per level of `levels` (nearest to the core first) that the sweep
    /// covers, then DRAM if the sweep goes well past the last cache.
    ///
    /// 1. Each level's nominal interior: sizes from `margin` × the previous capacity to capacity ÷ `margin`; its
    ///    plateau value is the median rate there.
    /// 2. The knee after a level, from the data: the first larger size whose rate falls below the geometric mean of
    ///    this plateau and the next; the measured capacity is the geometric mean of that size and the one before.
    /// 3. The ceiling is taken from sizes inside both the nominal and the measured extent.
    public func plateaus(_ points: [Point], levels: [Level]) -> [Plateau] {
        let sorted = points.sorted { $0.workingSetBytes < $1.workingSetBytes }
        guard !sorted.isEmpty, !levels.isEmpty else { return [] }
        let lastCache = Double(levels.map(\.capacityBytes).max()!)
        // 1. Nominal interiors.
        var nominal: [(name: String, indices: [Int])] = []
        var previous = 0.0
        for level in levels {
            let low = previous * margin, high = Double(level.capacityBytes) / margin
            let indices = sorted.indices.filter {
                let size = Double(sorted[$0].workingSetBytes)
                return size >= low && size <= high
            }
            if !indices.isEmpty { nominal.append((level.name, indices)) }
            previous = Double(level.capacityBytes)
        }
        let dram = sorted.indices.filter { Double(sorted[$0].workingSetBytes) > dramBeyondLastCache * lastCache }
        if !dram.isEmpty { nominal.append(("DRAM", dram)) }

        func median(_ indices: [Int]) -> Double {
            let rates = indices.map { sorted[$0].bytesPerSecond }.sorted()
            return rates[rates.count / 2]
        }
        let values = nominal.map { median($0.indices) }
        // 2. Knees between consecutive plateaus.
        var knees: [Int?] = []
        for position in nominal.indices {
            guard position + 1 < nominal.count, values[position] > values[position + 1] * 1.05 else {
                knees.append(nil)
                continue
            }
            let threshold = (values[position] * values[position + 1]).squareRoot()
            let start = nominal[position].indices.last! + 1
            let end = nominal[position + 1].indices.first!
            var knee: Int?
            if start <= end {
                for index in start...end where sorted[index].bytesPerSecond < threshold {
                    knee = Int((Double(sorted[index - 1].workingSetBytes) * Double(sorted[index].workingSetBytes)).squareRoot())
                    break
                }
            }
            knees.append(knee)
        }
        // 3. Interior inside the measured extent as well.
        return nominal.indices.map { position in
            let upper = knees[position].map { Double($0) / margin } ?? .infinity
            let lower = position > 0 ? knees[position - 1].map { Double($0) * margin } ?? 0 : 0
            let inside = nominal[position].indices.filter {
                let size = Double(sorted[$0].workingSetBytes)
                return size <= upper && size >= lower
            }
            return Plateau(level: nominal[position].name, interiorIndices: inside.isEmpty ? nominal[position].indices : inside,
                           measuredCapacityBytes: knees[position])
        }
    }

    /// The capacities a team of `threads` sees: a private cache counts once per thread (up to the number of
    /// instances), a shared cache once per instance spanned. Data and unified caches only.
    public static func levels(caches: [CacheInfo], threads: Int) -> [Level] {
        caches.filter(\.type.holdsData).sorted { $0.level < $1.level }.map { cache in
            let instances = max(1, (threads + cache.sharedByCPUs - 1) / cache.sharedByCPUs)
            return Level(name: cache.name, capacityBytes: cache.sizeBytes * instances)
        }
    }
}
