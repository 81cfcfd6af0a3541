import VFLog

/// The entries whose payload this node forgot (`vf forget`, docs/protocol.md §7). To the
/// derivation such an entry is unknown, as an entry whose payload is not held; what it knows
/// here is only why, so that a reference to it, or to the resource it would have created,
/// says that the payload was forgotten on this node rather than that it has not arrived.
public struct ForgottenPayloads: Sendable, Equatable {
    private var entries: Set<EntryID> = []
    /// The resource each forgotten entry would create if it were an event that creates one.
    private var creators: [ResourceID: EntryID] = [:]

    public init() {}

    public init(_ forgotten: some Sequence<EntryID>) {
        for entry in forgotten {
            entries.insert(entry)
            creators[ResourceID(createdBy: entry)] = entry
        }
    }

    public var isEmpty: Bool { entries.isEmpty }

    public func contains(_ entry: EntryID) -> Bool { entries.contains(entry) }

    /// The forgotten entry whose id `resource` is derived from, if any.
    public func creator(of resource: ResourceID) -> EntryID? { creators[resource] }

    /// Why a reference `name` to `entry`, which is not known, fails.
    package func unknownEntryReason(_ name: String, _ entry: EntryID) -> String {
        contains(entry) ? "\(name) refers to \(entry), whose payload this node forgot (vf forget)" : "\(name) refers to \(entry), which is not known"
    }

    /// Why a reference `name` to `resource`, which is not known, fails.
    package func unknownResourceReason(_ name: String, _ resource: ResourceID) -> String {
        if let creator = creator(of: resource) {
            return "\(name) refers to resource \(resource), created by \(creator), whose payload this node forgot (vf forget)"
        }
        return "\(name) refers to resource \(resource), which is not known"
    }
}
