/// One of the 19 ValueFlows 1.0 actions. The raw value is the `action` string in payloads.
public enum Action: String, CaseIterable, Sendable, Comparable {
    case accept, combine, consume, cite, copy, deliverService, dropoff, lower, modify, move
    case pickup, produce, raise, separate, transferAllRights, transfer, transferCustody, use, work

    /// The published behaviour of this action (see `ActionTable.swift`).
    public var behavior: ActionBehavior { Self.behaviors[ordinal] }

    /// The table as an array in declaration order: the fold asks for a behaviour several
    /// times per event, and a dictionary lookup would hash the raw value string each time.
    private static let behaviors: [ActionBehavior] = allCases.map { table[$0]! }

    /// The position of this case in `allCases` (declaration order).
    private var ordinal: Int {
        switch self {
        case .accept: 0
        case .combine: 1
        case .consume: 2
        case .cite: 3
        case .copy: 4
        case .deliverService: 5
        case .dropoff: 6
        case .lower: 7
        case .modify: 8
        case .move: 9
        case .pickup: 10
        case .produce: 11
        case .raise: 12
        case .separate: 13
        case .transferAllRights: 14
        case .transfer: 15
        case .transferCustody: 16
        case .use: 17
        case .work: 18
        }
    }

    /// The transfer an event with this action implies when provider and receiver differ
    /// (concepts_transfers.md, "Explicit and implied transfers").
    public var impliedTransfer: ImpliedTransfer? {
        switch self {
        case .consume, .produce, .deliverService: .rightsAndCustody
        case .pickup, .dropoff, .accept, .modify: .custody
        default: nil
        }
    }

    public static func < (a: Action, b: Action) -> Bool { a.rawValue < b.rawValue }
}

/// What an implied transfer moves: only who holds the resource, or also who is accountable.
public enum ImpliedTransfer: Sendable, Equatable {
    case custody
    case rightsAndCustody
}

/// One row of the action table: how an event with the action behaves and affects resources.
/// The property names and values are those of the VF 1.0 ontology.
public struct ActionBehavior: Sendable, Equatable {
    public let label: String
    public let inputOutput: InputOutput
    public let pairsWith: Action?
    public let createResource: CreateResource
    public let eventQuantity: EventQuantity
    public let accountingEffect: QuantityEffect
    public let onhandEffect: QuantityEffect
    public let locationEffect: LocationEffect
    public let containedEffect: ContainedEffect
    public let accountableEffect: AccountableEffect
    public let stageEffect: StageEffect
    public let stateEffect: StateEffect
    public let termStatus: String
}

/// Whether an event may be a process input, output, either at once, or neither.
public enum InputOutput: String, Sendable {
    case input, output, outputInput, notApplicable

    public var allowsInput: Bool { self == .input || self == .outputInput }
    public var allowsOutput: Bool { self == .output || self == .outputInput }
}

/// Whether the event may create its `resourceInventoriedAs` (`optional`) or its
/// `toResourceInventoriedAs` (`optionalTo`).
public enum CreateResource: String, Sendable { case optional, optionalTo, notApplicable }

/// Which quantities an event with the action carries.
public enum EventQuantity: String, Sendable {
    case resource, effort, both

    public var allowsResource: Bool { self != .effort }
    public var allowsEffort: Bool { self != .resource }
}

/// How `resourceQuantity` changes accounting or onhand quantity. `decrementIncrement`
/// decrements `resourceInventoriedAs` and increments `toResourceInventoriedAs`; `incrementTo`
/// increments only `toResourceInventoriedAs`.
public enum QuantityEffect: String, Sendable { case increment, decrement, decrementIncrement, incrementTo, notApplicable }

/// `new`: a created resource takes `toLocation`; `update`: `resourceInventoriedAs` takes it;
/// `updateTo`: `toResourceInventoriedAs` takes it.
public enum LocationEffect: String, Sendable { case new, update, updateTo, notApplicable }

/// `update`: the resource goes into a container; `remove`: it comes out.
public enum ContainedEffect: String, Sendable { case update, remove, notApplicable }

/// `new`: a created resource is accountable to the receiver; `updateTo`: the
/// `toResourceInventoriedAs` becomes accountable to the receiver.
public enum AccountableEffect: String, Sendable { case new, updateTo, notApplicable }

/// `update`: the resource's stage becomes the output process's `basedOn`.
public enum StageEffect: String, Sendable { case update, notApplicable }

/// `update`/`updateTo`: the from/to resource's state becomes the event's `state`.
public enum StateEffect: String, Sendable { case update, updateTo, notApplicable }
