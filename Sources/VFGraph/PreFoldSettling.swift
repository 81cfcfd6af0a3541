import VFLog

/// What one event needs before it can be folded, found from the catalogue alone: either a
/// failure of its own (an unknown or wrong reference, a combine without a container), or the
/// events it depends on (``CausalKey``) and the container an implicit combine found.
package enum PreFoldNeed: Sendable {
    /// `waitsFor`: for a pending event, the id whose arrival may change that (an entry, a
    /// resource, or the process whose outputs a combine looks for its container among).
    case failed(EventStatus, waitsFor: Hash32?)
    case ready(dependencies: [Int32], container: ResourceID?)
    /// Not an event: dependencies several events share (the container outputs of a process,
    /// on which each of its implicit combines depends), settled once rather than once per
    /// event. An event depending on it settles as if it depended on each of them in turn:
    /// the first that is not ready decides, and is named. Never a root of the walk; its
    /// dependencies are events, none of which depends on it again (a process's outputs never
    /// depend on its combines), so its outcome is the same for every event that reaches it.
    case shared(dependencies: [Int32])
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
        self.status = status?.bounded
        self.root = root.map(ReasonError.bounded)
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

    /// The outcome of every event, by place (a ``PreFoldNeed/shared(dependencies:)`` place has
    /// the outcome of the dependency that decided it, or none).
    package func settle() -> [PreFoldOutcome] {
        let roots = ids.indices.filter { if case .shared = needs[$0] { false } else { true } }
        var walk = Walk(settling: self)
        for index in roots { walk.settle(index) }
        // Without a cycle, what each event settles to does not depend on where the walks start,
        // so the given order will do; a cycle's reason names where its walk entered it, so
        // then every walk starts over in id order, as the result must not depend on arrival.
        if walk.foundCycle {
            walk = Walk(settling: self)
            for index in roots.sorted(by: { ids[$0] < ids[$1] }) { walk.settle(index) }
        }
        return walk.outcomes
    }

    /// The dependencies of a ready or shared place.
    private func dependencies(of index: Int) -> [Int32] {
        switch needs[index] {
        case let .ready(dependencies, _), let .shared(dependencies): dependencies
        case .failed: preconditionFailure("only ready and shared places have dependencies")
        }
    }

    private func isShared(_ index: Int) -> Bool {
        if case .shared = needs[index] { true } else { false }
    }

    private struct Walk {
        let settling: PreFoldSettling
        /// 0 not looked at, 1 being walked, 2 settled.
        var state: [UInt8]
        var outcomes: [PreFoldOutcome]
        /// For a shared place that is not ready: the dependency that decided it.
        var decidedBy: [Int32]
        var foundCycle = false

        init(settling: PreFoldSettling) {
            self.settling = settling
            state = settling.given.map { $0 == nil ? 0 : 2 }
            outcomes = settling.given.map { $0 ?? PreFoldOutcome() }
            decidedBy = Array(repeating: -1, count: settling.given.count)
        }

        /// Settles `start` and every event it depends on, depth first, on an explicit stack: a
        /// chain of dependencies is as long as its authors make it, and must not overflow the
        /// thread's stack. Each dependency is entered in order; the first that is not ready
        /// decides the event's outcome, naming it and the root of its chain.
        mutating func settle(_ start: Int) {
            guard case .walking = enter(start) else { return }
            // Each frame: an event being walked, and the position of the dependency it is at.
            var stack: [(index: Int, position: Int)] = [(start, 0)]
            // The status of the dependency the top frame is at, once the frame above it settled.
            var returned: EventStatus?? = .none
            walking: while let (index, _) = stack.last {
                let dependencies = settling.dependencies(of: index)
                var result = PreFoldOutcome()
                while stack[stack.count - 1].position < dependencies.count {
                    let dep = Int(dependencies[stack[stack.count - 1].position])
                    let status: EventStatus?
                    if let got = returned {
                        status = got
                        returned = .none
                    } else if dep == index {
                        stack[stack.count - 1].position += 1
                        continue
                    } else {
                        switch enter(dep) {
                        case .walking:
                            stack.append((dep, 0))
                            continue walking
                        case let .decided(decided):
                            status = decided
                        }
                    }
                    stack[stack.count - 1].position += 1
                    guard let status, status.isFailure else { continue }
                    // A shared place stands for the dependency that decided it.
                    let named = settling.isShared(dep) && decidedBy[dep] >= 0 ? Int(decidedBy[dep]) : dep
                    let depID = settling.ids[named]
                    // A dependency still being walked (a cycle) has no root yet: its status is the root.
                    let root = (state[dep] == 2 ? outcomes[dep].root : nil) ?? status.reason ?? ""
                    if settling.isShared(index) {
                        // Kept as the dependency's own, for each event that depends on this place to name.
                        result = PreFoldOutcome(status: status, root: root)
                        decidedBy[index] = Int32(named)
                        break
                    }
                    switch status {
                    case .pending: result = PreFoldOutcome(status: .pending("waits for \(depID): \(root)"), root: root, waitsFor: depID.hash)
                    case .invalid: result = PreFoldOutcome(status: .invalid("depends on \(depID), which is invalid: \(root)"), root: root)
                    case .unauthorized: result = PreFoldOutcome(status: .invalid("depends on \(depID), which is unauthorized: \(root)"), root: root)
                    case .applied: continue
                    }
                    break
                }
                state[index] = 2
                outcomes[index] = result
                stack.removeLast()
                if !stack.isEmpty { returned = .some(result.status) }
            }
        }

        private enum Entered {
            /// Its status is known without walking (nil: ready), or it closes a cycle.
            case decided(EventStatus?)
            /// It has dependencies to walk, and is now being walked.
            case walking
        }

        /// What entering event `index` gives: an event settled already, failed by its own needs,
        /// ready without dependencies, or being walked (a cycle) is decided at once.
        private mutating func enter(_ index: Int) -> Entered {
            if state[index] == 2 { return .decided(outcomes[index].status) }
            switch settling.needs[index] {
            case let .failed(status, waitsFor):
                state[index] = 2
                outcomes[index] = PreFoldOutcome(status: status, root: status.reason, waitsFor: status.isPending ? waitsFor : nil)
                return .decided(status)
            case let .ready(dependencies, _) where !dependencies.isEmpty, let .shared(dependencies) where !dependencies.isEmpty:
                guard state[index] == 0 else {
                    foundCycle = true
                    return .decided(.invalid("circular dependency through \(settling.ids[index])"))
                }
                state[index] = 1
                return .walking
            case .ready, .shared:
                state[index] = 2
                outcomes[index] = PreFoldOutcome()
                return .decided(nil)
            }
        }
    }
}

extension EventStatus {
    package var isPending: Bool { if case .pending = self { true } else { false } }
    /// Pending, invalid or unauthorized: what stops a dependent event.
    fileprivate var isFailure: Bool { if case .applied = self { false } else { true } }
}
