import Foundation
import XCTest
@testable import VFLog

/// The node's own small files — its key, token, network key, address — are read whole, but a
/// file that grew, a pipe or a device is refused without reading what it would give.
final class SmallFileTests: XCTestCase {
    func testAFileAtTheLimitIsReadAndOneByteMoreIsRefused() throws {
        let dir = try temporaryDirectory(self)
        let exact = [UInt8]((0 ..< SmallFile.limit).map { UInt8(truncatingIfNeeded: $0) })
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/exact", contents: Data(exact)))
        XCTAssertEqual(try SmallFile.bytes(at: dir + "/exact"), exact)
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/over", contents: Data(exact + [0])))
        XCTAssertThrowsError(try SmallFile.bytes(at: dir + "/over")) { XCTAssertEqual($0 as? SmallFile.Failure, .tooLarge(limit: SmallFile.limit)) }
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/empty", contents: Data()))
        XCTAssertEqual(try SmallFile.bytes(at: dir + "/empty"), [])
        XCTAssertThrowsError(try SmallFile.bytes(at: dir + "/absent")) { XCTAssertEqual($0 as? SmallFile.Failure, .missing) }
    }

    func testAPipeADeviceAndADirectoryAreRefusedWithoutWaiting() throws {
        let dir = try temporaryDirectory(self)
        XCTAssertEqual(mkfifo(dir + "/pipe", 0o600), 0)
        for path in [dir + "/pipe", "/dev/zero", dir] {
            XCTAssertThrowsError(try SmallFile.bytes(at: path), path) { XCTAssertEqual($0 as? SmallFile.Failure, .notAFile, path) }
        }
    }

    func testASecretKeyFileGrownPastTheLimitIsRefusedWithTheReason() throws {
        let home = NodeHome(path: try temporaryDirectory(self) + "/home")
        try home.initialize()
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: home.secretKeyPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: UInt8(ascii: "#"), count: 100_000))
        try handle.close()
        XCTAssertThrowsError(try home.loadKey()) { XCTAssertTrue("\($0)".contains("over 65536 bytes"), "\($0)") }
    }

    func testTheModeIsThatOfTheFileOpenedAndOnlyAMissingFileIsNothing() throws {
        let dir = try temporaryDirectory(self)
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/key", contents: Data("k".utf8), attributes: [.posixPermissions: 0o640]))
        let (bytes, mode) = try SmallFile.contents(at: dir + "/key")
        XCTAssertEqual(bytes, Array("k".utf8))
        XCTAssertEqual(mode, 0o640)
        XCTAssertNil(try SmallFile.existing(dir + "/absent"))
        XCTAssertEqual(try SmallFile.existing(dir + "/key"), Array("k".utf8))
        // Anything but absence is an error that names the file, not a silent default.
        XCTAssertThrowsError(try SmallFile.existing(dir)) { XCTAssertEqual("\($0)", "cannot read \(dir): not a regular file") }
    }
}
