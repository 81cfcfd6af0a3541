import Foundation

/// Writes a file that appears under its name only once it is whole: it is written beside it,
/// under a name of its own (`NAME.partial.` and 16 random hex digits, made with `O_EXCL`),
/// synced, then given its name, and the directory synced; on any failure the partial file is
/// removed, so a crash or a full disk never leaves half a file under the name, and two writers
/// of one name never write into one file. (A crash in the middle leaves its partial file,
/// which nothing reads and anyone may remove.) (`vf backup`, `vf export` and `vf prove` write this way.)
enum WholeFile {
    /// What happens when a file already has the name.
    enum Existing {
        /// It is replaced (`rename`).
        case replace
        /// The write fails (`link`, which refuses an existing name, even one made meanwhile).
        case refuse
    }

    /// Writes `path` through `body`: with permissions `mode` whatever the umask says (a file
    /// holding a key), or, without one, 0666 less the umask, as any new file.
    static func write(_ path: String, mode: mode_t? = nil, existing: Existing, _ body: (FileHandle) throws -> Void) throws {
        var (temporary, fd) = ("", Int32(-1))
        // A name taken meanwhile (by chance, 1 in 2^64) is tried again, with another.
        for _ in 0..<4 where fd < 0 {
            let digits = String(UInt64.random(in: .min ... .max), radix: 16)
            temporary = path + ".partial." + String(repeating: "0", count: 16 - digits.count) + digits
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode ?? 0o666)
            guard fd >= 0 || errno == EEXIST else { break }
        }
        guard fd >= 0 else { throw CLIError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        if let mode { fchmod(fd, mode) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try body(handle)
            try handle.synchronize()
            try handle.close()
            switch existing {
            case .replace:
                guard rename(temporary, path) == 0 else { throw CLIError("cannot name the file \(path): \(String(cString: strerror(errno)))") }
            case .refuse:
                guard link(temporary, path) == 0 else { throw CLIError("cannot name the file \(path): \(String(cString: strerror(errno)))") }
                unlink(temporary)
            }
            let directory = (path as NSString).deletingLastPathComponent
            let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY)
            if directoryFD >= 0 { fsync(directoryFD); close(directoryFD) }
        } catch {
            unlink(temporary)
            throw error
        }
    }
}
