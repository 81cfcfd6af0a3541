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
            check = PublishCheck(builder: try store.builder(from: log), author: author,
                                 headSequence: try log.head(of: author)?.sequence ?? 0,
                                 timestamp: Int64(Date().timeIntervalSince1970 * 1000))
        }
        return check!.check(payload)
    }
}
