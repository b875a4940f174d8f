import Foundation
import RooflineCore

/// Fits kernel time models (`KernelTimeModel`) to measured rows: every step is a median or a quantile of the rows,
/// so a fit is deterministic and a few outliers move nothing.
public enum CalibrationFit {
    /// Rows whose bound at peak is at most this fraction of their measured time are pure overhead: the floor is
    /// fitted on them. 5 %: the bound then changes the time by less than the spread of repeated measurements.
    public static let overheadShare = 0.05
    /// The floor is this quantile of the overhead rows' times (the lower quartile: a typical small call, not the
    /// luckiest one).
    public static let floorQuantile = 0.25
    /// Width of the bins of log₂ work that the efficiency curves take one median from: half an octave.
    public static let binWidthLog2 = 0.5
    /// A GEMM row counts as memory-bound for the `memory` model when its memory time at peak is at least this
    /// multiple of its compute time.
    public static let memoryDominance = 4.0
    /// Width of the bins of log₂ parallel units per SM that the surfaces take one median from: one octave (a
    /// doubling of the waves a call gives the device).
    public static let unitsBinWidthLog2 = 1.0
    /// The families fitted with a per-wave time τ (`KernelTimeModel.secondsPerWave`): prefill attention, whose
    /// query tile has fixed work (load Q, RoPE, write K, V and O) that dominates short prompts. Across the bundled
    /// tables τ comes to 3.5 µs (A100), 3.2 µs (H100) and 3.5 µs (B200) per wave, and with it H100 → B200 prefill
    /// errors drop from 17/33 % to 10/29 % (median/p90, scripts/bench-calibration.py). Not GEMMs: a tile's work
    /// grows with k, so a GEMM has no fixed cost per tile, and τ made H100 → B200 worse (p90 30 → 48 %).
    public static let wavedFamilies: Set<KernelFamily> = [.prefillAttention]
    /// τ is this quantile of (time − floor) ÷ (units ÷ SMs) over the rows with at least one full wave: the lower
    /// decile, the cheapest waves (the shortest prompts), not the typical one whose time is mostly FLOPs or bytes.
    public static let waveQuantile = 0.1

    /// Every class in `rows` fitted at `peaks` (the measured device's). Without measured `memory` rows (the bundled
    /// tables have none), a `memory` model is fitted from the memory-bound GEMM rows with the GEMM floor (a
    /// streaming GEMV moves bytes the way a norm does).
    public static func fit(_ rows: [KernelMeasurement], peaks: KernelPeaks, name: String, source: String,
                           appliesTo: [String] = []) throws -> Calibration {
        guard !rows.isEmpty else { throw RooflineError.badData("no measured rows to fit: give at least one table") }
        var models = try Dictionary(grouping: rows, by: \.kernel).map { try fitModel($0.key, $0.value, peaks: peaks) }
        let gemm = rows.filter { $0.kernel.family == .gemm }
        let streaming = gemm.filter { row in
            peaks.boundSeconds(row.work, family: .gemm).map { $0.memory >= memoryDominance * $0.compute } ?? false
        }
        if !streaming.isEmpty, !models.contains(where: { $0.kernel.family == .memory }), let gemmModel = models.first(where: { $0.kernel == KernelClass(.gemm, "bf16") })
            ?? models.first(where: { $0.kernel.family == .gemm }) {
            var memory = try fitModel(KernelClass(.memory, "bytes"), streaming, peaks: peaks)
            memory.computeEfficiency = EfficiencyCurve(points: [])
            (memory.computeSurface, memory.bandwidthSurface) = (nil, nil)
            memory.floorSeconds = gemmModel.floorSeconds
            models.append(memory)
        }
        return Calibration(name: name, source: source, measuredOn: peaks, appliesTo: appliesTo, models: models)
    }

