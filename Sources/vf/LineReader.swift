import Foundation
import VFLog

/// Reads a text file, or standard input for `-`, line by line, holding at most
/// `maximumLength` + 1 bytes of a line however long it is: a longer line is cut there, and its
/// whole length is still reported (a line of a gigabyte costs a pass over it, not a gigabyte).
final class LineReader {
    /// One line, without its line ending (`\n`, or `\r\n`).
    struct Line {
        /// Its bytes: all of them, unless it is longer than the reader's maximum.
        var bytes: [UInt8]
        /// How many bytes it has, however many were kept.
        var length: Int
        /// Whether it holds only spaces and tabs (or nothing).
        var isBlank: Bool
    }

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// The file's path, or "standard input", for errors.
    private let name: String
    private let maximumLength: Int
    /// The byte lines end with; none: the whole input is one line, read no further than
    /// `maximumLength` + 1 bytes.
    private let separator: UInt8?
    private var block = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0, end = 0
    private var finished = false

    convenience init(path: String, maximumLength: Int = Payload.maximumSize) throws {
        try self.init(path, maximumLength: maximumLength, separator: 0x0A)
    }

    /// A reader whose one line is the whole input, line endings and all; it stops reading one
    /// byte past `maximumLength`, so its length is then a lower bound.
    convenience init(wholeInput path: String, maximumLength: Int = Payload.maximumSize) throws {
        try self.init(path, maximumLength: maximumLength, separator: nil)
    }

    private init(_ path: String, maximumLength: Int, separator: UInt8?) throws {
        self.maximumLength = maximumLength
        self.separator = separator
        if path == "-" {
            descriptor = 0; ownsDescriptor = false; name = "standard input"
        } else {
            let opened = open(path, O_RDONLY)
            guard opened >= 0 else { throw CLIError("\(path): \(String(cString: strerror(errno)))") }
            descriptor = opened; ownsDescriptor = true; name = path
        }
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Whether ``next()`` would return without waiting for input: a whole line is read ahead, the
    /// input has ended, or there are bytes (or its end, or an error) to read now. Always, for a
    /// regular file.
    var lineReady: Bool {
        if finished { return true }
        if let separator, block[start..<end].contains(separator) { return true }
        var descriptor = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }

    /// The next line; nil at end of input.
    func next() throws -> Line? {
        var line = Line(bytes: [], length: 0, isBlank: true)
        var last: UInt8?
        var read = false
        var notBlank = 0
        func take(_ part: ArraySlice<UInt8>) {
            line.length += part.count
            for byte in part where byte != 0x20 && byte != 0x09 { notBlank += 1 }
            let room = maximumLength + 1 - line.bytes.count
            if room > 0 { line.bytes += part.prefix(room) }
            if let byte = part.last { last = byte }
        }
        while true {
            if start == end {
                guard !finished else { break }
                let count = block.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
                guard count >= 0 else {
                    if errno == EINTR { continue }
                    throw CLIError("\(name): \(String(cString: strerror(errno)))")
                }
                guard count > 0 else { finished = true; break }
                start = 0
                end = count
            }
            read = true
            if let separator, let newline = block[start..<end].firstIndex(of: separator) {
                take(block[start..<newline])
                start = newline + 1
                break
            }
            take(block[start..<end])
            start = end
            if separator == nil, line.bytes.count > maximumLength { break }
        }
        guard read else { return nil }
        if separator != nil, last == 0x0D {
            if line.bytes.count == line.length { line.bytes.removeLast() }
            line.length -= 1
            notBlank -= 1
        }
        line.isBlank = notBlank == 0
        return line
    }
}

/// The bytes of a single input argument: literal text, `@path` for a file, `-` for standard
/// input. A file or input longer than a payload may be is refused, holding no more of it than
/// a payload.
func readArgumentBytes(_ argument: String) throws -> [UInt8] {
    guard argument == "-" || argument.hasPrefix("@") else { return Array(argument.utf8) }
    let path = argument == "-" ? "-" : String(argument.dropFirst())
    let line = try LineReader(wholeInput: path).next() ?? LineReader.Line(bytes: [], length: 0, isBlank: true)
    guard line.length <= Payload.maximumSize else {
        var info = stat()
        if path != "-", stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
            throw CLIError("\(path): \(PayloadError.tooLarge(size: Int(info.st_size)))")
        }
        throw CLIError("\(path == "-" ? "standard input" : path): more than \(Payload.maximumSize) bytes, over the limit of a payload")
    }
    return line.bytes
}
