import Foundation
import VFGraph
import VFLog

/// A ``PublishCheck`` that derives the graph only when the first ValueFlows payload comes,
/// so publishing other JSON never pays for the graph.
struct LazyPublishCheck {
    let home: NodeHome
    let log: LogStore
    let author: FeedID
    private var check: PublishCheck?
    /// The graph store the check derived from, once a ValueFlows payload came.
    private(set) var store: GraphStore?
    /// What this run appended, while none of it needed the graph; nil past `maximumTracked`.
    private var appended: [SignedEntry]? = []
    private static let maximumTracked = 10_000

    init(home: NodeHome, log: LogStore, author: FeedID) {
        self.home = home
        self.log = log
        self.author = author
    }

    mutating func check(_ payload: [UInt8]) throws -> PublishVerdict {
        guard PublishCheck.isValueFlows(payload) else { return .notValueFlows }
        if check == nil {
            let store: GraphStore
            do { store = try GraphStore(home: home) } catch { throw CLIError("\(error)") }
            self.store = store
            check = PublishCheck(builder: try store.builder(from: log), author: author,
                                 headSequence: try log.head(of: author)?.sequence ?? 0,
                                 timestamp: Int64(Date().timeIntervalSince1970 * 1000))
        }
        return check!.check(payload)
    }

    /// Records entries once they are appended, for ``updateGraph()``.
    mutating func note(_ entries: [SignedEntry]) {
        guard store == nil, var list = appended else { return }
        list += entries
        appended = list.count > Self.maximumTracked ? nil : list
    }

    /// After appending, so the next graph command reads the tables instead of deriving: folds
    /// what was appended into the graph the check derived and writes the rows that changed; or,
    /// when nothing was ValueFlows, moves the feed's cursor past it if that is exact without a
    /// derivation (``GraphStore/advance(past:)``). Otherwise the tables wait for the next update.
    func updateGraph() throws {
        if let store {
            try store.update(from: log)
        } else if let appended, !appended.isEmpty {
            do { try GraphStore(home: home).advance(past: appended) } catch { throw CLIError("\(error)") }
        }
    }
}
