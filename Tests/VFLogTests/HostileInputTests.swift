import Foundation
import GRDB
import VFTestSupport
import XCTest
@testable import VFLog

/// Inputs a peer or a file chose, found to crash a node, kept as regression tests.
final class HostileInputTests: XCTestCase {
    /// The first sequence whose all-ones bound (3^41 − 1)/2 needs 3^41, over 64 bits.
    private let firstOverflowingSequence: UInt64 = 6_078_832_729_528_464_401

    func testLipmaaIsTotalOverEveryUInt64() {
        for n in [firstOverflowingSequence - 1, firstOverflowingSequence, Entry.maximumSequence,
                  Entry.maximumSequence + 1, UInt64.max - 1, UInt64.max] {
            let link = Lipmaa.link(n)
            XCTAssertLessThan(link, n, "lipmaa(\(n))")
            XCTAssertGreaterThanOrEqual(link, 1)
        }
        XCTAssertEqual(Lipmaa.link(0), 0)
        // (3^40 − 1)/2 is a run of forty ternary ones: it jumps back 3^39.
        XCTAssertEqual(Lipmaa.link(firstOverflowingSequence - 1), firstOverflowingSequence - 1 - 4_052_555_153_018_976_267)
        XCTAssertLessThan(Lipmaa.pathToFirst(from: Entry.maximumSequence).count, 200)
        XCTAssertTrue(Lipmaa.certificatePool(of: Entry.maximumSequence).contains(1))
    }

    /// The entry of the report: sequence 6 078 832 729 528 464 401 with 181 bytes.
    private func reportedEntry(sequence: UInt64, length: Int = 181) -> [UInt8] {
        var bytes: [UInt8] = [1] + [UInt8](repeating: 7, count: 32)
        withUnsafeBytes(of: sequence.bigEndian) { bytes += $0 }
        withUnsafeBytes(of: Int64(0).bigEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(2).bigEndian) { bytes += $0 }
        bytes += [UInt8](repeating: 0, count: length - bytes.count)
        return bytes
    }

    func testDecodingAHugeSequenceIsAnErrorNotACrash() throws {
        // Within the format: it decodes, and the verifier will refuse its signature.
        let decoded = try EntryCodec.decode(reportedEntry(sequence: firstOverflowingSequence,
                                                          length: EntryCodec.encodedSize(sequence: firstOverflowingSequence)))
        XCTAssertFalse(decoded.hasValidSignature())
        for sequence in [Entry.maximumSequence + 1, UInt64.max] {
            XCTAssertThrowsError(try EntryCodec.decode(reportedEntry(sequence: sequence))) { error in
                XCTAssertEqual(error as? EntryDecodingError, .sequenceTooLarge(sequence))
                XCTAssertTrue("\(error)".contains("over the largest"), "\(error)")
            }
        }
        let largest = reportedEntry(sequence: Entry.maximumSequence, length: EntryCodec.encodedSize(sequence: Entry.maximumSequence))
        XCTAssertEqual(try EntryCodec.decode(largest).sequence, Entry.maximumSequence)
    }

    func testImportOfTheReportedBundlesSaysWhatIsWrongAndExits() throws {
        let dir = try temporaryDirectory(self)
        let home = dir + "/home"
        XCTAssertEqual(try VFProcess.run(["init", "--home", home]).status, 0)
        for (sequence, complaint) in [(firstOverflowingSequence, "signature does not verify"), (UInt64.max, "over the largest")] {
            let imported = try importBundle(of: reportedEntry(sequence: sequence), home: home, dir: dir)
            XCTAssertNotEqual(imported.status, 0)
            XCTAssertLessThan(imported.status, 128, "a signal, not an exit: \(imported.stderr)")
            XCTAssertTrue(imported.stderr.contains(complaint), imported.stderr)
        }
    }

