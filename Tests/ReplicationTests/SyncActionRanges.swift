import VFPeer

extension Array where Element == SyncStateMachine.Action {
    /// Every range of entries these actions send, in order.
    var entryRanges: [EntryRange] {
        flatMap { action -> [EntryRange] in
            if case let .sendEntries(ranges, _) = action { ranges } else { [] }
        }
    }
}
