import Foundation
import VFTestSupport
import XCTest
@testable import VFLog

/// `vf backup`, `vf restore` and `vf unlock` as people and scripts use them, and the lock after
/// losing log.sqlite.
final class BackupCommandLineTests: XCTestCase {
    private func vf(_ arguments: String...) throws -> VFProcess.Result {
        try VFProcess.run(arguments)
    }

    /// A home with three entries of its own feed, its backup (with the feed) and the passphrase file.
    private func backedUp() throws -> (dir: String, home: String, me: String, backup: String, pass: String) {
        let dir = try temporaryDirectory(self)
        let home = dir + "/a"
        let me = try vf("init", "--home", home).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for n in 1...3 { XCTAssertEqual(try vf("publish", "--home", home, #"{"n":\#(n)}"#).status, 0) }
        try "a passphrase for tests\n".write(toFile: dir + "/pass", atomically: true, encoding: .utf8)
        let made = try vf("backup", "--home", home, "--out", dir + "/a.vfbackup", "--feed", "--passphrase-file", dir + "/pass",
                          "--strength", "minimum")
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertTrue(made.stderr.contains("with 3 entries of its feed"), made.stderr)
        var info = stat()
        XCTAssertEqual(stat(dir + "/a.vfbackup", &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600, "a backup holds the key: mode 0600")
        XCTAssertNotEqual(try vf("backup", "--home", home, "--out", dir + "/a.vfbackup", "--passphrase-file", dir + "/pass").status, 0,
                          "an existing file is not overwritten")
        return (dir, home, me, dir + "/a.vfbackup", dir + "/pass")
    }

    func testWrongPassphraseAndTruncatedBackupsCreateNothing() throws {
        let (dir, _, _, backup, _) = try backedUp()
        try "not the passphrase\n".write(toFile: dir + "/wrong", atomically: true, encoding: .utf8)
        let wrong = try vf("restore", "--home", dir + "/r1", backup, "--passphrase-file", dir + "/wrong")
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("wrong passphrase"), wrong.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/r1"), "nothing is created")

        let whole = try Data(contentsOf: URL(fileURLWithPath: backup))
        try whole.prefix(60).write(to: URL(fileURLWithPath: dir + "/cut-key"))
        let cutKey = try vf("restore", "--home", dir + "/r2", dir + "/cut-key", "--passphrase-file", dir + "/pass")
        XCTAssertNotEqual(cutKey.status, 0)
        XCTAssertTrue(cutKey.stderr.contains("the backup is truncated: it ends after 60 bytes, inside its key section of 116 bytes"),
                      cutKey.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/r2"))

        try whole.dropLast(3).write(to: URL(fileURLWithPath: dir + "/cut-feed"))
        let cutFeed = try vf("restore", "--home", dir + "/r3", dir + "/cut-feed", "--passphrase-file", dir + "/pass")
        XCTAssertNotEqual(cutFeed.status, 0)
        XCTAssertTrue(cutFeed.stderr.contains("the backup's feed: bundle is truncated after 3 complete records"), cutFeed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/r3"))

        try (whole + Data(repeating: 0x42, count: 3 << 20)).write(to: URL(fileURLWithPath: dir + "/longer"))
        let longer = try vf("restore", "--home", dir + "/r4", dir + "/longer", "--passphrase-file", dir + "/pass")
        XCTAssertNotEqual(longer.status, 0)
        XCTAssertTrue(longer.stderr.contains("\(3 << 20) unexpected bytes after the bundle's end record"), longer.stderr)

        // Without a feed, bytes after the key section are refused before the passphrase is tried.
        XCTAssertEqual(try vf("backup", "--home", dir + "/a", "--out", dir + "/key-only", "--passphrase-file", dir + "/pass",
                              "--strength", "minimum").status, 0)
        let keyOnly = try Data(contentsOf: URL(fileURLWithPath: dir + "/key-only"))
        try (keyOnly + Data(repeating: 7, count: 5)).write(to: URL(fileURLWithPath: dir + "/key-longer"))
        let keyLonger = try vf("restore", "--home", dir + "/r5", dir + "/key-longer", "--passphrase-file", dir + "/wrong")
        XCTAssertNotEqual(keyLonger.status, 0)
        XCTAssertTrue(keyLonger.stderr.contains("5 unexpected bytes after the end of the backup"), keyLonger.stderr)
        XCTAssertFalse(keyLonger.stderr.contains("wrong passphrase"), keyLonger.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/r5"))
    }

    /// An entry whose payload was changed in the file is found before anything is written.
    func testABackupWithAnAlteredEntryCreatesNothing() throws {
        let (dir, _, _, backup, pass) = try backedUp()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: backup)))
        let payload = Array(#"{"n":2}"#.utf8)
        let at = try XCTUnwrap((0...(bytes.count - payload.count)).first { Array(bytes[$0..<$0 + payload.count]) == payload })
        bytes[at + 5] = UInt8(ascii: "7")
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/altered"))
        let altered = try vf("restore", "--home", dir + "/r", dir + "/altered", "--passphrase-file", pass)
        XCTAssertEqual(altered.status, 1)
        XCTAssertTrue(altered.stderr.contains("#2: payload hash does not match"), altered.stderr)
        XCTAssertTrue(altered.stderr.contains("nothing was written"), altered.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/r"), "nothing is created")
    }

    func testRestoreIsLockedUntilTheExplicitUnlock() throws {
        let (dir, _, me, backup, pass) = try backedUp()
        let home = dir + "/restored"
        let restored = try vf("restore", "--home", home, backup, "--passphrase-file", pass)
        XCTAssertEqual(restored.status, 0, restored.stderr)
        XCTAssertEqual(restored.stdout, me + "\n")
        XCTAssertTrue(restored.stderr.contains("with 3 of the 3 entries"), restored.stderr)
        for file in ["secret", "feed-mark", "token"] {
            var info = stat()
            XCTAssertEqual(stat(home + "/" + file, &info), 0, file)
            XCTAssertEqual(info.st_mode & 0o777, 0o600, file)
        }
        XCTAssertFalse(try String(contentsOfFile: backup, encoding: .isoLatin1).contains(
            try String(contentsOfFile: home + "/secret", encoding: .utf8).split(separator: "\n")[1].dropFirst(14)),
                       "the seed is not in the backup in the clear")

        let refused = try vf("publish", "--home", home, #"{"n":4}"#)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("restored from a backup"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("vf unlock --i-have-the-latest-entries"), refused.stderr)
        let undeclared = try vf("unlock", "--home", home)
        XCTAssertNotEqual(undeclared.status, 0, "unlocking needs the declaration")
        XCTAssertNotEqual(try vf("publish", "--home", home, #"{"n":4}"#).status, 0)

        let unlocked = try vf("unlock", "--home", home, "--i-have-the-latest-entries")
        XCTAssertEqual(unlocked.status, 0, unlocked.stderr)
        XCTAssertTrue(unlocked.stdout.contains("its next entry will be #4"), unlocked.stdout)
        let published = try vf("publish", "--home", home, "--json", #"{"n":4}"#)
        XCTAssertEqual(published.status, 0, published.stderr)
        XCTAssertTrue(published.stdout.contains(#""sequence":4"#), published.stdout)
    }

    func testARestoreCutShortIsFinishedByRestoringAgainAndNoOtherIdentityIsTouched() throws {
        let (dir, _, me, backup, pass) = try backedUp()
        let home = dir + "/restored"
        XCTAssertEqual(try vf("restore", "--home", home, backup, "--passphrase-file", pass).status, 0)
        // The ingest cut short: the key and the mark written, the store lost or never filled.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: home + "/log.sqlite" + suffix) }
        let again = try vf("restore", "--home", home, backup, "--passphrase-file", pass)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, me + "\n")
        XCTAssertTrue(again.stderr.contains("restored \(me) again"), again.stderr)
        XCTAssertTrue(again.stderr.contains("3 more of the 3 entries") && again.stderr.contains("holds the feed up to #3"), again.stderr)
        XCTAssertNotEqual(try vf("publish", "--home", home, #"{"n":4}"#).status, 0, "still locked")

        // Another identity's backup is refused there, and nothing is written.
        let other = try backedUp()
        func files() throws -> [Data] {
            try ["secret", "feed-mark", "log.sqlite"].map { try Data(contentsOf: URL(fileURLWithPath: home + "/" + $0)) }
        }
        let before = try files()
        let foreign = try vf("restore", "--home", home, other.backup, "--passphrase-file", other.pass)
        XCTAssertNotEqual(foreign.status, 0)
        XCTAssertTrue(foreign.stderr.contains("holds another identity, \(me), restored and still locked"), foreign.stderr)
        XCTAssertEqual(try files(), before)
        // A network key it has is not replaced by a restore again.
        try "not read\n".write(toFile: home + "/network", atomically: true, encoding: .utf8)
        let network = try vf("restore", "--home", home, backup, "--passphrase-file", pass, "--network", String(repeating: "A", count: 43) + "=")
        XCTAssertNotEqual(network.status, 0)
        XCTAssertTrue(network.stderr.contains("already has a network key"), network.stderr)
        XCTAssertEqual(try String(contentsOfFile: home + "/network", encoding: .utf8), "not read\n")
        try FileManager.default.removeItem(atPath: home + "/network")

        // Once unlocked, the node may have signed: restoring over it is refused, as over any identity.
        XCTAssertEqual(try vf("unlock", "--home", home, "--i-have-the-latest-entries").status, 0)
        let over = try vf("restore", "--home", home, backup, "--passphrase-file", pass)
        XCTAssertNotEqual(over.status, 0)
        XCTAssertTrue(over.stderr.contains("an identity already exists"), over.stderr)
        let initialised = try vf("restore", "--home", other.home, backup, "--passphrase-file", pass)
        XCTAssertNotEqual(initialised.status, 0)
        XCTAssertTrue(initialised.stderr.contains("an identity already exists"), initialised.stderr)
    }

    /// The attack of the issue: log.sqlite truncated to 0 bytes opens as a new empty database.
    func testATruncatedLogLocksTheNodeAndVerifySaysSo() throws {
        let (_, home, _, _, _) = try backedUp()
        for suffix in ["", "-wal", "-shm"] { truncate(home + "/log.sqlite" + suffix, 0) }
        let verified = try vf("verify", "--home", home)
        XCTAssertEqual(verified.status, 1)
        XCTAssertTrue(verified.stdout.contains("BAD own feed: log.sqlite holds no entry of this node's own feed but the mark beside the secret key (feed-mark) says #3"),
                      verified.stdout)
        let refused = try vf("publish", "--home", home, #"{"n":1}"#)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("says #3"), refused.stderr)
        XCTAssertTrue(try vf("feeds", "--home", home, "--json").stdout.contains("[]"), "nothing was signed")
    }
}
