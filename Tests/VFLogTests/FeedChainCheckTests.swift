import VFTestSupport
import XCTest
@testable import VFLog

/// A feed checked entry by entry, as a restore checks a backup before writing anything.
final class FeedChainCheckTests: XCTestCase {
    func testAWholeFeedPassesAndAnyGapOrForeignLinkIsRefused() throws {
        var builder = FeedBuilder()
        for n in 1...30 { builder.append(#"{"n":\#(n)}"#) }
        var check = FeedChainCheck()
        for signed in builder.entries { try check.check(signed) }

        // Entry 5 skipped: entry 6 does not continue entry 4.
        var gap = FeedChainCheck()
        for signed in builder.entries.prefix(4) { try gap.check(signed) }
        XCTAssertThrowsError(try gap.check(builder.entries[5])) { XCTAssertEqual(($0 as? VerificationError)?.reason, .sequenceGap(expected: 5)) }

        // Entry 13 of another feed of the same key links to that feed's entries: refused
        // though its sequence follows (13 links back to 4 by Lipmaa, to 12 by backlink).
        var other = FeedBuilder(key: builder.key)
        for n in 1...13 { other.append(#"{"other":\#(n)}"#) }
        var fork = FeedChainCheck()
        for signed in builder.entries.prefix(12) { try fork.check(signed) }
        XCTAssertThrowsError(try fork.check(other.entries[12])) { error in
            guard case .wrongBacklink? = (error as? VerificationError)?.reason else { return XCTFail("\(error)") }
        }

        // A payload that is not the one signed.
        var altered = FeedChainCheck()
        try altered.check(builder.entries[0])
        XCTAssertThrowsError(try altered.check(SignedEntry(entry: builder.entries[1].entry, payload: Array(#"{"n":7}"#.utf8)))) {
            XCTAssertEqual(($0 as? VerificationError)?.reason, .payloadHashMismatch)
        }
    }
}
