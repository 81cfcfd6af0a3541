import Foundation

/// The passphrase of a backup: asked on the terminal with echo off, or read from the first
/// line of a file (`--passphrase-file`, for scripts). Never printed.
enum Passphrase {
    /// The most bytes read from a passphrase file or typed: more is refused, not cut.
    static let maximumLength = 1024

    /// - Parameter confirm: ask twice on the terminal (when making a backup).
    /// - Parameter minimumLength: refuse a shorter passphrase (when making a backup).
    static func obtain(file: String?, prompt: String, confirm: Bool, minimumLength: Int = 1) throws -> [UInt8] {
        let passphrase = try file.map(read(file:)) ?? ask(prompt, confirm: confirm)
        guard !passphrase.isEmpty else { throw CLIError("the passphrase is empty") }
        guard passphrase.count >= minimumLength else {
            throw CLIError("the passphrase is \(passphrase.count) bytes; a backup needs at least \(minimumLength)")
        }
        return passphrase
    }

    /// The file's first line, without its `\n` (or `\r\n`).
    static func read(file path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError("cannot open the passphrase file \(path)") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumLength + 2)) ?? Data()
        var line = Array(data.prefix { $0 != 0x0A })
        guard line.count < data.count || data.count <= maximumLength else {
            throw CLIError("the passphrase file \(path) holds a first line of over \(maximumLength) bytes")
        }
        if line.last == 0x0D { line.removeLast() }
        guard line.count <= maximumLength else { throw CLIError("the passphrase in \(path) is over \(maximumLength) bytes") }
        return line
    }

    private static func ask(_ prompt: String, confirm: Bool) throws -> [UInt8] {
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard tty >= 0 else { throw CLIError("no terminal to ask the passphrase on; give it with --passphrase-file FILE") }
        defer { close(tty) }
        let first = try askOnce(tty, prompt)
        guard confirm else { return first }
        let second = try askOnce(tty, "Again, to be sure: ")
        guard first == second else { throw CLIError("the two passphrases differ; nothing was written") }
        return first
    }

    private static func askOnce(_ tty: Int32, _ prompt: String) throws -> [UInt8] {
        writeAll(tty, prompt)
        var saved = termios()
        let hasTermios = tcgetattr(tty, &saved) == 0
        if hasTermios {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(tty, TCSAFLUSH, &quiet)
        }
        defer {
            if hasTermios { tcsetattr(tty, TCSAFLUSH, &saved) }
            writeAll(tty, "\n")
        }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while Foundation.read(tty, &byte, 1) == 1, byte != 0x0A {
            guard line.count < maximumLength else { throw CLIError("the passphrase is over \(maximumLength) bytes") }
            line.append(byte)
        }
        if line.last == 0x0D { line.removeLast() }
        return line
    }

    private static func writeAll(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
    }
}
