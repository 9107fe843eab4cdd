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
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // MARK: - C libraries (pkg-config, Debian packages)
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // glibc's vector math (exp, tanh four lanes at a time); glibc has no pkg-config file
        .systemLibrary(name: "CLibmvec", providers: [.apt(["libc6-dev"])]),

        // MARK: - Modules
        .target(name: "Engine", dependencies: ["CBLAS", "CLibmvec"],
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        .target(name: "Datasets", dependencies: ["Engine", "CZlib"]),
        .target(name: "Charts", dependencies: ["CCairo", "CPNG", "CZlib"]),
        .target(name: "Training", dependencies: ["Engine", "Datasets"]),
        .target(name: "Studies", dependencies: ["Engine", "Datasets", "Training", .product(name: "Yams", package: "Yams")]),
        // The nightly history store (SQLite through GRDB) and its trend analysis.
        .target(name: "History", dependencies: ["Studies", "Training", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Report", dependencies: [
            "Studies", "Training", "Charts", "History",
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        .executableTarget(name: "bnlab", dependencies: [
            "Engine", "Datasets", "Training", "Studies", "Charts", "Report", "History",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: - Tests
        .target(name: "PNGTestSupport", dependencies: ["CPNG"], path: "Tests/PNGTestSupport"),
        .target(name: "TestSupport", dependencies: ["Datasets"], path: "Tests/TestSupport"),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Datasets", "Training"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts", "PNGTestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Engine", "Datasets", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StudiesTests", dependencies: ["Studies", "Training", "Engine", "Datasets", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Studies", "Training", "Charts", "Datasets", "PNGTestSupport"],
                    exclude: ["Fixtures", "ToyStudy/toy-study.mustache"]),
        .testTarget(name: "HistoryTests", dependencies: ["History", "Studies", "Training", "Report", "PNGTestSupport"],
                    exclude: ["Fixtures"]),
                .testTarget(name: "EndToEndTests", dependencies: ["bnlab", "Studies", "Training", "Report", .product(name: "Yams", package: "Yams")]),
        // Seeded mutations of valid files against every parser (issue 15): a value or an error, never a trap.
        .testTarget(name: "FuzzTests", dependencies: ["Engine", "Datasets", "Training", "Studies", "Report", "History", "CZlib",
                                                      .product(name: "Mustache", package: "swift-mustache")]),
    ]
)
