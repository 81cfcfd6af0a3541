import Foundation
import VFTestSupport
import XCTest

/// The built `vf` executable, run as a separate process the way people and scripts run it.
enum VFCommand {
    static var path: String { get throws { try VFProcess.binary } }

    /// Runs to completion; returns standard output, trimmed. Throws on a non-zero exit.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let result = try VFProcess.run(arguments)
        guard result.status == 0 else { throw CLIFailure("vf \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The latest sequence `home` holds of `feed`, read with `vf feeds --json`.
    static func sequence(home: String, of feed: String) throws -> Int {
        let feeds = try JSONSerialization.jsonObject(with: Data(run(["feeds", "--home", home, "--json"]).utf8)) as! [[String: Any]]
        return feeds.first { $0["id"] as? String == feed }?["sequence"] as? Int ?? 0
    }
}
