import Testing
@testable import RooflineProbes

/// The OPENBLAS_CORETYPE logic on stubbed CPU reports and core names: no library, no environment.
struct OperatorOpenBLASSelectionTests {
    /// /proc/cpuinfo as this project's AMD EPYC (Zen 4) KVM guest reports it, shortened.
    static let zen4 = """
        processor\t: 0
        vendor_id\t: AuthenticAMD
        cpu family\t: 25
        model name\t: AMD EPYC
        flags\t\t: fpu sse sse2 avx fma avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16 avx512_vnni

        processor\t: 1
        vendor_id\t: AuthenticAMD
        """
    static let haswellIntel = CPUFeatureReport(vendor: "GenuineIntel", family: 6, flags: ["sse2", "avx", "avx2", "fma"])
    static let skylakeX = CPUFeatureReport(
        vendor: "GenuineIntel", family: 6, flags: ["avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])

    @Test func parsesCpuinfo() throws {
        let report = try #require(CPUFeatureReport(cpuinfo: Self.zen4))
        #expect(report.vendor == "AuthenticAMD")
        #expect(report.family == 25)
        #expect(report.has("avx512_bf16"))
        #expect(!report.has("amx_tile"))
        #expect(CPUFeatureReport(cpuinfo: "processor : 0\nvendor_id : X\n") == nil)
    }

    @Test func widestCore() throws {
        let zen4 = try #require(CPUFeatureReport(cpuinfo: Self.zen4))
        #expect(OpenBLASCoreSelection.widestCore(for: zen4)?.core == "Cooperlake")
        #expect(OpenBLASCoreSelection.widestCore(for: Self.skylakeX)?.core == "SkylakeX")
        #expect(OpenBLASCoreSelection.widestCore(for: Self.haswellIntel)?.core == "Haswell")
        let zen2 = CPUFeatureReport(vendor: "AuthenticAMD", family: 23, flags: ["avx", "avx2", "fma"])
        #expect(OpenBLASCoreSelection.widestCore(for: zen2)?.core == "Zen")
        // AVX-512F alone (no BW/VL/DQ, as on Knights Landing) is not enough for the SkylakeX kernels.
        let knl = CPUFeatureReport(vendor: "GenuineIntel", family: 6, flags: ["avx", "avx2", "fma", "avx512f", "avx512cd"])
        #expect(OpenBLASCoreSelection.widestCore(for: knl)?.core == "Haswell")
        #expect(OpenBLASCoreSelection.widestCore(for: CPUFeatureReport(vendor: "GenuineIntel", family: 6, flags: ["sse2"])) == nil)
    }

    /// The misdetection the issue describes: generic Prescott kernels on a CPU with AVX-512.
    @Test func overridesGenericCoreOnAVX512() throws {
        let decision = OpenBLASCoreSelection.decide(userSetting: nil, libraryChoice: "Prescott", features: Self.skylakeX)
        #expect(decision.action == .override)
        #expect(decision.core == "SkylakeX")
        #expect(decision.reason.contains("Prescott"))
        let zen4 = OpenBLASCoreSelection.decide(userSetting: nil, libraryChoice: "prescott",
                                                features: CPUFeatureReport(cpuinfo: Self.zen4))
        #expect(zen4.action == .override && zen4.core == "Cooperlake")
        let haswell = OpenBLASCoreSelection.decide(userSetting: nil, libraryChoice: "Nehalem", features: Self.haswellIntel)
        #expect(haswell.action == .override && haswell.core == "Haswell")
    }

    @Test func keepsAMatchingOrUnknownChoice() throws {
        #expect(OpenBLASCoreSelection.decide(userSetting: nil, libraryChoice: "Cooperlake",
                                             features: CPUFeatureReport(cpuinfo: Self.zen4)).action == .keepLibraryChoice)
        // Haswell on a SkylakeX-class CPU is narrower, Zen on AVX2 is not.
        #expect(OpenBLASCoreSelection.decide(userSetting: nil, libraryChoice: "Haswell", features: Self.skylakeX).action == .override)
        let zen2 = CPUFeatureReport(vendor: "AuthenticAMD", family: 23, flags: ["avx", "avx2", "fma"])
        #expect(OpenBLASCoreSelection.decide(userSetting: nil, libraryChoice: "Zen", features: zen2).action == .keepLibraryChoice)
        #expect(OpenBLASCoreSelection.decide(userSetting: nil, libraryChoice: "NeoverseN1", features: Self.skylakeX).action == .keepLibraryChoice)
        #expect(OpenBLASCoreSelection.decide(userSetting: nil, libraryChoice: "Prescott", features: nil).action == .keepLibraryChoice)
    }

