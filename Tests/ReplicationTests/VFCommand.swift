import Foundation
import XCTest

/// The built `vf` executable, run as a separate process the way people and scripts run it.
enum VFCommand {
    /// `vf` beside the test bundle (swift build puts every product in one folder), or `$VF_BIN`.
    static var path: String {
        get throws {
            if let path = ProcessInfo.processInfo.environment["VF_BIN"] { return path }
            var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for _ in 0..<3 {
                let candidate = dir.appendingPathComponent("vf").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                dir.deleteLastPathComponent()
            }
            throw XCTSkip("the vf executable is not built next to the tests; run `swift build` first (make test does)")
        }
    }

    /// Runs to completion; returns standard output, trimmed. Throws on a non-zero exit.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CLIFailure("vf \(arguments.joined(separator: " ")) exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The latest sequence `home` holds of `feed`, read with `vf feeds --json`.
    static func sequence(home: String, of feed: String) throws -> Int {
        let feeds = try JSONSerialization.jsonObject(with: Data(run(["feeds", "--home", home, "--json"]).utf8)) as! [[String: Any]]
        return feeds.first { $0["id"] as? String == feed }?["sequence"] as? Int ?? 0
    }
}
