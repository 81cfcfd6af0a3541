import Foundation
import VFTestSupport
import XCTest
@testable import VFLog

/// A home on a filesystem that fills up: the writer says what is wrong, exits non-zero, and
/// every entry it acknowledged is kept and verifies.
final class DiskFullTests: XCTestCase {
    func testAFullDiskIsReportedAndLosesNothingAcknowledged() throws {
        guard geteuid() == 0 else { throw XCTSkip("mounting a small tmpfs needs root") }
        let mountPoint = try temporaryDirectory(self) + "/small"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=600k", "tmpfs", mountPoint]
        mount.standardError = FileHandle.nullDevice
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { throw XCTSkip("cannot mount a tmpfs here (no CAP_SYS_ADMIN?)") }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            try? umount.run()
            umount.waitUntilExit()
        }
        let home = mountPoint + "/home"
        XCTAssertEqual(try VFProcess.run(["init", "--home", home]).status, 0)
        let lines = (0..<4000).map { #"{"n":\#($0),"note":"\#(String(repeating: "y", count: 300))"}"# }.joined(separator: "\n")
        let result = try VFProcess.run(["publish", "--home", home, "--lines", "-", "--batch-size", "50"], stdin: lines)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("disk is full"), result.stderr)
        let acknowledged = result.stdout.split(separator: "\n").count
        XCTAssertGreaterThan(acknowledged, 0)
        XCTAssertLessThan(acknowledged, 4000)
        let store = try LogStore(path: home + "/log.sqlite")
        let report = try store.verifyAll()
        XCTAssertTrue(report.isValid, "\(report.problems)")
        XCTAssertEqual(report.entries, acknowledged, "every acknowledged entry is kept, and no unacknowledged one")
    }
}
