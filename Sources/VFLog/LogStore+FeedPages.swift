import Foundation
import GRDB

extension LogStore {
    /// The feeds held after `after` in author id order (from the first when nil), at most
    /// `limit`: a listing's page, read by the primary key whatever the number of feeds.
    public func feeds(after: FeedID?, limit: Int) throws(StoreError) -> [FeedHead] {
        try read("list feeds") { db in
            let select = "SELECT author, headSequence, headId, forked FROM feed"
            let rows = if let after {
                try Row.fetchAll(db, sql: "\(select) WHERE author > ? ORDER BY author LIMIT ?", arguments: [Data(after.bytes), Int64(max(0, limit))])
            } else {
                try Row.fetchAll(db, sql: "\(select) ORDER BY author LIMIT ?", arguments: [Int64(max(0, limit))])
            }
            return try rows.map(Self.feedHead)
        }
    }
}
