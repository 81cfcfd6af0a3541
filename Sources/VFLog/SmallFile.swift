import Foundation

/// A small file of the node's own — its secret key, its API token, its network key, its
/// address — read whole, but never more than a limit: a file that grew, or a path that names a
/// device or a pipe, cannot make the node allocate or wait for what it would give.
public enum SmallFile {
    /// The most bytes such a file may hold: far more than any of them needs.
    public static let limit = 64 * 1024

    /// Why a file could not be read.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// No file at the path.
        case missing
        /// It could not be opened or read: the system's reason.
        case unreadable(String)
        /// Not a regular file.
        case notAFile
        /// Longer than the limit.
        case tooLarge(limit: Int)

        public var description: String {
            switch self {
            case .missing: "no such file"
            case let .unreadable(reason): reason
            case .notAFile: "not a regular file"
            case let .tooLarge(limit): "over \(limit) bytes: not a file this node wrote"
            }
        }
    }

    /// The bytes of the regular file at `path`, if it holds at most `limit`.
    public static func bytes(at path: String, limit: Int = SmallFile.limit) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw errno == ENOENT ? .missing : .unreadable(String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notAFile }
        var bytes = [UInt8](repeating: 0, count: limit + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { throw .unreadable(String(cString: strerror(errno))) }
            if got == 0 { break }
            count += got
        }
        guard count <= limit else { throw .tooLarge(limit: limit) }
        return Array(bytes[..<count])
    }
}
