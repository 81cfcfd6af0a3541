import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore

/// What a run of payloads folded together may change of the events held before it
/// (``PayloadReach/confines(_:to:)``): each held event folded again reaches one payload's claims alone.
final class PayloadReachTests: XCTestCase {
    private let farm = FeedID(key: .zero).description

    private func hash(_ n: UInt8) -> Hash32 { Hash32(bytes: [UInt8](repeating: n, count: 32))! }

    /// A consume of the resource numbered `n` (its id made of `n`).
    private func consume(_ n: UInt8) -> PayloadReach {
        PayloadReach(Array(#"{"@type":"EconomicEvent","action":"consume","provider":"\#(farm)","receiver":"\#(farm)","resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"resourceInventoriedAs":"\#(ResourceID(hash: hash(n)))"}"#.utf8))
    }

    func testHeldEventsWithinOnePayloadsClaimsAreConfined() {
        let run = [consume(1), consume(2), PayloadReach(Array(#"{"note":"claims nothing"}"#.utf8))]
        XCTAssertEqual(run[0].claims, [hash(1)])
        XCTAssertTrue(PayloadReach.confines([], to: run), "no held event folded again")
        XCTAssertTrue(PayloadReach.confines([[hash(1)], [hash(2)], [hash(1)]], to: run))
    }

    func testAHeldEventReachingTwoPayloadsOrAnUnclaimedIdOrNothingIsNot() {
        let run = [consume(1), consume(2)]
        XCTAssertFalse(PayloadReach.confines([[hash(1), hash(2)]], to: run), "two payloads' resources")
        XCTAssertFalse(PayloadReach.confines([[hash(1), hash(3)]], to: run), "a resource no payload names")
        XCTAssertFalse(PayloadReach.confines([[hash(3)]], to: run))
        XCTAssertFalse(PayloadReach.confines([[hash(1)], []], to: run), "a held event reaching nothing is put down to no payload")
        XCTAssertFalse(PayloadReach.confines(nil, to: run), "the update changed a held event otherwise")
    }
}
