import Foundation
import RooflineCore
import Testing

@Suite struct DevicesCLITests {
    /// `text` in a fresh temporary .json file; its path.
    func jsonFile(_ text: String) throws -> String {
        try CLIRunner.temporaryFile("devices.json", contents: Data(text.utf8)).path
    }

    @Test func listsEveryDeviceWithRidgePoints() throws {
        let result = try CLIRunner.run(["devices"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let h200 = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("nvidia-h200-sxm-141gb") })
        // 989.4 TFLOP/s / 4.8 TB/s = 206.1 FLOP/B (bf16); 1978.9 / 4.8 = 412.3 (fp8).
        #expect(h200.contains(" 206 "))
        #expect(h200.contains(" 412 "))
        #expect(h200.contains("141 GB"))
        #expect(result.stdout.contains("amd-mi300x"))
        #expect(result.stdout.contains("google-tpu-v5e"))
    }

    @Test func jsonListsDevicesWithRidgePoints() throws {
        let result = try CLIRunner.run(["devices", "--format", "json"])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["schemaVersion"] as? Int == 1)
        let list = try #require(document["devices"] as? [[String: Any]])
        #expect(list.count == 20)
        let b200 = try #require(list.first { $0["id"] as? String == "nvidia-b200-hgx" })
        let ridge = try #require((b200["ridgeFlopsPerByte"] as? [String: Double])?["fp4"])
        #expect(ridge.isApproximatelyEqual(to: 9000 / 7.7, relativeTolerance: 1e-9))
        let groq = try #require(list.first { $0["id"] as? String == "groq-lpu" })
        #expect(groq["pricePerDeviceHourUSD"] is NSNull)
    }

    @Test func oneDeviceInFullWithPriceOverride() throws {
        let text = try CLIRunner.run(["devices", "--device", "MI300X"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("AMD Instinct MI300X (amd-mi300x)"))
        #expect(text.stdout.contains("sources:"))
        #expect(text.stdout.contains("sparse figure"))
        let json = try CLIRunner.run(["devices", "--device", "h200", "--price", "3", "--format", "json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["pricePerDeviceHourUSD"] as? Double == 3)
        #expect(object["priceNote"] as? String == "set with --price")
    }

    @Test func unknownDeviceExits64WithCloseMatches() throws {
        let result = try CLIRunner.run(["devices", "--device", "h300"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("unknown device 'h300'"))
        #expect(result.stderr.contains("h200 (nvidia-h200-sxm-141gb)"))
    }

    @Test func deviceFileAddsOneAndItsJSONReadsBack() throws {
        let file = try jsonFile("""
            {"id": "test-accel", "name": "Test accelerator", "memory_gb": 100, "memory_bw_tbps": 2, "peak_tflops": {"bf16": 400}}
            """)
        let shown = try CLIRunner.run(["devices", "--device-file", file, "--device", "test-accel", "--format", "json"])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("\"bf16\" : 200"))          // ridge 400e12 / 2e12 = 200 FLOP/B
        let again = try jsonFile(shown.stdout)
        let reread = try CLIRunner.run(["devices", "--device-file", again, "--device", "test-accel"])
        #expect(reread.status == 0)
        #expect(reread.stdout.contains("400 TFLOP/s"))
    }

    /// `--device-file` reads the devices document `devices --format json` writes, and the old bare array.
    @Test func deviceFileReadsTheDevicesDocumentAndABareArray() throws {
        let file = try jsonFile("""
            {"id": "test-accel", "name": "Test accelerator", "memory_gb": 100, "memory_bw_tbps": 2, "peak_tflops": {"bf16": 400}}
            """)
        let listed = try CLIRunner.run(["devices", "--device-file", file, "--format", "json"])
        #expect(listed.status == 0)
        let document = try jsonFile(listed.stdout)
        let reread = try CLIRunner.run(["devices", "--device-file", document, "--device", "test-accel"])
        #expect(reread.status == 0)
        #expect(reread.stdout.contains("400 TFLOP/s"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let array = try JSONSerialization.data(withJSONObject: try #require(object["devices"] as? [Any]))
        let bare = try CLIRunner.run(["devices", "--device-file", try jsonFile(String(decoding: array, as: UTF8.self)),
                                      "--device", "test-accel"])
        #expect(bare.status == 0)
        #expect(bare.stdout.contains("400 TFLOP/s"))
    }

    /// A device file in the JSON form written before schema version 1 (`pricePerHourUSD`) still loads, priced.
    @Test func anOldDeviceFilesPriceStillLoads() throws {
        let listed = try CLIRunner.run(["devices", "--device", "h200", "--format", "json"])
        var device = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        device["schemaVersion"] = nil
        device["pricePerDeviceHourUSD"] = nil
        device["pricePerHourUSD"] = 7.5
        device["id"] = "old-h200"
        device["aliases"] = ["old-h200"]
        let data = try JSONSerialization.data(withJSONObject: device)
        let shown = try CLIRunner.run(["devices", "--device-file", try jsonFile(String(decoding: data, as: UTF8.self)),
                                       "--device", "old-h200", "--format", "json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("\"pricePerDeviceHourUSD\" : 7.5"))
    }

    @Test func badDeviceFileExits65AndPriceNeedsDevice() throws {
        let bad = try CLIRunner.run(["devices", "--device-file", try jsonFile("{\"id\": ")])
        #expect(bad.status == 65)
        #expect(bad.stdout.isEmpty)
        #expect(bad.stderr.contains("not valid device JSON"))
        let price = try CLIRunner.run(["devices", "--price", "3"])
        #expect(price.status == 64)
        #expect(price.stderr.contains("give --device too"))
    }
}
