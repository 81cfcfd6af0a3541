import Foundation
import GRDB
import VFTestSupport
import XCTest
@testable import VFLog

/// `vf publish` and `vf verify` under the JSON profile (docs/protocol.md §5).
final class PayloadProfileCommandLineTests: XCTestCase {
    private func vf(_ arguments: String..., stdin: String? = nil) throws -> VFProcess.Result {
        try VFProcess.run(arguments, stdin: stdin)
    }

    private func initialisedHome() throws -> String {
        let home = try temporaryDirectory(self) + "/a"
        let initialised = try vf("init", "--home", home)
        XCTAssertEqual(initialised.status, 0, initialised.stderr)
        return home
    }

    func testPublishRefusesEachWithWhatAndWhere() throws {
        let home = try initialisedHome()
        let cases: [(payload: [UInt8], message: String)] = [
            ([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8), "at byte 0, byte order mark"),
            (Array(#"{"a":1,"\u0061":2}"#.utf8), #"at byte 7, duplicate member name "a""#),
            (Array(#"{"s":"\ud800"}"#.utf8), #"at byte 6, lone high surrogate \uD800"#),
            (Array(#"{"s":"x\udc00"}"#.utf8), #"at byte 7, lone low surrogate \uDC00"#),
            (Array(("{\"a\":" + String(repeating: "[", count: 64) + "]}").utf8), "at byte 68, nested deeper than 64"),
            (Array(#"{"s":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8), "at byte 6, invalid UTF-8"),
            (Array(#"{"n":01}"#.utf8), "at byte 6, unexpected character '1'"),
        ]
        let file = home + "/payload.json"
        for (payload, message) in cases {
            try Data(payload).write(to: URL(fileURLWithPath: file))
            let refused = try vf("publish", "--home", home, "@" + file)
            XCTAssertNotEqual(refused.status, 0, message)
            XCTAssertTrue(refused.stderr.contains("payload is not JSON under the profile of protocol.md §5: " + message), refused.stderr)
        }
        // From standard input and as --lines, the same rule and message.
        let stdin = try vf("publish", "--home", home, "-", stdin: "\u{FEFF}{}")
        XCTAssertTrue(stdin.stderr.contains("byte order mark"), stdin.stderr)
        let lines = try vf("publish", "--home", home, "--lines", "-", stdin: "{\"n\":1}\n{\"a\":1,\"a\":2}\n")
        XCTAssertNotEqual(lines.status, 0)
        XCTAssertTrue(lines.stderr.contains("line 2") && lines.stderr.contains("duplicate member name"), lines.stderr)
        // What Foundation refused and the profile accepts.
        let digits = String(repeating: "3", count: 400)
        let huge = try vf("publish", "--home", home, "--json", #"{"big":1e400,"long":\#(digits)}"#)
        XCTAssertEqual(huge.status, 0, huge.stderr)
        let log = try vf("log", "--home", home, "--json")
        XCTAssertTrue(log.stdout.contains(#""payload":{"big":1e400,"long":\#(digits)}"#), log.stdout)
    }

    func testVerifyNamesAStoredPayloadOutsideTheProfileAndPasses() throws {
        let home = try initialisedHome()
        // An entry of another feed, stored by an older node with its duplicate-name payload.
        var feed = FeedBuilder()
        feed.append()
        let old = feed.append(#"{"a":1,"a":2}"#)
        let store = try LogStore(path: home + "/log.sqlite")
        XCTAssertEqual(try store.ingest([feed.entries[0], SignedEntry(entry: old.entry, payload: nil)]).stored.count, 2)
        try DatabaseQueue(path: home + "/log.sqlite").write { db in
            try db.execute(sql: "INSERT INTO payload (entry, data) SELECT rowid, ? FROM entry WHERE sequence = 2", arguments: [Data(old.payload!)])
        }
        let verified = try vf("verify", "--home", home)
        XCTAssertEqual(verified.status, 0, verified.stdout)
        XCTAssertTrue(verified.stdout.contains("OUTSIDE PROFILE (kept, not sent on) \(feed.key.feed) #2: payload is not JSON under the profile"),
                      verified.stdout)
        XCTAssertTrue(verified.stdout.contains("all valid"), verified.stdout)
        let json = try vf("verify", "--home", home, "--json")
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(report?["valid"] as? Bool, true)
        XCTAssertEqual((report?["payloadsOutsideProfile"] as? [[String: Any]])?.first?["sequence"] as? Int, 2)
        // Shown without a payload, since no reader takes it.
        let log = try vf("log", "--home", home, "--json", "--author", feed.key.feed.description)
        let entries = try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]]
        XCTAssertEqual(entries?.count, 2, log.stderr)
        XCTAssertTrue(entries?.last?["payload"] is NSNull, log.stdout)
    }
}
