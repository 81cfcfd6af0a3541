import ArgumentParser
import Foundation
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
        if let bytes = try SmallFile.existing(home.path + "/address") {
            address = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
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
        // The lock goes to standard error with --json, which stays an array of peers.
        var lockLine: String?
        do {
            if case let .locked(reason)? = try context.log.ownFeedLock() { lockLine = "this node's own feed is LOCKED: \(reason)" }
        } catch {
            lockLine = "this node's own feed is LOCKED: \(error)"
        }
        if let lockLine { if json { printErr(lockLine) } else { print(lockLine) } }
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
    @Option(help: "Give up after this many seconds (more than 0, at most a week).") var timeout = TimeoutSeconds(60)
    @Flag(help: "Print the summary as JSON.") var json = false

    func run() async throws {
        let peer = try parseAddress(address)
        try await OneShotSync.run(try NodeContext(options), peer: peer, json: json, headline: "") { node in
            try await node.syncOnce(with: peer, timeout: timeout.amount)
        }
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
    static let configuration = CommandConfiguration(
        abstract: "Block a feed: never replicate it, whoever follows it.",
        discussion: "With --purge, also delete what this node holds of it: its entries, payloads and fork proofs, its contacts, and its rows in the graph.")
    @OptionGroup var options: HomeOptions
    @Argument(help: "The feed id to block.") var feed: String
    @Flag(help: "Also delete everything this node holds of the feed.") var purge = false

    func run() throws {
        try publishContact(options, feed, following: false, blocking: true)
        if purge { try purgeFeed(options, try parseFeedID(feed)) }
    }
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
