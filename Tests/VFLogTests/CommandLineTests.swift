import Foundation
import GRDB
import VFTestSupport
import XCTest
@testable import VFLog

/// The `vf` command as people and scripts use it: exit codes, messages and JSON.
final class CommandLineTests: XCTestCase {
    private func vf(_ arguments: String..., stdin: String? = nil) throws -> VFProcess.Result {
        try VFProcess.run(arguments, stdin: stdin)
    }

    private func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    func testPublishLogFeedsAndVerify() throws {
        let dir = try temporaryDirectory(self)
        let home = dir + "/a"
        let initialised = try vf("init", "--home", home)
        XCTAssertEqual(initialised.status, 0, initialised.stderr)
        let me = initialised.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try FeedID(parsing: me).description, me)
        XCTAssertEqual(try vf("whoami", "--home", home).stdout, me + "\n")
        XCTAssertNotEqual(try vf("init", "--home", home).status, 0, "init refuses to overwrite an identity")

        let published = try vf("publish", "--home", home, "--json", #"{"@type":"Person","name":"Hillside Farm"}"#)
        XCTAssertEqual(published.status, 0, published.stderr)
        let object = try json(published.stdout) as! [String: Any]
        XCTAssertEqual(object["author"] as? String, me)
        XCTAssertEqual(object["sequence"] as? Int, 1)
        try #"{"from":"file"}"#.write(toFile: dir + "/p.json", atomically: true, encoding: .utf8)
        XCTAssertEqual(try vf("publish", "--home", home, "@" + dir + "/p.json").status, 0)
        XCTAssertEqual(try vf("publish", "--home", home, "-", stdin: #"{"from":"stdin"}"#).status, 0)

        // A payload file or input over the limit is refused with its length, and nothing appended.
        try (#"{"n":""# + String(repeating: "y", count: 200_000) + #""}"#).write(toFile: dir + "/big.json", atomically: true, encoding: .utf8)
        for (argument, reason) in [("@" + dir + "/big.json", "big.json: payload is 200008 bytes, over the limit of 65536"),
                                   ("-", "standard input: more than 65536 bytes, over the limit of a payload")] {
            let big = try vf("publish", "--home", home, argument, stdin: #"{"n":""# + String(repeating: "y", count: 200_000) + #""}"#)
            XCTAssertNotEqual(big.status, 0)
            XCTAssertTrue(big.stderr.contains(reason), big.stderr)
        }
        let missing = try vf("publish", "--home", home, "@" + dir + "/nowhere.json")
        XCTAssertTrue(missing.stderr.contains("nowhere.json: No such file or directory"), missing.stderr)

        let refused = try vf("publish", "--home", home, "[1,2]")
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("not an object"), refused.stderr)

        let lines = try vf("publish", "--home", home, "--lines", "-", "--batch-size", "2",
                           stdin: "{\"n\":1}\n{\"n\":2}\n\n{\"n\":3}\n{\"n\":\n{\"n\":5}\n")
        XCTAssertNotEqual(lines.status, 0)
        XCTAssertTrue(lines.stderr.contains("line 5"), lines.stderr)
        XCTAssertEqual(lines.stdout.split(separator: "\n").count, 3, "the three lines before the bad one were appended")
        // A line far longer than a payload may be is refused with its whole length; the line
        // before it (ended by CR LF) is appended.
        let huge = #"{"n":""# + String(repeating: "x", count: 3_000_000) + #""}"#
        let long = try vf("publish", "--home", home, "--lines", "-", stdin: "{\"n\":4}\r\n" + huge + "\n{\"n\":6}\n")
        XCTAssertNotEqual(long.status, 0)
        XCTAssertTrue(long.stderr.contains("line 2: payload is 3000008 bytes, over the limit of 65536"), long.stderr)
        XCTAssertEqual(long.stdout.split(separator: "\n").count, 1, "the line before it was appended")
        // At the limit: 65,536 bytes pass, with a CR LF too; 65,537 do not; blank lines of any length are passed over.
        func sized(_ size: Int) -> String { #"{"n":""# + String(repeating: "z", count: size - 8) + #""}"# }
        let edge = try vf("publish", "--home", home, "--lines", "-",
                          stdin: sized(65_536) + "\n" + sized(65_536) + "\r\n" + String(repeating: " ", count: 70_000) + "\r\n" + sized(65_537) + "\n")
        XCTAssertTrue(edge.stderr.contains("line 4: payload is 65537 bytes, over the limit of 65536"), edge.stderr)
        XCTAssertEqual(edge.stdout.split(separator: "\n").count, 2, "the two at the limit were appended")

        let log = try json(try vf("log", "--home", home, "--json").stdout) as! [[String: Any]]
        XCTAssertEqual(log.map { $0["sequence"] as? Int }, [1, 2, 3, 4, 5, 6, 7, 8, 9])
        XCTAssertEqual((log[6]["payload"] as? [String: Any])?["n"] as? Int, 4)
        XCTAssertEqual((log[0]["payload"] as? [String: Any])?["name"] as? String, "Hillside Farm")
        XCTAssertEqual(log[1]["previous"] as? String, log[0]["id"] as? String)
        XCTAssertEqual(try vf("log", "--home", home, "--author", "@nope").status == 0, false)

        let feeds = try json(try vf("feeds", "--home", home, "--json").stdout) as! [[String: Any]]
        XCTAssertEqual(feeds.count, 1)
        XCTAssertEqual(feeds[0]["sequence"] as? Int, 9)
        XCTAssertEqual(feeds[0]["forked"] as? Bool, false)

        let verified = try vf("verify", "--home", home)
        XCTAssertEqual(verified.status, 0, verified.stdout)
        XCTAssertTrue(verified.stdout.contains("verified 9 entries"), verified.stdout)

        // Someone edits the database by hand: verify names the entry and fails.
        try DatabaseQueue(path: home + "/log.sqlite").write { db in
            try db.execute(sql: "UPDATE payload SET data = CAST('{\"n\":9}' AS BLOB) WHERE entry = (SELECT rowid FROM entry WHERE sequence = 5)")
        }
        let tampered = try vf("verify", "--home", home)
        XCTAssertEqual(tampered.status, 1)
        XCTAssertTrue(tampered.stdout.contains("\(me) #5: payload hash does not match"), tampered.stdout)
    }

    /// An export writes a temporary file of its own: a partial file someone else left under
    /// the old fixed name is neither reused nor removed, and none of its own is left.
    func testAnExportWritesATemporaryFileOfItsOwn() throws {
        let dir = try temporaryDirectory(self)
        let home = dir + "/a"
        XCTAssertEqual(try vf("init", "--home", home).status, 0)
        XCTAssertEqual(try vf("publish", "--home", home, "--lines", "-", stdin: #"{"n":1}"#).status, 0)
        let stale = dir + "/a.vfb.partial"
        try Data("another writer's".utf8).write(to: URL(fileURLWithPath: stale))
        let exported = try vf("export", "--home", home, "--out", dir + "/a.vfb")
        XCTAssertEqual(exported.status, 0, exported.stderr)
        XCTAssertEqual(try String(contentsOfFile: stale, encoding: .utf8), "another writer's")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["a", "a.vfb", "a.vfb.partial"])
        XCTAssertEqual(try vf("init", "--home", dir + "/b").status, 0)
        let imported = try vf("import", "--home", dir + "/b", dir + "/a.vfb")
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stdout.contains("imported 1 new entries"), imported.stdout)
    }

    func testExportImportAndATamperedBundle() throws {
        let dir = try temporaryDirectory(self)
        let (a, b, c) = (dir + "/a", dir + "/b", dir + "/c")
        for home in [a, b, c] { XCTAssertEqual(try vf("init", "--home", home).status, 0) }
        let lines = (1...50).map { #"{"n":\#($0)}"# }.joined(separator: "\n")
        XCTAssertEqual(try vf("publish", "--home", a, "--lines", "-", stdin: lines).status, 0)
        let exported = try vf("export", "--home", a, "--out", dir + "/a.vfb")
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let imported = try vf("import", "--home", b, dir + "/a.vfb")
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stdout.contains("imported 50 new entries"), imported.stdout)
        XCTAssertEqual(try vf("verify", "--home", b).status, 0)
        XCTAssertTrue(try vf("import", "--home", b, dir + "/a.vfb").stdout.contains("50 already held"))

        // Change one byte inside entry 31's signature in the bundle.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/a.vfb")))
        var offset = BundleCodec.header.count
        for _ in 1..<31 {
            let entryLength = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let p = offset + 4 + entryLength
            let payloadLength = Int(bytes[p]) << 24 | Int(bytes[p + 1]) << 16 | Int(bytes[p + 2]) << 8 | Int(bytes[p + 3])
            offset = p + 4 + payloadLength
        }
        let entryLength = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        bytes[offset + 4 + entryLength - 10] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/bad.vfb"))
        let bad = try vf("import", "--home", c, dir + "/bad.vfb")
        XCTAssertEqual(bad.status, 1)
        let author = try vf("whoami", "--home", a).stdout.trimmingCharacters(in: .newlines)
        XCTAssertTrue(bad.stderr.contains("\(author) #31: signature does not verify"), bad.stderr)
        XCTAssertTrue(bad.stdout.contains("imported 30 new entries"), bad.stdout)
        let feeds = try json(try vf("feeds", "--home", c, "--json").stdout) as! [[String: Any]]
        XCTAssertEqual(feeds.first?["sequence"] as? Int, 30, "every good entry before the bad one was kept")

        // A truncated bundle: what came before the cut is kept, and the cut is reported.
        try Data([UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/a.vfb"))).dropLast(100)).write(to: URL(fileURLWithPath: dir + "/cut.vfb"))
        let cut = try vf("import", "--home", c, dir + "/cut.vfb")
        XCTAssertEqual(cut.status, 1)
        XCTAssertTrue(cut.stderr.contains("truncated"), cut.stderr)
        XCTAssertEqual(try vf("verify", "--home", c).status, 0)
    }

    func testAForkedFeedIsShownByFeeds() throws {
        let dir = try temporaryDirectory(self)
        let (a, b) = (dir + "/a", dir + "/b")
        XCTAssertEqual(try vf("init", "--home", a).status, 0)
        XCTAssertEqual(try vf("init", "--home", b).status, 0)
        XCTAssertEqual(try vf("publish", "--home", a, "--lines", "-", stdin: "{\"n\":1}\n{\"n\":2}\n").status, 0)
        XCTAssertEqual(try vf("export", "--home", a, "--out", dir + "/one.vfb").status, 0)
        // The same key signs a different entry 2 from a restored copy of its home: a fork.
        let restored = dir + "/restored"
        try FileManager.default.createDirectory(atPath: restored, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(atPath: a + "/secret", toPath: restored + "/secret")
        _ = try LogStore(path: restored + "/log.sqlite")
        let store = try LogStore(path: restored + "/log.sqlite")
        let first = try XCTUnwrap(try LogStore(path: a + "/log.sqlite").entry(author: try NodeHome(path: a).loadKey().feed, sequence: 1))
        _ = try store.ingest([first])
        XCTAssertEqual(try vf("publish", "--home", restored, #"{"n":"two, again"}"#).status, 0)
        XCTAssertEqual(try vf("export", "--home", restored, "--out", dir + "/two.vfb").status, 0)

        XCTAssertEqual(try vf("import", "--home", b, dir + "/one.vfb").status, 0)
        let second = try vf("import", "--home", b, dir + "/two.vfb")
        XCTAssertTrue(second.stderr.contains("FORK"), second.stderr)
        let feeds = try vf("feeds", "--home", b)
        XCTAssertTrue(feeds.stdout.contains("FORKED"), feeds.stdout)
        let feedsJSON = try json(try vf("feeds", "--home", b, "--json").stdout) as! [[String: Any]]
        XCTAssertEqual(feedsJSON.first?["forked"] as? Bool, true)
        // The fork travels: a third node importing b's export sees it too.
        XCTAssertEqual(try vf("export", "--home", b, "--out", dir + "/b.vfb").status, 0)
        let c = dir + "/c"
        XCTAssertEqual(try vf("init", "--home", c).status, 0)
        _ = try vf("import", "--home", c, dir + "/b.vfb")
        XCTAssertTrue(try vf("feeds", "--home", c).stdout.contains("FORKED"))
    }
}
