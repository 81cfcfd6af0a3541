import VFLog

extension FeedPlace {
    /// The sequence as the `event` table's INTEGER column holds it (v18). The log stores
    /// sequences as such integers, so every entry it holds has one; a larger one is an error,
    /// never a trap.
    var storedSequence: Int64 {
        get throws {
            guard let value = Int64(exactly: sequence) else {
                throw GraphStoreError("event of \(author) at sequence \(sequence): beyond the largest sequence a table holds")
            }
            return value
        }
    }
}