    /// One class:
    /// - floor t₀ = the `floorQuantile` of the times of rows whose bound ≤ `overheadShare` × time (0 when none);
    /// - each row with time t > t₀ and bound parts c (compute) and m (memory) gives one sample: η_c = c ÷ (t − t₀)
    ///   at log₂ of c in nanoseconds (`KernelTimeModel.computeSize`) when c ≥ m, else η_m = m ÷ (t − t₀) at log₂ bytes;
    /// - each curve is the median η (clamped to 0.001…1) and median log₂ work of every `binWidthLog2` bin;
    /// - when every row counts its parallel units u and `peaks` its SMs s, the rows also give two surfaces
    ///   (`EfficiencySurface`, `surface`): η_c by (log₂ compute ns, log₂ u/s) and η_m by (log₂ memory ns, log₂ u/s);
    ///   for a family in `wavedFamilies` first τ = the `waveQuantile` of (t − t₀) ÷ (u/s) over rows with u/s ≥ 1,
    ///   and the surfaces' samples are c or m ÷ (t − t₀ − τ·u/s) (rows at or below t₀ + τ·u/s give none).
    public static func fitModel(_ kernel: KernelClass, _ rows: [KernelMeasurement], peaks: KernelPeaks) throws -> KernelTimeModel {
        let placed = try rows.map { row -> (row: KernelMeasurement, compute: Double, memory: Double) in
            guard let bound = peaks.boundSeconds(row.work, family: kernel.family) else {
                throw RooflineError.usage("\(peaks.device) has no link bandwidth for the \(kernel) rows: give a device with one")
            }
            return (row, bound.compute, bound.memory)
        }
        let overhead = placed.filter { max($0.compute, $0.memory) <= overheadShare * $0.row.measuredSeconds }
        let floor = quantile(overhead.map(\.row.measuredSeconds), floorQuantile) ?? 0
        var computeSamples: [(Double, Double)] = []
        var memorySamples: [(Double, Double)] = []
        let units = placed.map { peaks.log2UnitsPerSM($0.row.work) }
        let surfaced = !units.contains(nil)
        var computeCells: [SurfaceSample] = []
        var memoryCells: [SurfaceSample] = []
        let waves = units.map { $0.map { exp2($0) } }
        let tau: Double? = surfaced && wavedFamilies.contains(kernel.family)
            ? quantile(zip(placed, waves).compactMap { p, w in
                w.flatMap { $0 >= 1 && p.row.measuredSeconds > floor ? (p.row.measuredSeconds - floor) / $0 : nil }
            }, waveQuantile) : nil
        for (p, (y, w)) in zip(placed, zip(units, waves)) where p.row.measuredSeconds > floor {
            let beyond = p.row.measuredSeconds - floor
            let beyondWaves = beyond - (tau ?? 0) * (w ?? 0)
            if p.compute >= p.memory && p.compute > 0 {
                computeSamples.append((log2(max(KernelTimeModel.computeSize(p.compute), 1)), p.compute / beyond))
                if let y, beyondWaves > 0 {
                    computeCells.append((KernelTimeModel.log2Nanoseconds(p.compute), y, p.compute / beyondWaves))
                }
            } else if p.memory > 0 {
                memorySamples.append((log2(p.row.work.bytes), p.memory / beyond))
                if let y, beyondWaves > 0 {
                    memoryCells.append((KernelTimeModel.log2Nanoseconds(p.memory), y, p.memory / beyondWaves))
                }
            }
        }
        return KernelTimeModel(kernel: kernel, floorSeconds: floor, computeEfficiency: curve(computeSamples),
                               bandwidthEfficiency: curve(memorySamples),
                               computeSurface: surfaced ? surface(computeCells) : nil,
                               bandwidthSurface: surfaced ? surface(memoryCells) : nil, secondsPerWave: tau,
                               rows: rows.count)
    }

    /// Median efficiency and median log₂ work per `binWidthLog2` bin of log₂ work, then made to take no less time
    /// for more work (`monotoneInTime`, each bin weighted by its samples), clamped to 0.001…1.
    static func curve(_ samples: [(log2Size: Double, efficiency: Double)]) -> EfficiencyCurve {
        let bins = Dictionary(grouping: samples) { ($0.log2Size / binWidthLog2).rounded(.down) }
            .sorted { $0.key < $1.key }.map(\.value)
        let sizes = bins.map { quantile($0.map(\.log2Size), 0.5)! }
        let efficiencies = monotoneInTime(bins.map { quantile($0.map(\.efficiency), 0.5)! }, log2Sizes: sizes,
                                          weights: bins.map { Double($0.count) })
        return EfficiencyCurve(points: zip(sizes, efficiencies).map {
            EfficiencyCurve.Point(log2Size: $0, efficiency: min(1, max(0.001, $1)))
        })
    }

