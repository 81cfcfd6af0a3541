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
