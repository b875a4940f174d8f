import Foundation

/// What the CPU supports, as the operating system reports it (Linux: /proc/cpuinfo, which hides features the
/// kernel does not enable, such as AVX-512 state it does not save). A value, so the selection logic can be tested
/// with a stubbed report.
public struct CPUFeatureReport: Codable, Sendable, Equatable {
    /// "GenuineIntel", "AuthenticAMD", "HygonGenuine", ...
    public var vendor: String
    public var family: Int
    /// Feature flags in /proc/cpuinfo spelling ("avx2", "fma", "avx512f", "avx512_bf16", ...), sorted.
    public var flags: [String]

    public init(vendor: String, family: Int, flags: [String]) {
        self.vendor = vendor
        self.family = family
        self.flags = flags.sorted()
    }

    public func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// Parses the first processor block of /proc/cpuinfo text. Nil when it has no flags line.
    public init?(cpuinfo text: String) {
        var vendor = "", family = 0
        var flags: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty, flags != nil { break }
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces), value = parts[1].trimmingCharacters(in: .whitespaces)
            switch key {
            case "vendor_id": vendor = value
            case "cpu family": family = Int(value) ?? 0
            case "flags": flags = value.split(separator: " ").map(String.init)
            default: break
            }
        }
        guard let flags else { return nil }
        self.init(vendor: vendor, family: family, flags: flags)
    }

    /// This machine's report (reads /proc/cpuinfo). Nil where that file does not exist.
    public static func current() -> CPUFeatureReport? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        return CPUFeatureReport(cpuinfo: text)
    }
}

/// The widest vector instruction set an OpenBLAS core's kernels use.
public enum VectorISA: Int, Codable, Sendable, Comparable, CustomStringConvertible {
    case sse = 0, avx, avx2, avx512

    public static func < (lhs: VectorISA, rhs: VectorISA) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .sse: "SSE (generic)"
        case .avx: "AVX"
        case .avx2: "AVX2+FMA"
        case .avx512: "AVX-512"
        }
    }
}

/// Maps CPU features to the OpenBLAS core (OPENBLAS_CORETYPE) that uses them, and decides whether OpenBLAS's own
/// choice needs correcting. Pure functions of a `CPUFeatureReport` and core names: no library, no environment.
public enum OpenBLASCoreSelection {
    /// The vector ISA of each core name OpenBLAS 0.3.x's DYNAMIC_ARCH build reports (openblas_get_corename,
    /// lower-cased). Unknown names return nil and are never overridden.
    public static func isa(ofCore name: String) -> VectorISA? {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": .avx512
        case "haswell", "zen", "excavator": .avx2
        case "sandybridge", "bulldozer", "piledriver", "steamroller": .avx
        case "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington",
             "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona", "nano", "bobcat", "unknown":
            .sse
        default: nil
        }
    }

    /// The widest core the features allow: AVX-512 (F, CD, BW, DQ, VL) → Cooperlake when avx512_bf16 is present,
    /// else SkylakeX; AVX2 and FMA → Zen on AMD/Hygon, Haswell otherwise; AVX → Sandybridge; else nil (OpenBLAS's
    /// generic cores are all it can use).
    public static func widestCore(for features: CPUFeatureReport) -> (core: String, isa: VectorISA)? {
        let avx512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(features.has)
        if avx512 { return (features.has("avx512_bf16") ? "Cooperlake" : "SkylakeX", .avx512) }
        if features.has("avx2") && features.has("fma") {
            let amd = features.vendor == "AuthenticAMD" || features.vendor == "HygonGenuine"
            return (amd ? "Zen" : "Haswell", .avx2)
        }
        if features.has("avx") { return ("Sandybridge", .avx) }
        return nil
    }

    /// Decides before (or right after) OpenBLAS loads with no OPENBLAS_CORETYPE:
    /// a non-empty `userSetting` is respected; otherwise, when `libraryChoice` is a known core whose ISA is
    /// narrower than `widestCore(for:)`, override with the widest core; otherwise keep the library's choice.
    public static func decide(userSetting: String?, libraryChoice: String, features: CPUFeatureReport?) -> OpenBLASCoreDecision {
        if let userSetting, !userSetting.isEmpty {
            var reason = "OPENBLAS_CORETYPE=\(userSetting) was set by the user; respected, never overridden"
            if let features, let widest = widestCore(for: features), let set = isa(ofCore: userSetting), set < widest.isa {
                reason += " (this CPU could use \(widest.core), \(widest.isa))"
            }
            return OpenBLASCoreDecision(action: .respectUser, core: userSetting, reason: reason)
        }
        guard let chosen = isa(ofCore: libraryChoice) else {
            return OpenBLASCoreDecision(
                action: .keepLibraryChoice, core: libraryChoice,
                reason: "OpenBLAS chose core \(libraryChoice), a name this tool does not know; kept")
        }
        guard let features else {
            return OpenBLASCoreDecision(
                action: .keepLibraryChoice, core: libraryChoice,
                reason: "OpenBLAS chose \(libraryChoice); the CPU's features are unknown (no /proc/cpuinfo), so it is kept")
        }
        guard let widest = widestCore(for: features), widest.isa > chosen else {
            return OpenBLASCoreDecision(
                action: .keepLibraryChoice, core: libraryChoice,
                reason: "OpenBLAS chose \(libraryChoice) (\(chosen)), which matches the CPU's widest vectors; kept")
        }
        return OpenBLASCoreDecision(
            action: .override, core: widest.core,
            reason: "OpenBLAS chose \(libraryChoice) (\(chosen) kernels) on a CPU with \(widest.isa); "
                + "using OPENBLAS_CORETYPE=\(widest.core), set by roofline before loading the library")
    }
}
