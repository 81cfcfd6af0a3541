import VFLog

/// An event's place in the causal order (docs/protocol.md §16), as bytes compared
/// lexicographically: `anchor ‖ level ‖ key`, where
/// - `key` is the event's own ``CausalKey`` in 80 bytes (``CausalKey/bytes``);
/// - `anchor` is the greatest key among the event and everything it depends on, directly or
///   not: for an event dated after all it depends on (the usual case), its own key;
/// - `level` (4 bytes, big-endian) is 0 when the event is its own anchor, else one more than
///   the greatest level of its dependencies with the same anchor; the key follows only then.
///
/// So events take effect in the order of their stated times, except that an event never comes
/// before what it depends on: one dated earlier than something it depends on comes right
/// after it. An order depends on the event's key and the orders of its direct dependencies
/// only, so it is computed once, when the event is folded, and never changes as other events
/// arrive: a late event takes its place between the others without renumbering any of them.
public struct EventOrder: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// The order in its stored form; nil unless it has one of the two lengths an order has.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.anchorLength + 4 || bytes.count == Self.anchorLength + 4 + CausalKey.byteCount else { return nil }
        self.bytes = bytes
    }

    private init(checked bytes: [UInt8]) { self.bytes = bytes }

    package static let anchorLength = CausalKey.byteCount

    /// The order of an event with `key` whose direct dependencies have `dependencies` orders.
    public init(key: CausalKey, dependencies: some Sequence<EventOrder>) {
        let own = key.bytes
        var anchor = own[...]
        var level: UInt32 = 0
        var isOwn = true
        for dependency in dependencies {
            let theirs = dependency.anchor
            if theirs.lexicographicallyPrecedes(anchor) { continue }
            if theirs.elementsEqual(anchor) {
                // Equal to the event's own key only in a cycle, which the derivation refuses first.
                guard !isOwn else { continue }
                level = max(level, dependency.level &+ 1)
            } else {
                anchor = theirs
                level = dependency.level &+ 1
                isOwn = false
            }
        }
        var bytes = Array(anchor)
        bytes.reserveCapacity(Self.anchorLength + 4 + (isOwn ? 0 : CausalKey.byteCount))
        withUnsafeBytes(of: level.bigEndian) { bytes.append(contentsOf: $0) }
        if !isOwn { bytes += own }
        self.init(checked: bytes)
    }

    /// What an event depending on all of `orders` takes from them, as one order: the greatest
    /// anchor among them and the greatest level at that anchor (nil for none). Depending on
    /// it gives an event the order depending on each of them gives: the events a process's
    /// implicit combines share (``PreFoldNeed/shared(dependencies:)``) are summed up once.
    package static func summary(of orders: [EventOrder]) -> EventOrder? {
        guard var best = orders.first else { return nil }
        var level = best.level
        for order in orders.dropFirst() {
            if best.anchor.lexicographicallyPrecedes(order.anchor) {
                best = order
                level = order.level
            } else if order.anchor.elementsEqual(best.anchor) {
                level = max(level, order.level)
            }
        }
        var bytes = Array(best.anchor)
        withUnsafeBytes(of: level.bigEndian) { bytes.append(contentsOf: $0) }
        return EventOrder(checked: bytes)
    }

    /// The greatest key among the event and what it depends on.
    package var anchor: ArraySlice<UInt8> { bytes[..<Self.anchorLength] }

    /// How many dependencies with the same anchor lie between the anchor and the event.
    package var level: UInt32 {
        bytes[Self.anchorLength ..< Self.anchorLength + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    public static func < (a: EventOrder, b: EventOrder) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    /// Lower-case hex: text forms compare as the orders do.
    public var description: String { bytes.hexString }
}

extension CausalKey {
    package static let byteCount = 8 + 32 + 8 + 32

    /// The key in bytes that compare as the key does: the time as a big-endian signed number
    /// with its sign bit flipped, the author's 32 bytes, the sequence big-endian, the entry id's 32 bytes.
    package var bytes: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(Self.byteCount)
        withUnsafeBytes(of: (UInt64(bitPattern: time) ^ (1 << 63)).bigEndian) { bytes.append(contentsOf: $0) }
        bytes += author.bytes
        withUnsafeBytes(of: sequence.bigEndian) { bytes.append(contentsOf: $0) }
        bytes += entryID.bytes
        return bytes
    }
}
