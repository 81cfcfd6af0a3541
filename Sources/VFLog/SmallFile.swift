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

    /// The bytes of the regular file at `path`, if it holds at most `limit`, with its
    /// permission bits as the opened file has them (checked on what is read, not on whatever
    /// the path names a moment before).
    public static func contents(at path: String, limit: Int = SmallFile.limit) throws(Failure) -> (bytes: [UInt8], mode: mode_t) {
        // Not blocking on open, for a pipe; a regular file is then read as usual.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw errno == ENOENT ? .missing : .unreadable(String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notAFile }
        // (O_NONBLOCK does not change how a regular file reads.) Room for one byte more than the
        // limit, to tell a file of the limit from a longer one, whatever size fstat saw: the
        // file may grow while it is read.
        precondition(limit >= 0 && limit < Int.max, "a small file's limit is a size")
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
        return (Array(bytes[..<count]), info.st_mode & 0o7777)
    }

    /// The bytes of the file at `path`, or nil when there is none: any other failure is an
    /// error that names the file and says why.
    public static func existing(_ path: String) throws -> [UInt8]? {
        do { return try bytes(at: path) } catch {
            if error == .missing { return nil }
            throw SmallFileError(path: path, failure: error)
        }
    }

    /// ``contents(at:limit:)`` without the mode.
    public static func bytes(at path: String, limit: Int = SmallFile.limit) throws(Failure) -> [UInt8] {
        try contents(at: path, limit: limit).bytes
    }
}

/// A small file that could not be read, with its path: for a caller that reports it as it is.
public struct SmallFileError: Error, CustomStringConvertible {
    public let path: String
    public let failure: SmallFile.Failure
    public var description: String { "cannot read \(path): \(failure)" }
}
