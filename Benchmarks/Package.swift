// swift-tools-version: 6.1
import Foundation
import PackageDescription

// The root package is a path dependency, so its identity is its folder's name (the
// checkout may be called anything): products are looked up under that name.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

// The phase benchmarks of caseload (package-benchmark). Run them with
// `swift package --disable-sandbox benchmark` here, or everything with `make bench` at the root.
let package = Package(
    name: "caseload-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The pipeline's phases, one function each, shared by both executables.
        .target(
            name: "CaseloadPhases",
            dependencies: [
                .product(name: "CaseloadModel", package: root),
                .product(name: "CaseloadImport", package: root),
                .product(name: "CaseloadAnalytics", package: root),
                .product(name: "CaseloadExport", package: root),
            ]
        ),
        // One phase per process, for /usr/bin/time -v (peak RSS) in `make bench`.
        .executableTarget(name: "caseload-phases", dependencies: ["CaseloadPhases"]),
        // package-benchmark: every phase on small and medium.
        .executableTarget(
            name: "CaseloadBenchmarks",
            dependencies: [
                "CaseloadPhases",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "CaseloadModel", package: root),
                .product(name: "CaseloadImport", package: root),
                .product(name: "CaseloadAnalytics", package: root),
                .product(name: "CaseloadExport", package: root),
            ],
            path: "Benchmarks/CaseloadBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
