import RooflineCalibration

extension Device {
    /// The peaks a kernel time model is applied with: the dense peaks, main-memory bandwidth, and half the
    /// quoted interconnect bandwidth (vendors add both directions; a collective's bus bytes go one way), and the
    /// SM count when the catalog has one. Nil
    /// without a bandwidth figure.
    public var kernelPeaks: KernelPeaks? {
        guard let bandwidth = memoryBytesPerSecond else { return nil }
        return KernelPeaks(device: id, flopsPerSecond: peakFlopsPerSecond, memoryBytesPerSecond: bandwidth,
                           linkBytesPerSecond: interconnectBytesPerSecond.map { $0 / 2 },
                           streamingMultiprocessors: streamingMultiprocessors.map(Double.init))
    }

    /// What `--calibration auto` gives this device, in words: the bundled calibration's name and whether it was
    /// measured on this device or is its closest architecture's, rescaled to this device's peaks; nil when none
    /// applies (bounds only).
    public var bundledCalibrationDescription: String? {
        guard let found = try? BundledCalibrations.forDevice(id) else { return nil }
        return found.measuredOn.device == id ? "\(found.name) (measured on this device)"
            : "\(found.name) (measured on \(found.measuredOn.device), rescaled to this device's peaks)"
    }

    /// The calibration that applies to this device: `spec` none (pure bounds: nil), a bundled name, a file
    /// written by `roofline calibrate` (ends in .json), or auto: the bundled calibration measured on this device or
    /// naming it as its closest architecture (nil when none does).
    public func calibration(_ spec: String) throws -> Calibration? {
        switch spec.lowercased() {
        case "none": return nil
        case "auto": return try BundledCalibrations.forDevice(id)
        case let path where path.hasSuffix(".json"): return try Calibration.load(spec)
        default: return try BundledCalibrations.named(spec)
        }
    }
}