    /// Efficiencies η_i at sizes x_i (log₂ of the time at peak, or of the bytes, in increasing order) changed as little as
    /// possible so that the time they predict beyond the floor, ∝ 2^x_i ÷ η_i, never falls as the size grows: a call
    /// with more work, spread the same way, does not finish sooner. The log₂ times x_i − log₂ η_i are replaced by their
    /// weighted isotonic (non-decreasing) least-squares fit (pool-adjacent-violators), and η_i = 2^(x_i − fit_i).
    /// Without it a cell whose few rows ran on a slower kernel (TRT-LLM's decode attention for MHA, or for more than 32
    /// query heads per KV head) predicted a 1,536-token decode attention on the H100 PCIe at 2.7× the 2,048-token one.
    public static func monotoneInTime(_ efficiencies: [Double], log2Sizes: [Double], weights: [Double]) -> [Double] {
        let times = zip(log2Sizes, efficiencies).map { $0 - log2(max($1, 1e-9)) }
        return zip(log2Sizes, nondecreasing(times, weights: weights)).map { exp2($0 - $1) }
    }

    /// The non-decreasing sequence closest to `values` in weighted least squares (pool-adjacent-violators: adjacent
    /// blocks that decrease are merged into their weighted mean until none does).
    public static func nondecreasing(_ values: [Double], weights: [Double]) -> [Double] {
        var blocks: [(mean: Double, weight: Double, count: Int)] = []
        for (value, weight) in zip(values, weights) {
            blocks.append((value, max(weight, 1e-12), 1))
            while blocks.count > 1, blocks[blocks.count - 2].mean > blocks[blocks.count - 1].mean {
                let b = blocks.removeLast(), a = blocks.removeLast()
                let w = a.weight + b.weight
                blocks.append(((a.mean * a.weight + b.mean * b.weight) / w, w, a.count + b.count))
            }
        }
        return blocks.flatMap { Array(repeating: $0.mean, count: $0.count) }
    }

    typealias SurfaceSample = (log2Size: Double, log2Units: Double, efficiency: Double)

    /// The weight of a surface cell without samples in `monotoneInTime`: next to nothing, so that where an
    /// interpolated or extrapolated cell would predict less time than a measured smaller call, the filled cell is
    /// raised to the measured time rather than the measured cell lowered.
    static let filledCellWeight = 1e-6

