import ArgumentParser
import VFLog

struct Unlock: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Let this node sign its own feed again after a restore or a lost store, on your word that it holds the latest entries.",
        discussion: """
            A node restored from a backup, or whose log.sqlite holds less of its own feed than the mark beside its secret \
            key (HOME/feed-mark), refuses to sign: an entry signed at a sequence number a peer already holds forks the feed \
            for good. It unlocks by itself once a sync has fetched the feed's latest entries from a peer that holds them. \
            This command unlocks it at once: the next entry continues what log.sqlite holds.
            """)

    @OptionGroup var options: HomeOptions
    @Flag(name: .customLong("i-have-the-latest-entries"), help: "Declare that no entry of this feed newer than what log.sqlite holds exists anywhere.")
    var declared = false

    func run() throws {
        let home = options.resolved
        let store = try home.openStore()
        guard let lock = try store.ownFeedLock() else { throw CLIError("no identity in \(home.path); run vf init or vf restore first") }
        guard declared else {
            if case let .locked(reason) = lock {
                throw CLIError("this node's own feed is locked: \(reason)")
            }
            throw CLIError("this node's own feed is not locked; nothing to do (vf unlock needs --i-have-the-latest-entries)")
        }
        guard case .locked = lock else { print("this node's own feed is not locked"); return }
        let (before, after) = try store.unlockOwnFeed()
        if after.sequence < before.sequence {
            printErr("warning: the mark said #\(before.sequence); entries #\(after.sequence + 1)…#\(before.sequence) signed before, "
                     + "if any peer holds them, will conflict with the next ones and fork the feed")
        }
        print("unlocked \(after.feed): its next entry will be #\(after.sequence + 1)")
    }
}
