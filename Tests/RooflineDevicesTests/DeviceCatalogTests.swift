import Foundation
import Testing
@testable import RooflineDevices

/// Writes `text` to a fresh temporary file and returns its path.
func temporaryFile(_ text: String, name: String = "devices.json") throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roofline-devices-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
}

@Suite struct DeviceCatalogTests {
    @Test func bundledHoldsEveryReferenceDeviceWithSources() throws {
        let catalog = try DeviceCatalog.bundled()
        #expect(catalog.devices.count == 20)
        #expect(Set(catalog.devices.map(\.id)).count == 20)
        for device in catalog.devices {
            #expect(!device.sources.isEmpty, "\(device.id) has no sources")
            #expect(!device.aliases.isEmpty, "\(device.id) has no short name")
        }
    }

    @Test func h200ValuesInBaseUnits() throws {
        let h200 = try DeviceCatalog.bundled().device(named: "h200")
        #expect(h200.id == "nvidia-h200-sxm-141gb")
        #expect(h200.memoryBytes == 141e9)                       // 141 GB, decimal
        #expect(h200.memoryBytesPerSecond == 4.8e12)             // 4.8 TB/s
        #expect(h200.peakFlopsPerSecond[.bf16] == 989.4e12)      // dense, not the 1,979 sparse figure
        #expect(h200.peakFlopsPerSecond[.fp8] == 1978.9e12)
        #expect(h200.peakFlopsPerSecond[.fp4] == nil)            // no FP4 on Hopper: missing, not 0
        #expect(h200.onChipMemoryBytes == 50e6)
        #expect(h200.interconnectBytesPerSecond == 900e9)
        #expect(h200.tdpWatts == 700)
        #expect(h200.pricePerHourUSD == 4.44)
        #expect(h200.priceNote?.contains("2026-10-24") == true)
        #expect(h200.notes?.contains("sparsity") == true)
    }

    @Test func missingValuesStayMissing() throws {
        let catalog = try DeviceCatalog.bundled()
        #expect(try catalog.device(named: "wse3").peakFlopsPerSecond.isEmpty)
        #expect(try catalog.device(named: "h20").pricePerHourUSD == nil)
        #expect(try catalog.device(named: "mi355x").interconnectBytesPerSecond == nil)
        #expect(try catalog.device(named: "tpu-v5e").tdpWatts == nil)
        #expect(try catalog.device(named: "tpu-v5e").peakFlopsPerSecond[.fp32] == nil)
    }

    /// Ridge points against derived-checks.md §3 (rounded there to whole FLOP/B).
    @Test(arguments: [
        ("h200", DataType.bf16, 989.4 / 4.8), ("h200", .fp8, 1978.9 / 4.8),
        ("b200", .bf16, 2250 / 7.7), ("mi300x", .bf16, 1307.4 / 5.3), ("tpu-v5e", .bf16, 197 / 0.819),
        ("a100", .bf16, 312 / 2.039), ("gaudi3", .fp8, 1835 / 3.67),
    ])
    func ridgePoints(alias: String, type: DataType, expected: Double) throws {
        let device = try DeviceCatalog.bundled().device(named: alias)
        let ridge = try #require(device.ridgeFlopsPerByte[type])
        #expect(ridge.isApproximatelyEqual(to: expected, relativeTolerance: 1e-12))
        #expect(device.roofline.ridgeFlopsPerByte(dataType: type) == ridge)
    }

