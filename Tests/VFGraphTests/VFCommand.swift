import Foundation
import XCTest

/// Runs the built `vf` executable, as a user or a script would.
enum VFCommand {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var line: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// The `vf` binary beside the test bundle (swift build puts every product in one folder), or `$VF_BIN`.
    static var binary: String {
        get throws {
            if let path = ProcessInfo.processInfo.environment["VF_BIN"] { return path }
            var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for _ in 0..<3 {
                let candidate = dir.appendingPathComponent("vf").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                dir.deleteLastPathComponent()
            }
            throw XCTSkip("the vf executable is not built next to the tests; run `swift build` first")
        }
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary)
        process.arguments = arguments
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vf-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Files, not pipes: no reader thread, and no child blocked on a full pipe.
        let outURL = directory.appendingPathComponent("out"), errURL = directory.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
                      stderr: try String(contentsOf: errURL, encoding: .utf8))
    }
}
