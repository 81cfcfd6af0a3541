import ArgumentParser
import VFGraphStore
import VFLog

struct Forget: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drop one entry's payload from this node for good; the entry stays, so its feed still verifies.",
        discussion: """
            The payload is deleted and the entry's id recorded, so no sync or import stores it again. \
            The graph is rebuilt: what the payload said is gone from it, and the events that depended \
            on it are pending, with a reason that says the payload was forgotten. Forgetting twice \
            changes nothing.
            """)

    @OptionGroup var options: HomeOptions
    @Argument(help: ArgumentHelp("The entry whose payload to forget.", valueName: "%….vf1")) var entry: String

    func run() throws {
        let id: EntryID
        do { id = try EntryID(parsing: entry) } catch { throw ValidationError("\(error)") }
        let context = try GraphContext(options)
        guard let outcome = try context.log.forget(id) else { throw CLIError("no entry \(id) is held here; nothing was forgotten") }
        let place = "\(outcome.author) #\(outcome.sequence)"
        if outcome.alreadyForgotten {
            // A forget cut short before its rebuild left rows of the entry behind: finish it.
            if try context.reader().status(of: id) != nil { try context.store.rebuild(from: context.log) }
            print("the payload of \(id) (\(place)) was forgotten already; nothing changed")
            return
        }
        try context.store.rebuild(from: context.log)
        let pending = try context.store.reader(log: context.log).pendingEvents(waitingFor: id).count
        let held = outcome.payloadDeleted ? "" : " (it was not held; it will not be stored if a peer offers it)"
        let events = pending == 1 ? "1 event that depended on it is" : "\(pending) events that depended on it are"
        print("forgot the payload of \(id) (\(place))\(held); \(events) now pending")
        if outcome.author == context.log.ownFeed?.feed {
            printErr("warning: \(id) is an entry of this node's own feed: peers can no longer get its payload from this node")
        }
    }
}
