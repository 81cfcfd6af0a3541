import Foundation

/// Reads a text file, or standard input for `-`, line by line with no length limit.
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    init(path: String) throws {
        if path == "-" {
            file = fdopen(0, "r"); ownsFile = false
        } else {
            guard let f = fopen(path, "r") else { throw CLIError("\(path): \(String(cString: strerror(errno)))") }
            file = f; ownsFile = true
        }
    }

    deinit {
        free(buffer)
        if ownsFile { fclose(file) }
    }

    /// The next line's bytes without its line ending, or nil at end of input.
    func next() -> [UInt8]? {
        let length = getline(&buffer, &capacity, file)
        guard length >= 0, let buffer else { return nil }
        var bytes = UnsafeRawBufferPointer(start: buffer, count: length).map { $0 }
        if bytes.last == 0x0A { bytes.removeLast() }
        if bytes.last == 0x0D { bytes.removeLast() }
        return bytes
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
