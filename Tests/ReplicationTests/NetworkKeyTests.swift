import Foundation
import VFLog
import VFPeer
import XCTest

final class NetworkKeyTests: XCTestCase {
    func testAPrivateNetworkKeyIsKeptLikeASecret() throws {
        let dir = NSTemporaryDirectory() + "vf-netkey-" + UUID().uuidString
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let home = NodeHome(path: dir)
        try home.initialize()
        XCTAssertEqual(try NetworkKey.load(home: home), .default, "no file: the public vf network")
        XCTAssertNotEqual(NetworkKey.default.bytes, [UInt8](Data(base64Encoded: "1KHLiKZvAvjbY1ziZEHMXawbCEIM6qwjCDm3VYRan/s=")!),
                          "not SSB's main network key")
        let key = NetworkKey(bytes: (0..<32).map { UInt8($0) })!
        try key.save(home: home)
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/network")[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode?.intValue, 0o600)
        XCTAssertEqual(try NetworkKey.load(home: home), key)
        chmod(dir + "/network", 0o644)
        XCTAssertThrowsError(try NetworkKey.load(home: home)) { XCTAssertTrue("\($0)".contains("chmod 600"), "\($0)") }
        XCTAssertThrowsError(try NetworkKey(base64: "c2hvcnQ="))
        XCTAssertEqual(try NetworkKey(base64: key.base64), key)
    }
}
