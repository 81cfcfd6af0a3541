import VFGraphStore
import VFLog
import VFPeer

/// `vf block --purge`: after the block entry is appended, deletes what the node holds of
/// `feed` — from the log, the contact index and the graph (which rebuilds when a feed it
/// derived from vanished, docs/protocol.md §16) — and says how much went.
func purgeFeed(_ options: HomeOptions, _ feed: FeedID) throws {
    let home = options.resolved
    let context = try GraphContext(options)
    guard feed != context.log.ownFeed?.feed else { throw CLIError("that is this node's own feed; it cannot be purged") }
    // The contact index first: forgetting is safe to repeat, so a purge cut short between the
    // two leaves no index ahead of the log.
    try PeerStore(path: home.path + "/peers.sqlite").forgetContacts(authoredBy: feed)
    let report = try context.log.purge(feed)
    try context.store.update(from: context.log)
    print("purged \(feed): deleted \(report.entries) \(report.entries == 1 ? "entry" : "entries"), "
          + "\(report.payloads) \(report.payloads == 1 ? "payload" : "payloads") and "
          + "\(report.forkProofs) fork \(report.forkProofs == 1 ? "proof" : "proofs")")
}