    private func importBundle(of entry: [UInt8], home: String, dir: String) throws -> VFProcess.Result {
        var bundle = BundleCodec.header
        withUnsafeBytes(of: UInt32(entry.count).bigEndian) { bundle += $0 }
        bundle += entry
        withUnsafeBytes(of: UInt32(0xFFFF_FFFF).bigEndian) { bundle += $0 }
        bundle += BundleCodec.encodeEnd(count: 1)
        try Data(bundle).write(to: URL(fileURLWithPath: dir + "/c.vfb"))
        return try VFProcess.run(["import", "--home", home, dir + "/c.vfb"])
    }

    /// A home with five entries of its own feed.
    private func homeWithEntries() throws -> (home: String, dir: String) {
        let dir = try temporaryDirectory(self)
        let home = dir + "/home"
        XCTAssertEqual(try VFProcess.run(["init", "--home", home]).status, 0)
        let published = try VFProcess.run(["publish", "--home", home, "--lines", "-"],
                                          stdin: (1...5).map { "{\"n\":\($0)}" }.joined(separator: "\n"))
        XCTAssertEqual(published.status, 0, published.stderr)
        return (home, dir)
    }

    private func tamper(_ home: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: home + "/log.sqlite")
        try queue.write { try $0.execute(sql: sql) }
    }

    /// A row whose encoding is another entry's once made `vf export` write forever and
    /// `vf log --json` hang: they paged by the decoded sequence.
    func testATamperedRowIsReportedNotLoopedOver() throws {
        let (home, dir) = try homeWithEntries()
        try tamper(home, "UPDATE entry SET encoded = (SELECT encoded FROM entry WHERE sequence = 1) WHERE sequence = 3")
        let exported = try VFProcess.run(["export", "--home", home, "--out", dir + "/b.vfb"])
        XCTAssertNotEqual(exported.status, 0)
        XCTAssertTrue(exported.stderr.contains("holds the encoding of") && exported.stderr.contains("#3"), exported.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/b.vfb"))
        let logged = try VFProcess.run(["log", "--home", home, "--json"])
        XCTAssertNotEqual(logged.status, 0)
        XCTAssertTrue(logged.stderr.contains("vf verify"), logged.stderr)
        let verified = try VFProcess.run(["verify", "--home", home])
        XCTAssertNotEqual(verified.status, 0)
        XCTAssertTrue(verified.stdout.contains("#3") || verified.stderr.contains("#3"), verified.stdout + verified.stderr)
    }

    func testVerifyReportsEntriesWhoseFeedHasNoHeadRow() throws {
        let (home, _) = try homeWithEntries()
        try tamper(home, "DELETE FROM feed")
        let store = try LogStore(path: home + "/log.sqlite")
        let report = try store.verifyAll()
        XCTAssertEqual(report.entries, 5)
        XCTAssertEqual(report.problems.map(\.reason), [.missingHead(lastStored: 5)])
        let verified = try VFProcess.run(["verify", "--home", home])
        XCTAssertNotEqual(verified.status, 0, "0 feeds is not all valid when entries are stored")
    }

    func testATimeoutOutOfRangeIsRefusedWithAMessage() throws {
        let (home, _) = try homeWithEntries()
        let address = "net:127.0.0.1:9~shs:" + String(repeating: "A", count: 43) + "="
        for timeout in ["1e300", "nan", "-1", "0", "inf"] {
            let synced = try VFProcess.run(["sync", "--home", home, "--timeout", timeout, address])
            XCTAssertEqual(synced.status, 64, "\(timeout): \(synced.stderr)")
            XCTAssertTrue(synced.stderr.contains("--timeout"), synced.stderr)
        }
    }

    func testAHomeOthersCanWriteIsRefused() throws {
        let (home, _) = try homeWithEntries()
        XCTAssertEqual(chmod(home, 0o777), 0)
        let published = try VFProcess.run(["publish", "--home", home, "{\"n\":6}"])
        XCTAssertNotEqual(published.status, 0)
        XCTAssertTrue(published.stderr.contains("chmod 700"), published.stderr)
        XCTAssertNotEqual(try VFProcess.run(["log", "--home", home]).status, 0)
        XCTAssertEqual(chmod(home, 0o755), 0)
        XCTAssertEqual(try VFProcess.run(["publish", "--home", home, "{\"n\":6}"]).status, 0, "readable by others is the user's choice")
    }
}
