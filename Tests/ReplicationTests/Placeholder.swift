import XCTest
final class PlaceholderPeerTests: XCTestCase { func testNothing() {} }
