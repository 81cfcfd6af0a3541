import Foundation
import VFLog

/// Reads a text file, or standard input for `-`, line by line, holding at most
/// `maximumLength` + 1 bytes of a line however long it is: a longer line is cut there, and its
/// whole length is still reported (a line of a gigabyte costs a pass over it, not a gigabyte).
final class LineReader {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let maximumLength: Int
    private var block = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0, end = 0
    private var finished = false
    /// The byte lines end with; none: the whole input is one "line".
    private let separator: UInt8?

    convenience init(path: String, maximumLength: Int = Payload.maximumSize) throws {
        try self.init(path, maximumLength: maximumLength, separator: 0x0A)
    }

    /// A reader whose one "line" is the whole input, line endings and all.
    convenience init(wholeInput path: String, maximumLength: Int = Payload.maximumSize) throws {
        try self.init(path, maximumLength: maximumLength, separator: nil)
    }

    private init(_ path: String, maximumLength: Int, separator: UInt8?) throws {
        self.maximumLength = maximumLength
        self.separator = separator
        if path == "-" {
            descriptor = 0; ownsDescriptor = false
        } else {
            let opened = open(path, O_RDONLY)
            guard opened >= 0 else { throw CLIError("\(path): \(String(cString: strerror(errno)))") }
            descriptor = opened; ownsDescriptor = true
        }
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The next line without its line ending (`\n` or `\r\n`): its first bytes, all of them
    /// unless it is longer than `maximumLength`, and its whole length; nil at end of input.
    func next() throws -> (bytes: [UInt8], length: Int)? {
        var bytes: [UInt8] = []
        var length = 0
        var read = false
        func take(_ part: ArraySlice<UInt8>) {
            length += part.count
            let room = maximumLength + 1 - bytes.count
            if room > 0 { bytes += part.prefix(room) }
        }
        while true {
            if start == end {
                guard !finished else { break }
                let count = block.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
                guard count >= 0 else {
                    if errno == EINTR { continue }
                    throw CLIError("reading: \(String(cString: strerror(errno)))")
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
        }
        guard read else { return nil }
        if separator != nil, bytes.count == length, bytes.last == 0x0D {
            bytes.removeLast()
            length -= 1
        }
        return (bytes, length)
    }
}

/// The bytes of a single input argument: literal text, `@path` for a file, `-` for standard
/// input. A file or input longer than a payload may be is refused with its length, holding
/// no more of it than a payload.
func readArgumentBytes(_ argument: String) throws -> [UInt8] {
    guard argument == "-" || argument.hasPrefix("@") else { return Array(argument.utf8) }
    let reader = try LineReader(wholeInput: argument == "-" ? "-" : String(argument.dropFirst()))
    let (bytes, length) = try reader.next() ?? ([], 0)
    guard length <= Payload.maximumSize else { throw CLIError("\(PayloadError.tooLarge(size: length))") }
    return bytes
}