    @Test func ridgeTableMatchesDerivedChecks() throws {
        let catalog = try DeviceCatalog.bundled()
        // derived-checks.md §3, bf16 column, rounded to whole FLOP/B.
        let table: [(String, Double)] = [("h100", 295), ("h200", 206), ("b200", 292), ("mi300x", 247),
                                         ("mi355x", 315), ("tpu-v6e", 560), ("l40s", 419), ("groq", 2)]
        for (alias, rounded) in table {
            let peak = try #require(try catalog.device(named: alias).ridgeFlopsPerByte[.bf16]
                ?? catalog.device(named: alias).ridgeFlopsPerByte[.fp16])
            #expect(peak.rounded() == rounded, "\(alias)")
        }
    }

    @Test func rooflineUsesMainMemoryAndDensePeaks() throws {
        let catalog = try DeviceCatalog.bundled()
        let h200 = try catalog.device(named: "h200").roofline
        #expect(h200.mainMemoryLevel == "HBM")
        #expect(h200.bandwidthCeiling()?.bytesPerSecond == 4.8e12)
        #expect(h200.bandwidthCeiling()?.capacityBytes == 141e9)
        #expect(h200.computeCeiling(for: .bf16)?.ceiling.flopsPerSecond == 989.4e12)
        #expect(h200.computeCeiling(for: .bf16)?.ceiling.source.contains("dense") == true)
        // fp4 falls back to the next wider type the device has (fp8).
        #expect(h200.computeCeiling(for: .fp4)?.ceiling.dataType == .fp8)
        #expect(try catalog.device(named: "l40s").roofline.mainMemoryLevel == "GDDR6")
        #expect(try catalog.device(named: "groq").roofline.mainMemoryLevel == "SRAM")
    }

    @Test(arguments: [
        ("h200", "nvidia-h200-sxm-141gb"), ("B200", "nvidia-b200-hgx"), ("MI300X", "amd-mi300x"),
        ("h100", "nvidia-h100-sxm-80gb"), ("a100", "nvidia-a100-sxm-80gb"), ("tpu-v5e", "google-tpu-v5e"),
        ("TPU_V5E", "google-tpu-v5e"), ("nvidia-H200-sxm-141gb", "nvidia-h200-sxm-141gb"),
    ])
    func lookupByIdOrAlias(name: String, id: String) throws {
        #expect(try DeviceCatalog.bundled().device(named: name).id == id)
    }

    @Test func unknownDeviceSuggestsCloseMatches() throws {
        let catalog = try DeviceCatalog.bundled()
        #expect {
            try catalog.device(named: "h300")
        } throws: { error in
            let error = error as? RooflineError
            return error?.category == .usage && error?.message.contains("h200 (nvidia-h200-sxm-141gb)") == true
                && error?.message.contains("b300 (nvidia-b300-hgx)") == true
        }
        // A unique start of an id names it; an ambiguous one is an error listing the candidates.
        #expect(try catalog.device(named: "nvidia-h200").id == "nvidia-h200-sxm-141gb")
        #expect {
            try catalog.device(named: "nvidia-h100")
        } throws: { ($0 as? RooflineError)?.message.contains("nvidia-h100-sxm-80gb") == true }
        #expect {
            try catalog.device(named: "qqqqqqqq")
        } throws: { error in
            let message = (error as? RooflineError)?.message ?? ""
            return !message.contains("did you mean") && message.contains("roofline devices")
        }
    }

    @Test func editDistanceCountsEdits() {
        #expect(DeviceCatalog.editDistance("kitten", "sitting") == 3)
        #expect(DeviceCatalog.editDistance("", "abc") == 3)
        #expect(DeviceCatalog.editDistance("h200", "h200") == 0)
        #expect(DeviceCatalog.editDistance("h300", "b300") == 1)
    }
}

@Suite struct DeviceFileTests {
    @Test func addsReferenceShapedDevice() throws {
        let path = try temporaryFile("""
            {"id": "my-accel", "name": "My accelerator", "vendor": "Acme", "memory_gb": 96, "memory_bw_tbps": 3.0,
             "peak_tflops": {"bf16": 500, "fp8": null}, "price_per_hour_usd": 2.5, "aliases": ["mine"]}
            """)
        var catalog = try DeviceCatalog.bundled()
        try catalog.add(contentsOf: path)
        let device = try catalog.device(named: "MINE")
        #expect(device.memoryBytes == 96e9)
        #expect(device.memoryBytesPerSecond == 3e12)
        #expect(device.peakFlopsPerSecond == [.bf16: 500e12])
        #expect(device.tdpWatts == nil)
        #expect(catalog.devices.count == 21)
    }

