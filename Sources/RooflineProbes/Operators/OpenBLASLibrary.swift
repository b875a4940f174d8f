import COpenBLAS

/// OpenBLAS loaded at run time (see COpenBLAS.h): choose OPENBLAS_CORETYPE, load, check, and fall back.
///
/// Flow of `prepare`: with OPENBLAS_CORETYPE set by the user, load with it and only report. Otherwise load with
/// nothing set and read the core OpenBLAS picked; when `OpenBLASCoreSelection.decide` finds it narrower than the
/// CPU, unload, set the variable, load again, and restore the environment right after (OpenBLAS reads the variable
/// only while loading, so the process environment is left as it was). The core in use is then checked on small
/// sgemm and dgemm problems against a reference; when an override gives wrong results, the library is loaded again
/// with its own choice and the report says why.
public enum OpenBLASLibrary {
    /// The soname of the BLAS Debian's libopenblas-dev installs (via update-alternatives).
    public static let soname = "libopenblas.so.0"
    public static let environmentVariable = "OPENBLAS_CORETYPE"

    public static var isLoaded: Bool { roofline_openblas_is_loaded() != 0 }
    public static var coreName: String { String(cString: roofline_openblas_corename()) }
    public static var configuration: String { String(cString: roofline_openblas_config()) }

    /// Loads OpenBLAS with OPENBLAS_CORETYPE = `coreType` during the load (nil: the environment as it is), then
    /// restores the variable's previous state. Unloads a library already loaded first.
    public static func load(coreType: String?) throws {
        if isLoaded { _ = roofline_openblas_unload() }
        let previous = getenv(environmentVariable).map { String(cString: $0) }
        if let coreType { setenv(environmentVariable, coreType, 1) }
        defer {
            if coreType != nil {
                if let previous { setenv(environmentVariable, previous, 1) } else { unsetenv(environmentVariable) }
            }
        }
        var error = [CChar](repeating: 0, count: 512)
        guard roofline_openblas_load(soname, &error, error.count) != 0 else {
            throw RooflineError.runtime(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    public static func setThreads(_ threads: Int) { roofline_openblas_set_threads(Int32(threads)) }

    /// Loads OpenBLAS for the GEMM rows as described above and reports what was done.
    public static func prepare(features: CPUFeatureReport?, threads: Int) throws -> OpenBLASReport {
        let user = getenv(environmentVariable).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        try load(coreType: nil)
        let libraryChoice = user == nil ? coreName : nil
        let decision = OpenBLASCoreSelection.decide(userSetting: user, libraryChoice: coreName, features: features)
        var fallback: String?
        if decision.action == .override {
            try load(coreType: decision.core)
            let checks = GEMMKernel.checks()
            if let failed = checks.first(where: { !$0.passed }) {
                fallback = "OPENBLAS_CORETYPE=\(decision.core) gave wrong results (\(failed.kernel) \(failed.shape): "
                    + "error \(failed.error) > bound \(failed.bound)); using OpenBLAS's own choice \(libraryChoice ?? "")"
                try load(coreType: nil)
            }
        }
        setThreads(threads)
        return OpenBLASReport(
            userSetting: user, libraryChoice: libraryChoice, decision: decision, coreInUse: coreName,
            configuration: configuration, checks: GEMMKernel.checks(), fallbackReason: fallback)
    }
}