    /// A value the user set is respected even when it is narrower than the CPU; an empty one counts as unset.
    @Test func respectsTheUser() {
        let decision = OpenBLASCoreSelection.decide(userSetting: "Haswell", libraryChoice: "Haswell", features: Self.skylakeX)
        #expect(decision.action == .respectUser)
        #expect(decision.core == "Haswell")
        #expect(decision.reason.contains("could use SkylakeX"))
        #expect(OpenBLASCoreSelection.decide(userSetting: "", libraryChoice: "Prescott", features: Self.skylakeX).action == .override)
    }

    @Test func isaOfCoreNames() {
        #expect(OpenBLASCoreSelection.isa(ofCore: "SKYLAKEX") == .avx512)
        #expect(OpenBLASCoreSelection.isa(ofCore: "Zen") == .avx2)
        #expect(OpenBLASCoreSelection.isa(ofCore: "Sandybridge") == .avx)
        #expect(OpenBLASCoreSelection.isa(ofCore: "Prescott") == .sse)
        #expect(OpenBLASCoreSelection.isa(ofCore: "POWER10") == nil)
    }
}

/// sgemm and dgemm of the library as it loads (the environment is not touched) against the reference.
@Suite(.serialized)
struct OperatorOpenBLASGEMMTests {
    @Test func gemmMatchesReference() throws {
        try OpenBLASLibrary.load(coreType: nil)
        #expect(!OpenBLASLibrary.coreName.isEmpty)
        for check in GEMMKernel.checks() {
            #expect(check.passed, "\(check.kernel) \(check.shape): \(check.error) > \(check.bound)")
        }
    }

    /// The reload the override relies on: loading with a core type picks that core (dlclose really unloads the
    /// library), and the environment is exactly as before afterwards (the variable is set only during the load).
    @Test func reloadWithACoreTypeRestoresTheEnvironment() throws {
        let before = getenv(OpenBLASLibrary.environmentVariable).map { String(cString: $0) }
        try OpenBLASLibrary.load(coreType: "Prescott")
        #expect(OpenBLASLibrary.coreName.lowercased() == "prescott")
        #expect(getenv(OpenBLASLibrary.environmentVariable).map { String(cString: $0) } == before)
        for check in GEMMKernel.checks() { #expect(check.passed, "\(check.kernel) \(check.shape) on Prescott") }
        try OpenBLASLibrary.load(coreType: nil)
        #expect(OpenBLASLibrary.coreName.lowercased() != "prescott" || before?.lowercased() == "prescott")
    }

    /// [[1, 2], [3, 4]]·[[5, 6], [7, 8]] = [[19, 22], [43, 50]] by hand.
    @Test func gemmHandValues() throws {
        try OpenBLASLibrary.load(coreType: nil)
        var c = [Float](repeating: 0, count: 4)
        GEMMKernel.sgemm(m: 2, n: 2, k: 2, a: [1, 2, 3, 4], b: [5, 6, 7, 8], c: &c)
        #expect(c == [19, 22, 43, 50])
        var d = [Double](repeating: 0, count: 4)
        GEMMKernel.dgemm(m: 2, n: 2, k: 2, a: [1, 2, 3, 4], b: [5, 6, 7, 8], c: &d)
        #expect(d == [19, 22, 43, 50])
    }
}
