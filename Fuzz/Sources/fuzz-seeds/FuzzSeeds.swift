import Foundation
import FuzzSupport
import VFGraph
import VFLog
import VFPeer

/// Writes the seed corpus of every target into `$FUZZ_SEEDS_DIR/<target>/`.
///
/// Every executable of this package links libFuzzer, which owns `main`; this one does its work
/// in `LLVMFuzzerInitialize`, which libFuzzer calls first, and exits before any fuzzing.
@_cdecl("LLVMFuzzerInitialize")
public func writeSeeds(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    guard let root = ProcessInfo.processInfo.environment["FUZZ_SEEDS_DIR"] else {
        FileHandle.standardError.write(Data("set FUZZ_SEEDS_DIR to the corpus directory\n".utf8))
        exit(2)
    }
    var written = 0
    for (target, seeds) in SeedCorpus.all() {
        let directory = root + "/" + target
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, bytes) in seeds {
            try! Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
            written += 1
        }
    }
    print("wrote \(written) seeds under \(root)")
    exit(0)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func noInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { 0 }

/// The seeds of each target, by file name.
enum SeedCorpus {
    static func all() -> [(String, [(String, [UInt8])])] {
        var feed = FeedBuilder(key: SyncFixture.keys[0])
        let payloads = PayloadExamples.all(author: SyncFixture.feeds[0])
        for n in 0..<10 { feed.append(n < payloads.count ? payloads[n] : nil) }
        let entries = feed.entries

        let bundle = BundleCodec.header + entries.prefix(6).flatMap(BundleCodec.encodeRecord)
            + BundleCodec.encodeRecord(SignedEntry(entry: entries[6].entry, payload: nil)) + BundleCodec.encodeEnd(count: 7)

        let frames = FrameExamples.all(entries: entries)
        let handshake = HandshakeTranscript.record()
        let addresses = [
            "net:127.0.0.1:8008~shs:" + key(SyncFixture.feeds[0]),
            "net:[::1]:8650~shs:" + key(SyncFixture.feeds[1]),
            "net:[2001:db8::192.0.2.1]:1~shs:" + key(SyncFixture.feeds[2]),
            "net:pub.example.org:65535~shs:" + key(SyncFixture.feeds[3]),
        ]
        let address = try! MultiserverAddress(parsing: addresses[0])
        let invites = [
            InviteCode(pub: address, secret: SyncFixture.inviteSecret).description,
            "  " + InviteCode(pub: try! MultiserverAddress(parsing: addresses[1]), secret: [UInt8](repeating: 0xFF, count: 32)).description + "\n",
        ]
        var writer = BoxStreamWriter(FuzzKeys.boxStream)
        let boxStream = writer.seal(Array("hello".utf8)) + writer.seal([UInt8](repeating: 7, count: 5000)) + writer.goodbye()

        return [
            ("fuzz-entry", named(entries.map(\.entry.encoded))),
            ("fuzz-bundle", [("bundle-whole", [0] + bundle), ("bundle-chunked", [9] + bundle)]),
            ("fuzz-sync-frame", named(frames.map { [0] + FrameDecoder.frame($0.encode()) })
                + [("all-frames-chunked", [5] + frames.flatMap { FrameDecoder.frame($0.encode()) })]),
            ("fuzz-sync-state-machine", SyncTranscript.all()),
            ("fuzz-handshake-server", [("transcript", [0] + handshake.fromClient), ("transcript-chunked", [3] + handshake.fromClient)]),
            ("fuzz-handshake-client", [("transcript", [0] + handshake.fromServer), ("transcript-chunked", [3] + handshake.fromServer)]),
            ("fuzz-box-stream", [("stream", [0] + boxStream), ("stream-chunked", [1] + boxStream)]),
            ("fuzz-box-stream-plaintext", [
                ("two-bodies-goodbye", [0, 0, 5] + Array("hello".utf8) + [0, 0x10, 0x00] + [UInt8](repeating: 1, count: 4096) + [1, 0, 0]),
                ("bad-lengths", [0, 0, 0, 0, 0x10, 0x01] + [UInt8](repeating: 2, count: 40)),
            ]),
            ("fuzz-lan-announcement", [
                ("datagram", [0] + LANAnnouncement(address: address).encoded(networkKey: FuzzKeys.networkKey)),
                ("address-sealed", [1] + Array(addresses[2].utf8)),
            ]),
            ("fuzz-multiserver-address", named(addresses.map { Array($0.utf8) })),
            ("fuzz-invite-code", named(invites.map { Array($0.utf8) })),
            ("fuzz-payload", named(payloads.map { Array($0.utf8) })),
            ("fuzz-json", named(payloads.map { Array($0.utf8) })),
            ("fuzz-api-request", named(APIExamples.all(entries: entries, payloads: payloads))),
        ]
    }

    static func named(_ seeds: [[UInt8]]) -> [(String, [UInt8])] {
        seeds.enumerated().map { (String(format: "seed-%03d", $0.offset), $0.element) }
    }

    static func key(_ feed: FeedID) -> String { String(feed.description.dropFirst().dropLast(".ed25519".count)) }
}
