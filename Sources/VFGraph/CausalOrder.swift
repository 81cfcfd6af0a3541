import VFLog

/// An event's key: (its stated time — `hasPointInTime`, else `hasEnd`, else `hasBeginning` —
/// or, if it states none, the entry's claimed timestamp, in milliseconds; then the author's
/// feed id bytes; then the sequence number; then the entry id bytes). Keys are distinct.
///
/// An event depends on the events that created the resources it names, on the event it
/// corrects, and (for a `combine` with no `toResourceInventoriedAs`) on the output events
/// that name its container. Events take effect in the order of ``EventOrder``, made of the
/// keys: by key, except that an event never precedes what it depends on.
public struct CausalKey: Comparable, Hashable, Sendable {
    public let time: Int64
    public let author: FeedID
    public let sequence: UInt64
    public let entryID: EntryID

    public init(event: EconomicEventPayload, entry: GraphEntry) {
        self.init(time: event.statedTime ?? entry.timestamp, author: entry.author, sequence: entry.sequence, entryID: entry.id)
    }

    public init(time: Int64, author: FeedID, sequence: UInt64, entryID: EntryID) {
        self.time = time
        self.author = author
        self.sequence = sequence
        self.entryID = entryID
    }

    public static func < (a: CausalKey, b: CausalKey) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.author != b.author { return a.author < b.author }
        if a.sequence != b.sequence { return a.sequence < b.sequence }
        return a.entryID < b.entryID
    }
}

package enum CausalOrder {
    /// The order (``EventOrder``) of each of the events `nodes` (a key and the event's place in
    /// the derivation's event list), and their places sorted by it. `dependencies[place]` lists
    /// the places an event depends on; one outside `nodes` has its order from `placed`, or
    /// none (it is not folded) and is passed over. The places `shared` are not events but
    /// dependencies several events share (``PreFoldNeed/shared(dependencies:)``): depending on
    /// one orders an event as depending on each of its dependencies would, and its summary
    /// (``EventOrder/summary(of:)``) is worked out once, however many events depend on it.
    package static func sort(keys nodes: [(key: CausalKey, event: Int)], dependencies: [[Int32]], shared: Range<Int> = 0..<0,
                     placed: (Int) -> EventOrder? = { _ in nil }) -> [(event: Int, order: EventOrder)] {
        // Nodes: the events to order, then the shared places after them.
        var number = [Int32](repeating: -1, count: dependencies.count)
        for (n, node) in nodes.enumerated() { number[node.event] = Int32(n) }
        for (n, place) in shared.enumerated() { number[place] = Int32(nodes.count + n) }
        let count = nodes.count + shared.count
        func place(of node: Int) -> Int { node < nodes.count ? nodes[node].event : shared.lowerBound + node - nodes.count }
        var orders = [EventOrder?](repeating: nil, count: count)
        // 0 not reached, 1 on the stack, 2 ordered. Depth first on an explicit stack: chains
        // of tens of thousands of events must not overflow the thread's stack.
        var state = [UInt8](repeating: 0, count: count)
        var stack: [(node: Int, next: Int)] = []
        for root in nodes.indices where state[root] == 0 {
            state[root] = 1
            stack.append((root, 0))
            while let (node, next) = stack.last {
                let event = place(of: node)
                let deps = dependencies[event]
                if next < deps.count {
                    stack[stack.count - 1].next += 1
                    let dep = Int(deps[next])
                    guard dep != event else { continue }
                    let d = Int(number[dep])
                    if d >= 0, state[d] == 0 {
                        state[d] = 1
                        stack.append((d, 0))
                    }
                    continue
                }
                var depOrders: [EventOrder] = []
                for dep in deps where Int(dep) != event {
                    let d = Int(number[Int(dep)])
                    if d >= 0 {
                        if let order = orders[d] { depOrders.append(order) }  // nil only in a cycle, refused before, or a shared place with nothing ordered
                    } else if let order = placed(Int(dep)) {
                        depOrders.append(order)
                    }
                }
                orders[node] = node < nodes.count ? EventOrder(key: nodes[node].key, dependencies: depOrders) : EventOrder.summary(of: depOrders)
                state[node] = 2
                stack.removeLast()
            }
        }
        return nodes.indices.map { (nodes[$0].event, orders[$0]!) }.sorted { $0.order < $1.order }
    }
}
