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

    init(path: String, maximumLength: Int = Payload.maximumSize) throws {
        self.maximumLength = maximumLength
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
            if let newline = block[start..<end].firstIndex(of: 0x0A) {
                take(block[start..<newline])
                start = newline + 1
                break
            }
            take(block[start..<end])
            start = end
        }
        guard read else { return nil }
        if bytes.count == length, bytes.last == 0x0D {
            bytes.removeLast()
            length -= 1
        }
        return (bytes, length)
    }
}

/// The bytes of a single input argument: literal text, `@path` for a file, `-` for standard input.
func readArgumentBytes(_ argument: String) throws -> [UInt8] {
    if argument == "-" {
        return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    }
    if argument.hasPrefix("@") {
        let path = String(argument.dropFirst())
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        return [UInt8](data)
    }
    return Array(argument.utf8)
}
