import XCTest
@testable import VFGraph
final class VFGraphPlaceholderTests: XCTestCase { func testModuleLoads() { XCTAssertNotNil(VFGraph.self) } }
