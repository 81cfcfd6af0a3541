import Foundation
import VFLog

/// Writing the records of a bundle (docs/protocol.md, "Bundle format") a page of entries at a
/// time: what `vf export` writes for each feed, and `vf backup --feed` for its own.
enum BundleWriting {
    /// Writes every entry `store` holds of `feed`, in order, as bundle records; returns how many.
    static func writeFeed(_ feed: FeedID, from store: LogStore, to handle: FileHandle) throws -> UInt64 {
        var count: UInt64 = 0
        var after: UInt64 = 0
        while true {
            let page = try store.entries(author: feed, after: after, limit: 2000)
            guard let last = page.last else { return count }
            var chunk: [UInt8] = []
            for signed in page { chunk += BundleCodec.encodeRecord(signed) }
            try handle.write(contentsOf: chunk)
            count += UInt64(page.count)
            after = last.entry.sequence
        }
    }
}
