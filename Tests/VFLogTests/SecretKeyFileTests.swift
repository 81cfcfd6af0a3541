import Foundation
import XCTest
@testable import VFLog

final class SecretKeyFileTests: XCTestCase {
    func testKeyFileIsPrivateAndRefusedWhenOthersCanReadIt() throws {
        let home = NodeHome(path: try temporaryDirectory(self) + "/home")
        let key = try home.initialize()
        let attributes = try FileManager.default.attributesOfItem(atPath: home.secretKeyPath)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: home.path)[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        XCTAssertEqual(try home.loadKey().feed, key.feed)
        for mode in [0o640, 0o604, 0o660] {
            chmod(home.secretKeyPath, mode_t(mode))
            XCTAssertThrowsError(try home.loadKey()) {
                guard case HomeError.keyFileTooOpen = $0 else { return XCTFail("\($0)") }
                XCTAssertTrue("\($0)".contains("chmod 600"))
            }
        }
        chmod(home.secretKeyPath, 0o400)
        XCTAssertEqual(try home.loadKey().feed, key.feed)
        XCTAssertThrowsError(try home.initialize()) { XCTAssertEqual($0 as? HomeError, .identityExists(home.secretKeyPath)) }
    }

    func testSeedRoundTripsAndAMismatchedIdIsRefused() throws {
        let dir = try temporaryDirectory(self)
        let key = SigningKey(seed: Array(0..<32))
        try SecretKeyFile.write(key, to: dir + "/secret")
        XCTAssertEqual(try SecretKeyFile.read(from: dir + "/secret").feed, key.feed)
        let text = try String(contentsOfFile: dir + "/secret", encoding: .utf8)
            .replacingOccurrences(of: key.feed.description, with: SigningKey().feed.description)
        _ = FileManager.default.createFile(atPath: dir + "/edited", contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        XCTAssertThrowsError(try SecretKeyFile.read(from: dir + "/edited")) {
            guard case HomeError.malformedKeyFile = $0 else { return XCTFail("\($0)") }
        }
    }
}