    @Test func deviceJSONRoundTripsAndReplacesSameId() throws {
        var catalog = try DeviceCatalog.bundled()
        var h200 = try catalog.device(named: "h200")
        h200.memoryBytesPerSecond = 4.0e12
        let encoder = JSONEncoder()
        let json = String(decoding: try encoder.encode([h200]), as: UTF8.self)
        #expect(json.contains("\"bf16\""))
        #expect(json.contains("\"tdpWatts\":700"))
        #expect(json.contains("\"fp4\"") == false)
        try catalog.add(contentsOf: try temporaryFile(json))
        #expect(catalog.devices.count == 20)
        #expect(try catalog.device(named: "h200") == h200)
    }

    @Test func nullIsMissingInDeviceJSON() throws {
        let device = try JSONDecoder().decode(Device.self, from: Data("""
            {"id": "x1", "name": "X", "memoryBytes": null, "memoryBytesPerSecond": 1e12,
             "peakFlopsPerSecond": {"bf16": 1e14, "fp8": null}}
            """.utf8))
        #expect(device.memoryBytes == nil)
        #expect(device.peakFlopsPerSecond == [.bf16: 1e14])
        #expect(device.mainMemoryLevel == "HBM")
        let encoded = String(decoding: try JSONEncoder().encode(device), as: UTF8.self)
        #expect(encoded.contains("\"memoryBytes\":null"))
    }

    @Test(arguments: [
        "{not json",
        "{\"id\": \"x\"}",
        "{\"id\": \"x\", \"name\": \"X\", \"memory_gb\": 0, \"memory_bw_tbps\": 1}",
        "{\"id\": \"x\", \"name\": \"X\", \"memory_gb\": 10, \"peak_tflops\": {\"bf17\": 1}}",
        "[{\"id\": \"x\", \"name\": \"X\", \"memory_gb\": 10}, {\"id\": \"y\", \"name\": \"Y\", \"memory_gb\": -1}]",
        "{\"id\": \"x\", \"name\": \"X\", \"memory_gb\": 10, \"aliases\": [\"h200\"]}",
    ])
    func badDeviceFileIsBadDataAndAddsNothing(text: String) throws {
        var catalog = try DeviceCatalog.bundled()
        let path = try temporaryFile(text)
        #expect {
            try catalog.add(contentsOf: path)
        } throws: { error in
            let error = error as? RooflineError
            return error?.category == .badData && error?.message.contains(path) == true
        }
        #expect(catalog.devices.count == 20)
    }

    @Test func missingFileIsUsage() throws {
        var catalog = try DeviceCatalog.bundled()
        #expect {
            try catalog.add(contentsOf: "/nonexistent/devices.json")
        } throws: { ($0 as? RooflineError)?.category == .usage }
    }

    @Test func priceOverrideKeepsEverythingElse() throws {
        let h200 = try DeviceCatalog.bundled().device(named: "h200")
        let priced = h200.pricedAt(3, note: "--price")
        #expect(priced.pricePerHourUSD == 3)
        #expect(priced.priceNote == "--price")
        #expect(priced.memoryBytes == h200.memoryBytes)
    }
}

/// `roofline devices` says which bundled calibration `--calibration auto` applies to each device.
@Suite struct DeviceCalibrationListingTests {
    @Test func eachDeviceNamesItsCalibrationOrNone() throws {
        let catalog = try DeviceCatalog.bundled()
        #expect(try catalog.device(named: "h100").bundledCalibrationDescription == "h100-sxm (measured on this device)")
        #expect(try catalog.device(named: "h200").bundledCalibrationDescription
            == "h100-sxm (measured on nvidia-h100-sxm-80gb, rescaled to this device's peaks)")
        #expect(try catalog.device(named: "mi300x").bundledCalibrationDescription == nil)
        #expect(DeviceRendering.detailText(try catalog.device(named: "mi300x")).contains("calibration     none bundled: bounds only"))
    }
}