    /// The median efficiency (clamped to 0.001…1.5: a call whose weights sit in L2 beats the HBM peak; 1.5 is the
    /// validation's limit) of every (`binWidthLog2` × `unitsBinWidthLog2`) cell of the samples, with empty cells
    /// filled by linear interpolation between filled ones in three passes: along the size axis within each units bin,
    /// between its measured sizes and one cell beyond each end (a call of the same parallelism at a size in between;
    /// the cell beyond keeps the edge's value, so that bilinear interpolation predicts a measured edge call from its
    /// own cell); then along the units
    /// axis, the end value beyond the last filled cell (a call larger than any measured at its parallelism takes the
    /// fraction calls of its size reached at the nearest measured parallelism: engines split long calls over more
    /// blocks, as TRT-LLM's multi-block decode attention does, whose fraction at one sequence keeps rising with the
    /// cache up to the table's 131,072 tokens); then along the size axis again, the end value beyond the ends, for
    /// sizes no units bin measured. Each units bin is made to take no less time for more work: after the first pass its
    /// own cells by `monotoneInTime` at the cell centres, each weighted by its samples plus `filledCellWeight`; after
    /// the last, the cells it borrowed beyond its own, each raised to the time of the own cell before it (or lowered to
    /// that of the one after it), so that borrowed values never move measured ones. Empty grid without samples.
    static func surface(_ samples: [SurfaceSample]) -> EfficiencySurface {
        let (bx, by) = (binWidthLog2, unitsBinWidthLog2)
        let cells = Dictionary(grouping: samples) {
            [Int(($0.log2Size / bx).rounded(.down)), Int(($0.log2Units / by).rounded(.down))]
        }
        guard let x0 = cells.keys.map({ $0[0] }).min(), let x1 = cells.keys.map({ $0[0] }).max(),
              let y0 = cells.keys.map({ $0[1] }).min(), let y1 = cells.keys.map({ $0[1] }).max() else {
            return EfficiencySurface(sizeBinLog2: bx, unitsBinLog2: by, firstSizeBin: 0, firstUnitsBin: 0, efficiencies: [])
        }
        var grid: [[Double?]] = (x0...x1).map { i in
            (y0...y1).map { j in
                cells[[i, j]].map { surfaceFraction(quantile($0.map(\.efficiency), 0.5)!) }
            }
        }
        let centres = (x0...x1).map { (Double($0) + 0.5) * bx }
        let yCount = y1 - y0 + 1
        func column(_ j: Int) -> [Double?] { grid.map { $0[j] } }
        func setColumns(_ columns: [[Double?]]) { grid = (0..<grid.count).map { i in columns.map { $0[i] } } }
        // Pass 1 and the monotone fit of each units bin's own (measured and in-between) cells.
        setColumns((0..<yCount).map { j in
            let own = filled(column(j), beyondEnds: 1)
            let block = own.indices.filter { own[$0] != nil }
            guard let first = block.first, let last = block.last else { return own }
            let weights = block.map { Double(cells[[x0 + $0, y0 + j]]?.count ?? 0) + filledCellWeight }
            let fitted = monotoneInTime(block.map { own[$0]! }, log2Sizes: block.map { centres[$0] }, weights: weights)
            var out = own
            for (index, value) in zip(first...last, fitted) { out[index] = surfaceFraction(value) }
            return out
        })
        let own = (0..<yCount).map { j in column(j).map { $0 != nil } }
        // Passes 2 and 3, then the borrowed cells kept from taking less time than the units bin's own smaller calls
        // (or more than its own larger ones).
        grid = grid.map { filled($0) }
        setColumns((0..<yCount).map { j in
            let values = filled(column(j)).map { $0! }
            var times = zip(centres, values).map { $0 - log2($1) }
            if let first = own[j].firstIndex(of: true), let last = own[j].lastIndex(of: true) {
                for i in stride(from: first - 1, through: 0, by: -1) { times[i] = min(times[i], times[i + 1]) }
                for i in (last + 1)..<times.count { times[i] = max(times[i], times[i - 1]) }
            } else {
                times = nondecreasing(times, weights: times.map { _ in 1 })
            }
            return zip(centres, times).map { surfaceFraction(exp2($0 - $1)) }
        })
        return EfficiencySurface(sizeBinLog2: bx, unitsBinLog2: by, firstSizeBin: x0, firstUnitsBin: y0, efficiencies: grid.map { $0.map { $0! } })
    }

    /// A surface cell's fraction clamped to 0.001…1.5 (`surface` says why 1.5).
    static func surfaceFraction(_ value: Double) -> Double { min(1.5, max(0.001, value)) }

    /// `values` with each nil replaced by linear interpolation between the nearest values on either side, and
    /// the first `beyondEnds` places beyond either end by the nearest value (all of them by default); all nil stays
    /// all nil.
    static func filled(_ values: [Double?], beyondEnds: Int = .max) -> [Double?] {
        let known = values.indices.filter { values[$0] != nil }
        guard let first = known.first, let last = known.last else { return values }
        return values.indices.map { i in
            if let v = values[i] { return v }
            if i < first { return first - i <= beyondEnds ? values[first] : nil }
            if i > last { return i - last <= beyondEnds ? values[last] : nil }
            let lo = known.last { $0 < i }!, hi = known.first { $0 > i }!
            let t = Double(i - lo) / Double(hi - lo)
            return values[lo]! + (values[hi]! - values[lo]!) * t
        }
    }

    /// The q-quantile of `values` by linear interpolation between order statistics (q = 0.5: the median); nil
    /// when empty.
    public static func quantile(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let position = q * Double(sorted.count - 1)
        let (lower, upper) = (Int(position.rounded(.down)), Int(position.rounded(.up)))
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }
}
