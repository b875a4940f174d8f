// swift-tools-version: 6.0
import PackageDescription

/// The binary is built on the machine it profiles: kernels are compiled for the native CPU so that SIMD code
/// becomes the widest vectors the CPU has (a plain release build targets baseline x86-64 and emits no AVX).
/// The probes are optimised in every configuration: a kernel built without optimisation measures the compiler,
/// not the machine (and the tests run debug builds).
/// `-Wno-psabi`: the C vector helpers take 16-float vectors and are always inlined, so no call with that ABI remains;
/// on a CPU without AVX-512 clang would otherwise warn at each use that such an argument "changes the ABI".
let nativeSwift: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "native", "-Ounchecked", "-Xcc", "-Wno-psabi"]),
]
let nativeC: [CSetting] = [.unsafeFlags(["-march=native", "-O3"])]

let package = Package(
    name: "roofline",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "roofline", targets: ["roofline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // A markdown parser for the tests only: kept reports must render on GitHub (no `$` opening math, every image found).
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNuma", pkgConfig: "numa",
            providers: [.apt(["libnuma-dev"])]),
        // OpenBLAS is loaded with dlopen at run time (not linked), so the tool can set OPENBLAS_CORETYPE first.
        .target(name: "COpenBLAS", linkerSettings: [.linkedLibrary("dl")]),
        // MPI (OpenMPI's ABI) is loaded with dlopen too, so the binary runs where no MPI is installed; only
        // `probe --mpi` needs it. Optimised in every configuration, as the timed ping-pong loop is here.
        .target(name: "CMPI", cSettings: nativeC, linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CRooflineSupport", cSettings: nativeC),
        .target(name: "RooflineCore"),
        .target(
            name: "RooflineModels", dependencies: ["RooflineCore"],
            resources: [.copy("Presets")]),
        // Kernel time models fitted from measured tables: the predicted time beside every bound.
        .target(name: "RooflineCalibration", dependencies: ["RooflineCore"], resources: [.copy("Data")]),
        .target(
            name: "RooflineDevices", dependencies: ["RooflineCore", "RooflineModels", "RooflineCalibration"],
            resources: [.copy("Data")]),
        .target(
            name: "RooflineProbes",
            dependencies: ["RooflineCore", "CRooflineSupport", "CNuma", "COpenBLAS", "CMPI"],
            swiftSettings: nativeSwift),
        .target(name: "RooflineReport", dependencies: ["RooflineCore", "RooflineModels", "RooflineDevices", "RooflineCalibration"]),
        // The analysis step: builds workloads, places them and plans deployments; RooflineReport renders the result.
        .target(name: "RooflineAnalysis", dependencies: ["RooflineModels", "RooflineDevices", "RooflineReport", "RooflineCalibration"]),
        .executableTarget(
            name: "roofline",
            dependencies: [
                "RooflineCore", "RooflineModels", "RooflineDevices", "RooflineProbes", "RooflineReport",
                "RooflineAnalysis", "RooflineCalibration", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The parsers a user's files and options reach, for libFuzzer (scripts/fuzz.sh builds it with
        // -sanitize=fuzzer); built normally it replays the inputs named on its command line.
        .executableTarget(name: "roofline-fuzz", dependencies: ["RooflineModels", "RooflineDevices", "RooflineCalibration"]),
        .testTarget(name: "RooflineCoreTests", dependencies: ["RooflineCore"]),
        .testTarget(name: "RooflineModelsTests", dependencies: ["RooflineModels"], exclude: ["Fixtures"]),
        .testTarget(name: "RooflineCalibrationTests", dependencies: ["RooflineCalibration"]),
        .testTarget(name: "RooflineDevicesTests", dependencies: ["RooflineDevices", "RooflineCalibration"]),
        .testTarget(name: "RooflineProbesTests", dependencies: ["RooflineProbes"], swiftSettings: nativeSwift),
        .testTarget(
            name: "RooflineReportTests",
            dependencies: ["RooflineReport", "RooflineCalibration", .product(name: "Ink", package: "Ink")]),
        .testTarget(name: "RooflineAnalysisTests", dependencies: ["RooflineAnalysis"]),
        .testTarget(name: "RooflineCLITests", dependencies: ["RooflineCore"], exclude: ["Golden", "BadInputs"]),
    ],
    swiftLanguageModes: [.v6]
)
