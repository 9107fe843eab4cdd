// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "bnlab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bnlab", targets: ["bnlab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
    ],
    targets: [
        // MARK: - C libraries (pkg-config, Debian packages)
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: - Modules
        .target(name: "Engine", dependencies: ["CBLAS"],
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        .target(name: "Datasets", dependencies: ["Engine", "CZlib"]),
        .target(name: "Charts", dependencies: ["CCairo", "CPNG"]),
        .target(name: "Studies", dependencies: ["Engine", "Datasets", .product(name: "Yams", package: "Yams")]),
        .target(name: "Report", dependencies: [
            "Studies", "Charts",
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        .executableTarget(name: "bnlab", dependencies: [
            "Engine", "Datasets", "Studies", "Charts", "Report",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: - Tests
        .target(name: "PNGTestSupport", dependencies: ["CPNG"], path: "Tests/PNGTestSupport"),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Datasets"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts", "PNGTestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Studies", "Charts", "Datasets", "PNGTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["bnlab", "Studies", "Report"]),
        .testTarget(name: "StudiesTests", dependencies: ["Studies", "Engine", "Datasets"], resources: [.copy("Fixtures")]),
    ]
)
