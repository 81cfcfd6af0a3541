import Foundation

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
