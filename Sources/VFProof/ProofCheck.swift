import VFGraph
import VFLog

/// Checks a proof (docs/protocol.md §17, "What a checker verifies") with nothing but the file:
/// signatures and hashes, each entry's place in its feed's one history, and the trace and
/// figures derived again by the rules of §16. Pure.
public enum ProofCheck {
    /// One step of the trace, as the checker derived it.
    public struct Step: Sendable, Equatable {
        public let item: String
        /// What it is: `event`, `process` or `resource`, with a short description.
        public let kind: String
        public let summary: String
        /// For an event: its signer, the signer's profile name if the proof holds it, and its sequence.
        public let signer: FeedID?
        public let signerName: String?
        public let sequence: UInt64?
        public let depth: Int
    }

    public struct Report: Sendable, Equatable {
        /// Every failure, each naming what it is about; empty when the proof holds.
        public let failures: [String]
        public let steps: [Step]
        public let forkedFeeds: [FeedID]
        public var holds: Bool { failures.isEmpty }
    }

    public static func check(_ proof: ProofFile) -> Report {
        var failures: [String] = []
        func name(_ e: Entry) -> String { "entry \(e.author) #\(e.sequence) (\(e.id))" }

        // 2. Each entry on its own.
        var valid: [SignedEntry] = []
        for signed in proof.entries {
            do {
                try EntryVerifier.verifyIntrinsic(signed.entry, payload: signed.payload)
                valid.append(signed)
            } catch {
                failures.append("\(name(signed.entry)): \(error.reason)")
            }
        }

        // 3 and 4. Each entry in its feed's one history.
        let feeds = Dictionary(proof.feeds.map { ($0.author, $0) }, uniquingKeysWith: { a, _ in a })
        var forked: [FeedID] = []
        // The entries in their feed's one history: the only ones step 5 derives from.
        var inHistory: Set<EntryID> = []
        let byAuthor = Dictionary(grouping: valid, by: \.entry.author)
        for signed in proof.entries where feeds[signed.entry.author] == nil {
            failures.append("\(name(signed.entry)): its feed is not listed in feeds")
        }
        for feed in proof.feeds {
            let entries = byAuthor[feed.author] ?? []
            let bySequence = Dictionary(grouping: entries, by: \.entry.sequence)
            let pairs = bySequence.filter { $0.value.count > 1 }.keys.sorted()
            if !pairs.isEmpty { forked.append(feed.author) }
            if feed.forked, pairs.isEmpty {
                failures.append("feed \(feed.author) is said to be forked, but the proof holds no two entries of one sequence")
            }
            if !feed.forked, let first = pairs.first {
                failures.append("feed \(feed.author) has two entries of sequence \(first): it is forked, but the proof says not")
            }
            guard let heads = bySequence[feed.head] else {
                failures.append("feed \(feed.author): its head, entry #\(feed.head), is not in the proof (or is not valid)")
                continue
            }
            for signed in entries where signed.entry.sequence > feed.head {
                failures.append("\(name(signed.entry)): beyond the feed's head #\(feed.head)")
            }
            // Everything reachable from the head by the links between entries of the proof.
            let byID = Dictionary(entries.map { ($0.entry.id, $0.entry) }, uniquingKeysWith: { a, _ in a })
            var reached: Set<EntryID> = []
            var stack = heads.map(\.entry)
            while let entry = stack.popLast() {
                guard reached.insert(entry.id).inserted else { continue }
                for link in [entry.backlink, entry.lipmaaLink].compactMap({ $0 }) {
                    if let next = byID[link], next.author == entry.author { stack.append(next) }
                }
            }
            inHistory.formUnion(reached)
            for signed in entries where !reached.contains(signed.entry.id) && signed.entry.sequence <= feed.head {
                // The other half of a fork proof is not in the head's history, by definition.
                if feed.forked, (bySequence[signed.entry.sequence]?.count ?? 0) > 1 { continue }
                failures.append("\(name(signed.entry)): no chain of links from the head #\(feed.head) reaches it, so it is not shown to be part of the feed")
            }
        }

        // 5. The trace and the figures, derived again from the entries that hold payloads and
        // are in their feed's history: the half of a fork the head does not reach is not.
        let graph = Derivation.derive(valid.filter { $0.payload != nil && inHistory.contains($0.entry.id) }.map { GraphEntry($0, verified: true) })
        // A trace starts from its subject whether or not anything holds it: the subject, and
        // every event and process of the trace, must derive from the proof's own entries.
        let subjectDerives = switch proof.subject {
        case let .resource(id): graph.resources[id] != nil
        case let .event(id): graph.events[id]?.status == .applied
        case let .process(id): graph.processes[id] != nil
        }
        if !subjectDerives { failures.append("the subject \(ProofFile.text(proof.subject)) does not derive from the proof's entries") }
        let derived = graph.trace(from: proof.subject)
        for step in derived {
            switch step.item {
            case let .event(id) where graph.events[id] == nil, let .process(id) where graph.processes[id] == nil:
                failures.append("trace step \(id) is not among the proof's entries with payloads")
            default: break
            }
        }
        let derivedItems = derived.map { ProofFile.text($0.item) }
        let claimedItems = proof.trace
        if derivedItems != claimedItems {
            let at = Array(zip(derivedItems, claimedItems)).firstIndex { $0.0 != $0.1 } ?? min(derivedItems.count, claimedItems.count)
            failures.append("the trace does not derive again: step \(at + 1) is \(at < derivedItems.count ? derivedItems[at] : "missing") here, "
                            + "\(at < claimedItems.count ? claimedItems[at] : "missing") in the claims (\(derivedItems.count) steps derived, \(claimedItems.count) claimed)")
        }
        for claim in proof.resources {
            guard let resource = graph.resources[claim.id] else {
                failures.append("resource \(claim.id) does not derive from the proof's entries")
                continue
            }
            let got = ProofFile.ResourceClaim(resource)
            if got != claim {
                failures.append("resource \(claim.id) derives as \(got.accountingQuantity) accounting, \(got.onhandQuantity) onhand \(got.unit ?? "(no unit)"), "
                                + "but the proof claims \(claim.accountingQuantity) accounting, \(claim.onhandQuantity) onhand \(claim.unit ?? "(no unit)")")
            }
        }
        let claimedResources = Set(proof.resources.map(\.id))
        for step in derived {
            if case let .resource(id) = step.item, !claimedResources.contains(id) {
                failures.append("resource \(id) is in the trace but the proof claims no figures for it")
            }
        }

        // The trace as derived, each event with its signer.
        var depths: [String: Int] = [:]
        let steps = derived.map { step -> Step in
            let depth = step.parent.map { (depths[$0.description] ?? 0) + 1 } ?? 0
            depths[step.item.description] = depth
            switch step.item {
            case let .event(id):
                let event = step.event ?? graph.events[id]
                let p = event?.payload
                let quantity = (p?.resourceQuantity ?? p?.effortQuantity).map { " \($0.value) \($0.unit)" } ?? ""
                let signer = event?.provenance.author
                return Step(item: id.description, kind: "event", summary: "\(p?.action.rawValue ?? "?")\(quantity)", signer: signer,
                            signerName: signer.flatMap { graph.agents[.feed($0)]?.profile?.name }, sequence: event?.provenance.sequence, depth: depth)
            case let .process(id):
                return Step(item: id.description, kind: "process", summary: graph.processes[id]?.payload.name ?? "", signer: graph.processes[id]?.author,
                            signerName: nil, sequence: nil, depth: depth)
            case let .resource(id):
                let r = graph.resources[id]
                let figures = r.map { " \($0.onhandQuantity) \($0.unit ?? "")" } ?? ""
                return Step(item: id.description, kind: "resource", summary: (r?.name ?? "") + figures, signer: nil, signerName: nil, sequence: nil, depth: depth)
            }
        }
        return Report(failures: failures, steps: steps, forkedFeeds: forked)
    }
}
