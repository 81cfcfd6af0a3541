import ArgumentParser
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
        if json {
            JSONOutput.print([
                "feeds": report.feeds, "entries": report.entries, "payloadsChecked": report.payloadsChecked, "valid": report.isValid,
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
                  + (report.isValid ? "all valid" : "\(report.problems.count) problems"))
        }
        if !report.isValid { throw ExitCode(1) }
    }
}
