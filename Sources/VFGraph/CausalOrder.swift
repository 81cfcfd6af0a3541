import VFLog

/// The order in which events take effect, defined so that it depends only on the set of events.
///
/// Each event has a key: (its stated time — `hasPointInTime`, else `hasEnd`, else
/// `hasBeginning` — or, if it states none, the entry's claimed timestamp, in milliseconds;
/// then the author's feed id bytes; then the sequence number; then the entry id bytes).
/// An event depends on the events that created the resources it names, on the event it
/// corrects, and (for a `combine` with no `toResourceInventoriedAs`) on the output events
/// that name its container. The causal order is the topological order of that dependency
/// graph that always takes the smallest key among the events whose dependencies are all
/// placed: an event never precedes what it depends on, and otherwise keys decide.
public struct CausalKey: Comparable, Hashable, Sendable {
    public let time: Int64
    public let author: FeedID
    public let sequence: UInt64
    public let entryID: EntryID

    public init(event: EconomicEventPayload, entry: GraphEntry) {
        time = event.statedTime ?? entry.timestamp
        author = entry.author
        sequence = entry.sequence
        entryID = entry.id
    }

    public static func < (a: CausalKey, b: CausalKey) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.author != b.author { return a.author < b.author }
        if a.sequence != b.sequence { return a.sequence < b.sequence }
        return a.entryID < b.entryID
    }
}

enum CausalOrder {
    /// Orders the events `nodes` (each a key and the event's place in the derivation's event
    /// list) as described in ``CausalKey``, and returns their places in that order.
    /// `dependencies[place]` lists the places an event depends on; those outside `nodes` count
    /// as placed already.
    static func sort(keys nodes: [(key: CausalKey, event: Int)], dependencies: [[Int32]]) -> [Int] {
        // Nodes are numbered by their place in `nodes`, so the walk below counts and links
        // them in arrays; -1 marks an event that is not a node.
        var number = [Int32](repeating: -1, count: dependencies.count)
        for (n, node) in nodes.enumerated() { number[node.event] = Int32(n) }
        var waiting = [Int](repeating: 0, count: nodes.count)
        // Dependents as (dependency, dependent) pairs, grouped by dependency further down.
        var edges: [(Int, Int)] = []
        edges.reserveCapacity(nodes.count)
        for (n, node) in nodes.enumerated() {
            let deps = dependencies[node.event]
            // A dependency named twice counts once.
            for (i, dep) in deps.enumerated() where Int(dep) != node.event && !deps[..<i].contains(dep) {
                let d = Int(number[Int(dep)])
                guard d >= 0 else { continue }
                waiting[n] += 1
                edges.append((d, n))
            }
        }
        // Compressed rows: the dependents of node d are dependents[start[d]..<start[d + 1]].
        var start = [Int](repeating: 0, count: nodes.count + 1)
        for (d, _) in edges { start[d + 1] += 1 }
        for d in 0..<nodes.count { start[d + 1] += start[d] }
        var fill = start
        var dependents = [Int](repeating: 0, count: edges.count)
        for (d, n) in edges {
            dependents[fill[d]] = n
            fill[d] += 1
        }
        var heap = MinHeap<Ranked>()
        heap.reserveCapacity(nodes.count)
        for n in nodes.indices where waiting[n] == 0 { heap.push(Ranked(key: nodes[n].key, node: n)) }
        var order = [Int]()
        order.reserveCapacity(nodes.count)
        while let top = heap.pop() {
            order.append(nodes[top.node].event)
            for next in dependents[start[top.node]..<start[top.node + 1]] {
                waiting[next] -= 1
                if waiting[next] == 0 { heap.push(Ranked(key: nodes[next].key, node: next)) }
            }
        }
        return order
    }

    /// A node's key with its number; ordered by the key alone (keys are distinct).
    private struct Ranked: Comparable {
        let key: CausalKey
        let node: Int
        static func < (a: Ranked, b: Ranked) -> Bool { a.key < b.key }
        static func == (a: Ranked, b: Ranked) -> Bool { a.key == b.key }
    }
}

/// A binary min-heap; enough for ordering events without sorting the ready set repeatedly.
struct MinHeap<Element: Comparable> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func reserveCapacity(_ count: Int) { items.reserveCapacity(count) }

    mutating func push(_ element: Element) {
        items.append(element)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
