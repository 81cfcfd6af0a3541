import VFLog

/// What one event needs before it can be folded, found from the catalogue alone: either a
/// failure of its own (an unknown or wrong reference, a combine without a container), or the
/// events it depends on (``CausalKey``) and the container an implicit combine found.
package enum PreFoldNeed: Sendable {
    /// `waitsFor`: for a pending event, the id whose arrival may change that (an entry, a
    /// resource, or the process whose outputs a combine looks for its container among).
    case failed(EventStatus, waitsFor: Hash32?)
    case ready(dependencies: [Int32], container: ResourceID?)
}

/// What step 2 of the derivation makes of one event.
package struct PreFoldOutcome: Equatable, Sendable {
    /// Nil: ready to be folded.
    package var status: EventStatus?
    /// For an event that is not ready: the reason its chain of dependencies started with (its
    /// own reason when the failure is its own). A dependent's reason names it and this root.
    package var root: String?
    /// For a pending event: the id whose arrival or change may change its status.
    package var waitsFor: Hash32?

    package init(status: EventStatus? = nil, root: String? = nil, waitsFor: Hash32? = nil) {
        self.status = status
        self.root = root
        self.waitsFor = waitsFor
    }
}

/// Step 2 of the derivation: settles which events can be folded, following dependencies.
///
/// An event whose own needs failed keeps that status; one that depends on an event that is
/// pending is pending ("waits for %…: <root>"), on one that is invalid or unauthorized,
/// invalid ("depends on %…, which is invalid: <root>"), naming the dependency and the root
/// reason of its chain, never the whole chain. A cycle of dependencies is invalid. Shared by
/// the whole derivation and by the incremental update, which settles the events an update
/// reaches with the others' outcomes given (`given`), so both decide alike.
package struct PreFoldSettling {
    /// The needs of each event, by place.
    package let needs: [PreFoldNeed]
    /// The id of each event, by place.
    package let ids: [EntryID]
    /// Outcomes decided already, by place (an incremental update's events it does not reach);
    /// nil for the events to settle.
    package let given: [PreFoldOutcome?]

    package init(needs: [PreFoldNeed], ids: [EntryID], given: [PreFoldOutcome?]) {
        self.needs = needs
        self.ids = ids
        self.given = given
    }

    /// The outcome of every event, by place.
    package func settle() -> [PreFoldOutcome] {
        var walk = Walk(settling: self)
        for index in ids.indices { _ = walk.settle(index) }
        // Without a cycle, what each event settles to does not depend on where the walks start,
        // so the given order will do; a cycle's reason names where its walk entered it, so
        // then every walk starts over in id order, as the result must not depend on arrival.
        if walk.foundCycle {
            walk = Walk(settling: self)
            for index in ids.indices.sorted(by: { ids[$0] < ids[$1] }) { _ = walk.settle(index) }
        }
        return walk.outcomes
    }

    private struct Walk {
        let settling: PreFoldSettling
        /// 0 not looked at, 1 being walked, 2 settled.
        var state: [UInt8]
        var outcomes: [PreFoldOutcome]
        var foundCycle = false

        init(settling: PreFoldSettling) {
            self.settling = settling
            state = settling.given.map { $0 == nil ? 0 : 2 }
            outcomes = settling.given.map { $0 ?? PreFoldOutcome() }
        }

        mutating func settle(_ index: Int) -> EventStatus? {
            if state[index] == 2 { return outcomes[index].status }
            var result = PreFoldOutcome()
            switch settling.needs[index] {
            case let .failed(status, waitsFor):
                result = PreFoldOutcome(status: status, root: status.reason, waitsFor: status.isPending ? waitsFor : nil)
            case let .ready(dependencies, _) where !dependencies.isEmpty:
                guard state[index] == 0 else {
                    foundCycle = true
                    return .invalid("circular dependency through \(settling.ids[index])")
                }
                state[index] = 1
                for dep in dependencies where Int(dep) != index {
                    let depID = settling.ids[Int(dep)]
                    let status = settle(Int(dep))
                    // A dependency still being walked (a cycle) has no root yet: its status is the root.
                    let root = (state[Int(dep)] == 2 ? outcomes[Int(dep)].root : nil) ?? status?.reason ?? ""
                    switch status {
                    case .pending?: result = PreFoldOutcome(status: .pending("waits for \(depID): \(root)"), root: root, waitsFor: depID.hash)
                    case .invalid?: result = PreFoldOutcome(status: .invalid("depends on \(depID), which is invalid: \(root)"), root: root)
                    case .unauthorized?: result = PreFoldOutcome(status: .invalid("depends on \(depID), which is unauthorized: \(root)"), root: root)
                    case .applied?, nil: continue
                    }
                    break
                }
            case .ready:
                break
            }
            state[index] = 2
            outcomes[index] = result
            return result.status
        }
    }
}

extension EventStatus {
    package var isPending: Bool { if case .pending = self { true } else { false } }
}
