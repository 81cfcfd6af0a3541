import Foundation
import Logging
import VFLog
import VFPeer

/// A short-lived node that makes one connection and reports what moved: the shared body of
/// `vf sync` and `vf invite accept`.
enum OneShotSync {
    /// Starts a node that does not listen, runs `connection` with it, shows progress while it
    /// runs (a bar on a terminal, otherwise a plain line on stderr every 2 s), prints the
    /// summary, and throws unless both sides ended caught up.
    static func run(_ context: NodeContext, peer: MultiserverAddress, json: Bool, headline: String,
                    _ connection: (Node) async throws -> SyncSummary) async throws {
        var logger = Logger(label: "vf")
        logger.logLevel = .error
        let node = Node(key: context.key, networkKey: context.networkKey, log: context.log, peers: context.peers, logger: logger)
        // A mark that cannot be read does not stop a sync: the sync may be how the feed comes back.
        let lockedBefore = (try? context.log.ownFeedLock()) ?? nil
        _ = try await node.start(listen: false)
        let terminal = isatty(1) == 1 && !json
        let progress = Task { try await showProgress(of: node, terminal: terminal) }
        let summary: SyncSummary
        do {
            summary = try await connection(node)
        } catch {
            progress.cancel()
            await node.stop()
            throw CLIError("cannot sync with \(peer): \(error)")
        }
        progress.cancel()
        if terminal { print("") }
        await node.stop()
        if json {
            JSONOutput.print(["peer": summary.peer?.description ?? NSNull(), "received": summary.stored, "sent": summary.sent,
                              "caughtUp": summary.caughtUp, "error": summary.error.map { $0 as Any } ?? NSNull(),
                              "bytesIn": summary.bytesIn, "bytesOut": summary.bytesOut])
        } else if summary.error == nil {
            print(headline + "received \(summary.stored) entries, sent \(summary.sent) entries" + (summary.caughtUp ? "; caught up" : ""))
        }
        if case .locked? = lockedBefore {
            switch (try? context.log.ownFeedLock()) ?? nil {
            case .locked(let reason)?: printErr("this node's own feed is still locked: \(reason)")
            case .unlocked?: printErr("this node's own feed is unlocked: it holds the feed's latest entries \(peer.feed) has")
            case nil: break
            }
        }
        if let error = summary.error { throw CLIError("sync with \(peer) failed: \(error)") }
        guard summary.caughtUp else { throw CLIError("sync with \(peer) ended before both sides were caught up") }
    }

    private static func showProgress(of node: Node, terminal: Bool) async throws {
        var ticks = 0
        while !Task.isCancelled {
            try await Task.sleep(nanoseconds: 200_000_000)
            ticks += 1
            let (expected, received, feeds) = try await node.progress()
            let remaining = expected > received ? expected - received : 0
            if terminal {
                let width = 30, done = expected == 0 ? width : Int(Double(width) * Double(received) / Double(expected))
                let bar = String(repeating: "#", count: min(width, done)) + String(repeating: ".", count: max(0, width - done))
                print("\r[\(bar)] \(feeds) feeds, \(remaining) entries to fetch\u{1B}[K", terminator: "")
                fflush(nil)
            } else if ticks % 10 == 0 {
                printErr("syncing: \(received) entries received, \(remaining) still to fetch from \(feeds) feeds")
            }
        }
    }
}
