// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "caseload",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "caseload", targets: ["CaseloadCLI"]),
        .library(name: "CaseloadModel", targets: ["CaseloadModel"]),
        .library(name: "CaseloadImport", targets: ["CaseloadImport"]),
        .library(name: "CaseloadAnalytics", targets: ["CaseloadAnalytics"]),
        .library(name: "CaseloadExport", targets: ["CaseloadExport"]),
        .library(name: "CaseloadShard", targets: ["CaseloadShard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // C library
        .systemLibrary(
            name: "CXLSXWriter",
            path: "Sources/CXLSXWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev", "zlib1g-dev"])]
        ),

        // Libraries: Model <- Import, Analytics <- Export
        .target(name: "CaseloadModel"),
        .target(
            name: "CaseloadImport",
            dependencies: [
                "CaseloadModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "CaseloadAnalytics", dependencies: ["CaseloadModel"]),
        .target(name: "CaseloadSynthetic", dependencies: ["CaseloadModel"]),
        .target(
            name: "CaseloadShard",
            dependencies: [
                "CaseloadModel",
                "CaseloadAnalytics",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CaseloadExport",
            dependencies: [
                "CaseloadModel",
                "CaseloadAnalytics",
                "CXLSXWriter",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // CLI
        .executableTarget(
            name: "CaseloadCLI",
            dependencies: [
                "CaseloadModel",
                "CaseloadImport",
                "CaseloadAnalytics",
                "CaseloadExport",
                "CaseloadSynthetic",
                "CaseloadShard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Tests
        .testTarget(
            name: "CaseloadModelTests",
            dependencies: ["CaseloadModel", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "CaseloadImportTests",
            dependencies: [
                // The generator renders caseloads as FHIR for the reader's round-trip tests.
                "CaseloadImport", "CaseloadModel", "CaseloadSynthetic",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "CaseloadAnalyticsTests",
            dependencies: [
                "CaseloadAnalytics", "CaseloadModel",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "CaseloadExportTests",
            dependencies: [
                "CaseloadExport", "CaseloadAnalytics", "CaseloadModel",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "CaseloadShardTests",
            dependencies: ["CaseloadShard", "CaseloadAnalytics", "CaseloadModel"]
        ),
        .testTarget(
            name: "CaseloadSyntheticTests",
            dependencies: ["CaseloadSynthetic", "CaseloadModel"]
        ),
        .testTarget(
            name: "CaseloadCLITests",
            dependencies: [
                "CaseloadCLI", "CaseloadModel", "CaseloadAnalytics", "CaseloadSynthetic", "CaseloadShard",
                // SHA-256 of the report files, for the output contract's check of manifest.json.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Snapshots"]
        ),
    ]
)
