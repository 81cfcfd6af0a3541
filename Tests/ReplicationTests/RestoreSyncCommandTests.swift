import Foundation
import VFTestSupport
import XCTest

/// The failure the lock exists for, as a user would meet it: a key restored from a backup onto
/// a fresh machine that does not hold the feed's latest entries.
final class RestoreSyncCommandTests: XCTestCase {
    func testRestoredNodeRefusesToPublishUntilASyncFetchesTheFiftyNewerEntriesThenContinuesAt51WithoutAFork() async throws {
        let vf = try VFCommand.path
        let root = NSTemporaryDirectory() + "vf-restore-" + UUID().uuidString
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        let (original, peer, restored) = (root + "/original", root + "/peer", root + "/restored")
        let me = try VFCommand.run(["init", "--home", original])
        try VFCommand.run(["init", "--home", peer])
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "a passphrase for tests\n".write(toFile: root + "/pass", atomically: true, encoding: .utf8)
        // The backup is made before the 50 entries: it holds the key only.
        try VFCommand.run(["backup", "--home", original, "--out", root + "/key.vfbackup", "--passphrase-file", root + "/pass",
                           "--strength", "minimum"])
        let lines = (1...50).map { #"{"n":\#($0)}"# }.joined(separator: "\n") + "\n"
        try lines.write(toFile: root + "/lines", atomically: true, encoding: .utf8)
        try VFCommand.run(["publish", "--home", original, "--lines", root + "/lines"])

        // The peer follows the identity and holds its 50 entries; then the original machine is gone.
        try VFCommand.run(["follow", "--home", peer, me])
        let server = Process()
        server.executableURL = URL(fileURLWithPath: vf)
        server.arguments = ["serve", "--home", peer, "--listen", "127.0.0.1:0", "--no-lan", "--no-http"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        var address = ""
        for _ in 0..<200 where address.isEmpty {
            address = (try? String(contentsOfFile: peer + "/address", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        XCTAssertFalse(address.isEmpty, "the peer's node started")
        // The original pushes its feed to the peer with a one-shot sync.
        try VFCommand.run(["sync", "--home", original, address])
        XCTAssertEqual(try VFCommand.sequence(home: peer, of: me), 50)

        XCTAssertEqual(try VFCommand.run(["restore", "--home", restored, root + "/key.vfbackup", "--passphrase-file", root + "/pass"]), me)
        let refused = try VFProcess.run(["publish", "--home", restored, #"{"n":"too early"}"#])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("this node's own feed is locked, nothing was signed: this identity was restored from a backup"),
                      refused.stderr)
        let follow = try VFProcess.run(["follow", "--home", restored, try VFCommand.run(["whoami", "--home", peer])])
        XCTAssertNotEqual(follow.status, 0, "a follow is an entry of the own feed too")
        XCTAssertTrue(try VFCommand.run(["peers", "--home", restored]).contains("this node's own feed is LOCKED"))
        XCTAssertEqual(try VFCommand.sequence(home: restored, of: me), 0)

        let synced = try VFProcess.run(["sync", "--home", restored, address])
        XCTAssertEqual(synced.status, 0, synced.stderr)
        XCTAssertTrue(synced.stdout.contains("received 50 entries"), synced.stdout)
        XCTAssertTrue(synced.stderr.contains("this node's own feed is unlocked"), synced.stderr)
        XCTAssertFalse(try VFCommand.run(["peers", "--home", restored]).contains("LOCKED"))

        let published = try JSONSerialization.jsonObject(
            with: Data(VFCommand.run(["publish", "--home", restored, "--json", #"{"n":51}"#]).utf8)) as! [String: Any]
        XCTAssertEqual(published["sequence"] as? Int, 51)
        // The peer takes #51 as the next entry of the feed it holds: no fork.
        try VFCommand.run(["sync", "--home", restored, address])
        let feeds = try JSONSerialization.jsonObject(with: Data(VFCommand.run(["feeds", "--home", peer, "--json"]).utf8)) as! [[String: Any]]
        let feed = try XCTUnwrap(feeds.first { $0["id"] as? String == me })
        XCTAssertEqual(feed["sequence"] as? Int, 51)
        XCTAssertEqual(feed["forked"] as? Bool, false)
        XCTAssertTrue(try VFCommand.run(["verify", "--home", restored]).contains("verified 51 entries"))
    }
}
