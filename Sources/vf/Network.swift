import ArgumentParser
import Foundation
import Logging
import NIOCore
import VFLog
import VFPeer

struct Address: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print this node's address, net:HOST:PORT~shs:KEY.")

    @OptionGroup var options: HomeOptions
    @Flag(help: "Print {\"address\": …}.") var json = false

    func run() throws {
        let home = options.resolved
        let key = try home.loadKey()
        let address: String
        if let text = try? String(contentsOfFile: home.path + "/address", encoding: .utf8) {
            address = text.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            address = try MultiserverAddress(host: advertisedHost("0.0.0.0"), port: 8008, feed: key.feed).description
        }
        if json { JSONOutput.print(["address": address]) } else { print(address) }
    }
}

struct Connect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a peer to the peer table; a running node dials it.")

    @OptionGroup var options: HomeOptions
    @Argument(help: "The peer's address, net:HOST:PORT~shs:KEY.") var address: String

    func run() throws {
        let parsed = try parseAddress(address)
        let context = try NodeContext(options)
        guard parsed.feed != context.key.feed else { throw CLIError("that is this node's own address") }
        try context.peers.addPeer(parsed, source: "manual")
        print("added \(parsed)")
    }
}

func parseAddress(_ text: String) throws -> MultiserverAddress {
    do { return try MultiserverAddress(parsing: text) } catch { throw ValidationError("\(error)") }
}

struct Peers: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List known peers and their state.")

    @OptionGroup var options: HomeOptions
    @Flag(help: "Print a JSON array.") var json = false

    func run() throws {
        let context = try NodeContext(options)
        let peers = try context.peers.peers()
        if json {
            JSONOutput.print(peers.map { peer -> [String: Any] in
                ["feed": peer.feed.description,
                 "address": peer.address?.description ?? NSNull(),
                 "source": peer.source, "connected": peer.connected, "failures": peer.failures,
                 "lastSeen": peer.lastSeen ?? NSNull(), "lastSync": peer.lastSync ?? NSNull(),
                 "lastError": peer.lastError ?? NSNull()]
            })
            return
        }
        if peers.isEmpty { print("no peers yet; add one with vf connect ADDRESS") }
        for peer in peers {
            var line = "\(peer.address?.description ?? peer.feed.description)  \(peer.connected ? "connected" : "not connected")"
            if let lastSync = peer.lastSync { line += "  last sync \(TimeText.iso8601(milliseconds: lastSync))" }
            if peer.failures > 0 { line += "  \(peer.failures) failures" + (peer.lastError.map { " (\($0))" } ?? "") }
            print(line)
        }
    }
}

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Connect to one peer, replicate both ways until both are caught up, and exit.",
        discussion: "Prints what moved. Exits non-zero if the peer cannot be reached, breaks the protocol, or the timeout passes first.")

    @OptionGroup var options: HomeOptions
    @Argument(help: "The peer's address, net:HOST:PORT~shs:KEY.") var address: String
    @Option(help: "Give up after this many seconds.") var timeout = 60.0
    @Flag(help: "Print the summary as JSON.") var json = false

    func run() async throws {
        let peer = try parseAddress(address)
        let context = try NodeContext(options)
        var logger = Logger(label: "vf")
        logger.logLevel = .error
        let node = Node(key: context.key, networkKey: context.networkKey, log: context.log, peers: context.peers, logger: logger)
        _ = try await node.start(listen: false)
        // On a terminal, a progress bar on stdout; otherwise a plain line on stderr every 2 s.
        let terminal = isatty(1) == 1 && !json
        let progress = Task {
            var ticks = 0
            while !Task.isCancelled {
                try await Task.sleep(nanoseconds: 200_000_000)
                ticks += 1
                let (expected, received, feeds) = try await node.progress()
                let remaining = expected > received ? expected - received : 0
                if terminal {
                    let width = 30, done = expected == 0 ? width : Int(Double(width) * Double(received) / Double(expected))
                    print("\r[\(String(repeating: "#", count: min(width, done)))\(String(repeating: ".", count: max(0, width - done)))] \(feeds) feeds, \(remaining) entries to fetch\u{1B}[K", terminator: "")
                    fflush(nil)
                } else if ticks % 10 == 0 {
                    printErr("syncing: \(received) entries received, \(remaining) still to fetch from \(feeds) feeds")
                }
            }
        }
        let summary: SyncSummary
        do {
            summary = try await node.syncOnce(with: peer, timeout: .milliseconds(Int64(timeout * 1000)))
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
                              "caughtUp": summary.caughtUp, "error": summary.error ?? NSNull(),
                              "bytesIn": summary.bytesIn, "bytesOut": summary.bytesOut])
        } else if summary.error == nil {
            print("received \(summary.stored) entries, sent \(summary.sent) entries" + (summary.caughtUp ? "; caught up" : ""))
        }
        if let error = summary.error { throw CLIError("sync with \(peer) failed: \(error)") }
        guard summary.caughtUp else { throw CLIError("sync with \(peer) ended before both sides were caught up") }
    }
}

struct Follow: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Follow a feed: replicate it, and the feeds it follows, up to the hop limit.")
    @OptionGroup var options: HomeOptions
    @Argument(help: "The feed id to follow.") var feed: String
    func run() throws { try publishContact(options, feed, following: true, blocking: false) }
}

struct Unfollow: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop following a feed.")
    @OptionGroup var options: HomeOptions
    @Argument(help: "The feed id to unfollow.") var feed: String
    func run() throws { try publishContact(options, feed, following: false, blocking: false) }
}

struct Block: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Block a feed: never replicate it, whoever follows it.")
    @OptionGroup var options: HomeOptions
    @Argument(help: "The feed id to block.") var feed: String
    func run() throws { try publishContact(options, feed, following: false, blocking: true) }
}

/// Contacts are entries in the node's own feed, so the follow graph replicates too.
private func publishContact(_ options: HomeOptions, _ feedText: String, following: Bool, blocking: Bool) throws {
    let feed = try parseFeedID(feedText)
    let home = options.resolved
    let key = try home.loadKey()
    guard feed != key.feed else { throw CLIError("that is this node's own feed") }
    let store = try home.openStore()
    let entry = try store.append(ContactPayload(contact: feed, following: following, blocking: blocking).json, key: key)
    print(entry.entry.id)
}
