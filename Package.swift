// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "vf-node",
    platforms: [.macOS(.v15)],  // ExactDecimal counts in Int128, new in macOS 15
    products: [
        .executable(name: "vf", targets: ["vf"]),
        .library(name: "VFJSON", targets: ["VFJSON"]),
        .library(name: "VFLog", targets: ["VFLog"]),
        .library(name: "VFPeer", targets: ["VFPeer"]),
        .library(name: "VFGraph", targets: ["VFGraph"]),
        .library(name: "VFGraphStore", targets: ["VFGraphStore"]),
        .library(name: "VFShapes", targets: ["VFShapes"]),
        .library(name: "VFAPI", targets: ["VFAPI"]),
        .library(name: "VFProof", targets: ["VFProof"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .target(name: "VFJSON"),
        .target(
            name: "VFLog",
            dependencies: [
                "CSodium", "VFJSON",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "VFPeer",
            dependencies: [
                "CSodium", "VFLog", "VFJSON",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "VFGraph",
            dependencies: ["VFLog", "VFJSON"]
        ),
        .target(
            name: "VFGraphStore",
            dependencies: ["VFGraph", "VFLog", "VFJSON", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        // The JSON shapes the command line and the HTTP API share, and the writer that prints them.
        .target(
            name: "VFShapes",
            dependencies: ["VFJSON", "VFLog", "VFGraph"]
        ),
        // Provenance proofs: the file, its check (pure) and the prover (over the tables).
        .target(
            name: "VFProof",
            dependencies: ["VFJSON", "VFLog", "VFGraph", "VFGraphStore", "VFShapes"]
        ),
        .target(
            name: "VFAPI",
            dependencies: [
                "CSodium", "VFJSON", "VFLog", "VFGraph", "VFGraphStore", "VFPeer", "VFShapes", "VFProof",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Web")]
        ),
        .executableTarget(
            name: "vf",
            dependencies: [
                "VFJSON", "VFLog", "VFPeer", "VFGraph", "VFGraphStore", "VFShapes", "VFAPI", "VFProof",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "vf-bench",
            dependencies: ["VFLog", "CSodium"],
            path: "Benchmarks/vf-bench"
        ),
        .target(
            name: "VFWorkload",
            dependencies: ["VFLog", "VFGraph"]
        ),
        .executableTarget(
            name: "vf-scale-bench",
            dependencies: ["VFLog", "VFGraph", "VFGraphStore", "VFWorkload", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/vf-scale-bench"
        ),
        .executableTarget(
            name: "vf-graph-bench",
            dependencies: ["VFLog", "VFGraph", "VFGraphStore", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/vf-graph-bench"
        ),
        .executableTarget(
            name: "vf-proof-bench",
            dependencies: ["VFLog", "VFGraph", "VFGraphStore", "VFProof"],
            path: "Benchmarks/vf-proof-bench"
        ),
        .executableTarget(
            name: "vf-listing-bench",
            dependencies: ["VFLog", "VFGraph", "VFGraphStore", "VFShapes"],
            path: "Benchmarks/vf-listing-bench"
        ),
        .executableTarget(
            name: "vf-page-bench",
            dependencies: ["VFLog", "VFGraph", "VFGraphStore", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/vf-page-bench"
        ),
        .executableTarget(
            name: "vf-sync-bench",
            dependencies: ["VFLog", "VFPeer", "CSodium", .product(name: "NIOCore", package: "swift-nio")],
            path: "Benchmarks/vf-sync-bench"
        ),
        .executableTarget(
            name: "vf-hostile-bench",
            dependencies: ["VFLog", "VFPeer", "CSodium", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/vf-hostile-bench"
        ),
        .target(
            name: "VFTestSupport",
            dependencies: ["VFLog"],
            path: "Tests/VFTestSupport"
        ),
        .testTarget(
            name: "VFJSONTests",
            dependencies: ["VFJSON"]
        ),
        .testTarget(
            name: "VFLogTests",
            dependencies: ["VFLog", "VFJSON", "CSodium", "VFTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "VFGraphTests",
            dependencies: ["VFGraph", "VFGraphStore", "VFProof", "VFJSON", "VFLog", "VFTestSupport", "VFWorkload", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "VFShapesTests",
            dependencies: ["VFShapes", "VFJSON", "VFLog", "VFGraph", "VFGraphStore", "VFTestSupport"]
        ),
        .testTarget(
            name: "APITests",
            dependencies: [
                "VFAPI", "VFShapes", "VFJSON", "VFLog", "VFGraph", "VFGraphStore", "VFPeer", "VFTestSupport", "VFProof",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "ReplicationTests",
            dependencies: ["VFPeer", "VFLog", "CSodium", "VFTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio")],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
