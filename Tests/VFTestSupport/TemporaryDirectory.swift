import Foundation
import XCTest

/// A directory of one test's own under the system's temporary directory, made when created;
/// ``remove()`` deletes it with everything in it.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(_ prefix: String) throws {
        path = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension TemporaryDirectory {
    /// A directory of `test`'s own, removed when the test ends (its teardown).
    public init(for test: XCTestCase, _ prefix: String) throws {
        try self.init(prefix)
        let path = self.path
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    }
}
