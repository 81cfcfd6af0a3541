import VFLog

/// Which feeds a node replicates: its own; those it follows, and those they follow, out to a
/// hop limit; never one it blocks.
public enum ReplicationSet {
    public static let defaultHops = 2

    /// - Parameters:
    ///   - follows: for each author, the feeds its latest contact entries say it follows.
    ///   - blocks: the feeds `me` blocks.
    public static func compute(me: FeedID, follows: [FeedID: Set<FeedID>], blocks: Set<FeedID>, hops: Int) -> Set<FeedID> {
        var wanted: Set<FeedID> = [me]
        var frontier: [FeedID] = [me]
        for _ in 0..<max(0, hops) {
            var next: [FeedID] = []
            for feed in frontier {
                for followed in follows[feed] ?? [] where !blocks.contains(followed) && !wanted.contains(followed) {
                    wanted.insert(followed)
                    next.append(followed)
                }
            }
            frontier = next
        }
        return wanted
    }
}
