import Foundation

/// `HOME/feed-mark` on disk (``FeedMark``): read with a bound on its size, and written whole —
/// a temporary file of its own with mode 0600, fsync, rename over the old one, fsync of the directory — so
/// a crash leaves the old mark or the new one, never a mix.
public struct FeedMarkFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The mark; nil if there is no file.
    public func read() throws(HomeError) -> FeedMark? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .io(path, String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: FeedMark.maximumSize + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 { if errno == EINTR { continue }; throw .io(path, String(cString: strerror(errno))) }
            if n == 0 { break }
            count += n
        }
        do {
            return try FeedMark(parsing: Array(bytes[0..<count]))
        } catch {
            throw .malformedMarkFile(path, "\(error)")
        }
    }

    public func write(_ mark: FeedMark) throws(HomeError) {
        // A name of its own (mkstemp): two writers never share one temporary file.
        var template = Array((path + ".tmp.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        let temporary = String(cString: template)
        guard fd >= 0 else { throw .io(temporary, String(cString: strerror(errno))) }
        fchmod(fd, 0o600)
        let bytes = Array(mark.text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let synced = written == bytes.count && fsync(fd) == 0
        let failure = String(cString: strerror(errno))
        close(fd)
        guard synced else {
            unlink(temporary)
            throw .io(temporary, written == bytes.count ? failure : "short write: \(failure)")
        }
        guard rename(temporary, path) == 0 else {
            let failure = String(cString: strerror(errno))
            unlink(temporary)
            throw .io(path, failure)
        }
        let directory = (path as NSString).deletingLastPathComponent
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }
}
