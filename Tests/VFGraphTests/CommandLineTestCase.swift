import Foundation
import VFTestSupport
import XCTest

/// A test of the `vf` command: a fresh directory for its homes, and `vf` run with the status checked.
class CommandLineTestCase: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-\(type(of: self))-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `vf` with `arguments`; a status other than 0 fails the test, with what it printed.
    @discardableResult
    func vf(_ arguments: String..., file: StaticString = #filePath, line: UInt = #line) throws -> VFProcess.Result {
        try vf(arguments, file: file, line: line)
    }

    @discardableResult
    func vf(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> VFProcess.Result {
        let result = try VFProcess.run(arguments)
        XCTAssertEqual(result.status, 0, "vf \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }
}
