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
}
