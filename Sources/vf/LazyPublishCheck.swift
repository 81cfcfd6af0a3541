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

    /// After appending: folds what was appended into the graph the check derived and writes the
    /// rows that changed, so the next graph command reads the tables instead of deriving.
    /// Nothing to do when no ValueFlows payload came.
    func updateGraph() throws {
        try store?.update(from: log)
    }
}
