import VFGraph
import VFLog

/// Orders ids by their bytes without allocating: rows inserted in primary-key order append to
/// the right edge of a `WITHOUT ROWID` table's b-tree instead of splitting pages all over it.
/// (`Hash32.<` compares byte arrays it allocates, which costs more than the insert itself.)
enum ByteOrder {
    struct Key: Comparable {
        let a, b, c, d: UInt64

        init(_ hash: Hash32) {
            (a, b, c, d) = Swift.withUnsafeBytes(of: hash) { p in
                (UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                 UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                 UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                 UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
            }
        }

        static func < (x: Key, y: Key) -> Bool { (x.a, x.b, x.c, x.d) < (y.a, y.b, y.c, y.d) }
    }

    /// `keys` in the order of their 32 bytes.
    static func sorted<K>(_ keys: [K], by hash: (K) -> Hash32) -> [K] {
        guard keys.count > 1 else { return keys }
        return keys.map { (Key(hash($0)), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The positions of `elements` in the order of their ids' bytes: sorting small (key,
    /// position) pairs moves far less memory than sorting the elements themselves.
    static func sortedIndices<Element>(_ elements: [Element], by hash: (Element) -> Hash32) -> [Int] {
        sortedIndices(elements, key: { Key(hash($0)) }, by: <)
    }

    /// The positions of `elements` in the order of their places: author bytes, then sequence.
    /// The order of the `event` table's index of places (v18), so a rebuild grows it at its right edge.
    static func sortedIndices<Element>(_ elements: [Element], byPlace place: (Element) -> FeedPlace) -> [Int] {
        sortedIndices(elements, key: { element in
            let p = place(element)
            return (Key(p.author.key), p.sequence)
        }, by: <)
    }

    /// The positions of `elements` in the order `less` gives their keys.
    private static func sortedIndices<Element, K>(_ elements: [Element], key: (Element) -> K, by less: (K, K) -> Bool) -> [Int] {
        var keyed = [(K, Int32)]()
        keyed.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() { keyed.append((key(element), Int32(index))) }
        keyed.sort { less($0.0, $1.0) }
        return keyed.map { Int($0.1) }
    }

    /// The positions of `dictionary`'s elements in the order of their keys' bytes: for reading
    /// every element in key order without hashing a key again or copying the elements.
    static func sortedIndices<K, V>(_ dictionary: [K: V], by hash: (K) -> Hash32) -> [Dictionary<K, V>.Index] {
        var keyed = [(Key, Dictionary<K, V>.Index)]()
        keyed.reserveCapacity(dictionary.count)
        var index = dictionary.startIndex
        while index != dictionary.endIndex {
            keyed.append((Key(hash(dictionary[index].key)), index))
            dictionary.formIndex(after: &index)
        }
        keyed.sort { $0.0 < $1.0 }
        return keyed.map(\.1)
    }
}
