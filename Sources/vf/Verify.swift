import ArgumentParser
import Foundation
import VFLog

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-verify every stored entry: encoding, id, signature, payload and links.",
        discussion: "Exits 0 when all is well; otherwise names each bad entry and exits 1.")

    @OptionGroup var options: HomeOptions
    @Option(help: ArgumentHelp("Only this feed.", valueName: "FEED-ID")) var author: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func run() throws {
        let store = try options.resolved.openStore()
        let report = try store.verifyAll(author: author.map(parseFeedID))
        // A log that lost entries of this node's own feed verifies, entry by entry; the mark
        // beside the secret key is what shows they are missing.
        let lock = try store.ownFeedLock()
        var lostEntries: String?
        if case let .locked(reason)? = lock, !(reason.isRestore) { lostEntries = "\(reason)" }
        if json {
            JSONOutput.print([
                "ownFeedLock": lock.flatMap { if case let .locked(reason) = $0 { "\(reason)" } else { nil } } ?? NSNull(),
                "feeds": report.feeds, "entries": report.entries, "payloadsChecked": report.payloadsChecked, "valid": report.isValid && lostEntries == nil,
                "problems": report.problems.map { p -> [String: Any] in
                    ["feed": p.feed?.description as Any, "sequence": p.sequence as Any, "reason": p.reason.description]
                },
                "payloadsOutsideProfile": report.payloadsOutsideProfile.map { p -> [String: Any] in
                    ["feed": p.feed?.description as Any, "sequence": p.sequence as Any, "reason": p.reason.description]
                },
            ])
        } else {
            for problem in report.problems { print("BAD \(problem)") }
            // Kept and valid, but the profile refuses them: protocol.md §5.
            for note in report.payloadsOutsideProfile { print("OUTSIDE PROFILE (kept, not sent on) \(note)") }
            print("verified \(report.entries) entries (\(report.payloadsChecked) payloads) in \(report.feeds) feeds: "
                  + (report.isValid ? (lostEntries == nil ? "all valid" : "each valid, but entries of this node's own feed are missing") : "\(report.problems.count) problems"))
            if let lostEntries { print("BAD own feed: \(lostEntries)") }
            else if case let .locked(reason)? = lock { print("own feed locked: \(reason)") }
        }
        if !report.isValid || lostEntries != nil { throw ExitCode(1) }
    }
}
