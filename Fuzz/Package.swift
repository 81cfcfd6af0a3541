// swift-tools-version:6.1
import PackageDescription

// Coverage-guided fuzz targets (libFuzzer) for every decoder and state machine that reads
// bytes from outside. A package of its own, so `swift build` and `make test` of the root never
// build them: `make fuzz` builds this one with `--sanitize=fuzzer` into `.build-fuzz`.
//
// Every executable here links libFuzzer, which supplies `main`: each harness is a file that
// exports `LLVMFuzzerTestOneInput` and is compiled as a library (`-parse-as-library`).

let harness: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

/// One fuzz target: `Sources/<name>/<name>.swift`.
func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: "vf-node") },
        swiftSettings: harness
    )
}

let package = Package(
    name: "vf-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "vf-node", path: "..")],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [.product(name: "VFLog", package: "vf-node"), .product(name: "VFPeer", package: "vf-node")]
        ),
        fuzzTarget("fuzz-entry", ["VFLog"]),
        fuzzTarget("fuzz-bundle", ["VFLog"]),
        fuzzTarget("fuzz-backup", ["VFLog"]),
        fuzzTarget("fuzz-sync-frame", ["VFLog", "VFPeer"]),
        fuzzTarget("fuzz-sync-state-machine", ["VFLog", "VFPeer"]),
        fuzzTarget("fuzz-handshake-server", ["VFPeer"]),
        fuzzTarget("fuzz-handshake-client", ["VFPeer"]),
        fuzzTarget("fuzz-box-stream", ["VFPeer"]),
        fuzzTarget("fuzz-box-stream-plaintext", ["VFPeer"]),
        fuzzTarget("fuzz-lan-announcement", ["VFPeer"]),
        fuzzTarget("fuzz-multiserver-address", ["VFLog", "VFPeer"]),
        fuzzTarget("fuzz-invite-code", ["VFPeer"]),
        fuzzTarget("fuzz-payload", ["VFLog", "VFPeer", "VFGraph", "VFJSON"]),
        fuzzTarget("fuzz-json", ["VFGraph", "VFJSON"]),
        fuzzTarget("fuzz-api-request", ["VFLog", "VFGraph", "VFAPI", "VFJSON"]),
        fuzzTarget("fuzz-proof", ["VFProof"]),
        fuzzTarget("fuzz-feed-mark", ["VFLog"]),
        fuzzTarget("fuzz-seeds", ["VFLog", "VFPeer", "VFGraph"]),
    ],
    swiftLanguageModes: [.v6]
)
