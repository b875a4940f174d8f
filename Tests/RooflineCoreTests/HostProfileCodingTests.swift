import Foundation
import Testing
import RooflineCore

/// Profiles are saved as JSON: the enums keep the strings profiles have always held.
@Suite struct HostProfileCodingTests {
    static let savedProfile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Reports/dev-host-profile.json")

    /// The kept profile decodes, and encodes again (as `roofline probe --format json` writes) to the same bytes.
    @Test func aSavedProfileDecodesAndReencodesUnchanged() throws {
        let saved = try Data(contentsOf: Self.savedProfile)
        let profile = try JSONDecoder().decode(HostProfile.self, from: saved)
        #expect(profile.host.caches.map(\.type) == [.data, .instruction, .unified, .unified])
        #expect(profile.host.caches.map(\.qualifiedName) == ["L1d", "L1i", "L2", "L3"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        #expect(String(decoding: try encoder.encode(profile), as: UTF8.self) + "\n" == String(decoding: saved, as: UTF8.self))
    }

    @Test func modesAndCacheTypesAreStoredAsTheirNames() throws {
        let encoded = try JSONEncoder().encode([ProbeMode.quick, .full, .custom])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["quick","full","custom"]"#)
        let types = try JSONEncoder().encode([CacheType.data, .instruction, .unified])
        #expect(String(decoding: types, as: UTF8.self) == #"["Data","Instruction","Unified"]"#)
    }

    /// A cache type no kernel writes is a decoding error that says where, not a crash.
    @Test func anUnknownCacheTypeIsADecodingErrorThatSaysWhere() {
        let json = #"{"level": 1, "type": "Trace", "sizeBytes": 32768, "sharedByCPUs": 1}"#
        do {
            _ = try JSONDecoder().decode(CacheInfo.self, from: Data(json.utf8))
            Issue.record("decoded an unknown cache type")
        } catch {
            #expect(RooflineError.decodingProblem(error) == "bad value at .type")
        }
    }
}
