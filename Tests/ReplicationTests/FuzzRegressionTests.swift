import VFLog
import VFPeer
import XCTest

/// Inputs the fuzz targets of Fuzz/ found to be mishandled, kept as tests (the inputs
/// themselves are in Fuzz/Regressions/<target>/).
final class FuzzRegressionTests: XCTestCase {
    private let feed = FeedID(bytes: [UInt8](repeating: 7, count: 32))!
    private var key: String { String(feed.description.dropFirst().dropLast(".ed25519".count)) }

    /// fuzz-multiserver-address: `Character.isHexDigit` holds for fullwidth digits, so
    /// `[１::]` (U+FF11) passed as an IPv6 host that no resolver can dial, and the address had
    /// a second spelling of a host that is not one.
    func testFullwidthDigitsAreNotAnIPv6Host() {
        for host in ["\u{FF11}::", "::\u{FF21}", "fe80::\u{FF10}:1"] {
            XCTAssertThrowsError(try MultiserverAddress(parsing: "net:[\(host)]:8008~shs:\(key)"), host) { error in
                XCTAssertEqual((error as? MultiserverAddressError)?.reason, "\"\(host)\" in brackets is not an IPv6 address")
            }
            XCTAssertThrowsError(try MultiserverAddress(host: host, port: 8008, feed: feed), host)
        }
        XCTAssertEqual(try MultiserverAddress(parsing: "net:[1::]:8008~shs:\(key)").host, "1::")
    }

    /// fuzz-sync-state-machine (`plan-overflow`): the `plan` answering a clock counted the
    /// entries to send in a UInt64 that trapped when the heads of several feeds added up past
    /// 2^64. It now says UInt64.max, and the entries are still all sent.
    func testPlanOfHugeHeadsSaturatesInsteadOfTrapping() {
        let feeds = (1...3).map { FeedID(bytes: [UInt8](repeating: UInt8($0), count: 32))! }
        let heads = Dictionary(uniqueKeysWithValues: feeds.map { ($0, Entry.maximumSequence) })
        var machine = SyncStateMachine(wants: FeedClock(heads), localHeads: heads, acknowledgedBase: nil,
                                       rememberedPeerClock: nil, oneShot: false)
        _ = machine.start()
        XCTAssertEqual(machine.receive(.hello(version: SyncFrame.protocolVersion)), [])
        let actions = machine.receive(.clock(full: true, final: true, base: .zero,
                                             changes: feeds.map { ClockChange(feed: $0, sequence: 0) }))
        XCTAssertTrue(actions.contains(.send(.plan(feeds: 3, entries: .max))), "\(actions)")
        XCTAssertEqual(Set(actions.entryRanges), Set(feeds.map { EntryRange(feed: $0, after: 0, through: Entry.maximumSequence) }))
        XCTAssertFalse(machine.isClosed)
    }
}
