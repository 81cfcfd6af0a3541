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
    /// Orders `nodes` as described in ``CausalKey``. Every dependency must itself be a node.
    static func sort(keys: [EntryID: CausalKey], dependencies: [EntryID: [EntryID]]) -> [EntryID] {
        var waiting = [EntryID: Int]()
        var dependents = [EntryID: [EntryID]]()
        var heap = MinHeap<CausalKey>()
        heap.reserveCapacity(keys.count)
        for (node, key) in keys {
            var count = 0
            if let deps = dependencies[node] {
                // Dependencies outside `keys` are already placed (an append onto an existing
                // fold); a dependency named twice counts once.
                for (i, dep) in deps.enumerated() where dep != node && keys[dep] != nil && !deps[..<i].contains(dep) {
                    count += 1
                    dependents[dep, default: []].append(node)
                }
            }
            if count == 0 { heap.push(key) } else { waiting[node] = count }
        }
        var order = [EntryID]()
        order.reserveCapacity(keys.count)
        while let key = heap.pop() {
            order.append(key.entryID)
            for next in dependents[key.entryID] ?? [] {
                let remaining = waiting[next]! - 1
                waiting[next] = remaining
                if remaining == 0 { heap.push(keys[next]!) }
            }
        }
        return order
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
