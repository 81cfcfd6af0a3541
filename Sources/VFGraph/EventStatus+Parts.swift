/// An event status split in two, as the graph store and the command line show it.
extension EventStatus {
    /// `applied`, `pending`, `invalid` or `unauthorized`.
    public var name: String {
        switch self {
        case .applied: "applied"
        case .pending: "pending"
        case .invalid: "invalid"
        case .unauthorized: "unauthorized"
        }
    }

    /// Why the event is not applied; nil when it is.
    public var reason: String? {
        switch self {
        case .applied: nil
        case let .pending(reason), let .invalid(reason), let .unauthorized(reason): reason
        }
    }
}

extension EventStatus {
    /// This status with its reason cut as ``ReasonError/bounded(_:)`` cuts one: what the
    /// derivation records, so no reason it stores quotes more than 1,000 bytes of a payload
    /// (a unit or a name may be as long as its author makes it).
    package var bounded: EventStatus {
        switch self {
        case .applied: .applied
        case let .pending(reason): .pending(ReasonError.bounded(reason))
        case let .invalid(reason): .invalid(ReasonError.bounded(reason))
        case let .unauthorized(reason): .unauthorized(ReasonError.bounded(reason))
        }
    }
}
