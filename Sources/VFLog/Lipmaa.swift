/// The lipmaa skip link of Bamboo: from entry `n` a link to an older entry chosen so that
/// following these links reaches entry 1 in O(log n) steps.
///
/// Sequence numbers in ternary: `(3^k − 1)/2` is a run of k ones. Those entries jump back
/// `3^(k−1)`; every other entry jumps back by the longest all-ones number that fits its
/// position inside the current block. See docs/protocol.md, "Lipmaa links".
public enum Lipmaa {
    /// The sequence number entry `n` links to; 0 for `n == 1` (no link) and for `n == 0`.
    ///
    /// Total over `UInt64`: a peer chooses `n`, so no value may trap. The all-ones number
    /// above the largest `UInt64` values is (3^41 − 1)/2, which needs 65 bits, so the walk
    /// counts in `UInt128`; the result is below `n` and fits back.
    public static func link(_ n: UInt64) -> UInt64 {
        guard n >= 1 else { return 0 }
        let target = UInt128(n)
        // m walks the all-ones numbers (3^k − 1)/2 until it reaches n; po3 trails as 3^(k−1).
        var m: UInt128 = 1, po3: UInt128 = 3
        while m < target {
            po3 *= 3
            m = (po3 - 1) / 2
        }
        po3 /= 3
        if m != target {
            var x = target
            while x != 0 {
                m = (po3 - 1) / 2
                po3 /= 3
                x %= m
            }
            if m != po3 { po3 = m }
        }
        return UInt64(target - po3)
    }

    /// Whether entry `n` carries a lipmaa link distinct from its backlink.
    public static func hasDistinctLink(_ n: UInt64) -> Bool {
        n > 1 && link(n) != n - 1
    }

    /// The chain n, link(n), link(link(n)), …, 1: the entries that connect `n` to the first.
    public static func pathToFirst(from n: UInt64) -> [UInt64] {
        var path = [n]
        var m = n
        while m > 1 {
            m = link(m)
            path.append(m)
        }
        return path
    }

    /// Bamboo's certificate pool of `n`: the path from `n` to 1, plus the path down to `n`
    /// from the smallest all-ones number `z ≥ n`. The union of any two pools connects their
    /// entries, which is what makes partial replication transitive. Sorted ascending.
    public static func certificatePool(of n: UInt64) -> [UInt64] {
        var pool = Set(pathToFirst(from: n))
        var z: UInt128 = 1, po3: UInt128 = 3
        while z < UInt128(n) {
            po3 *= 3
            z = (po3 - 1) / 2
        }
        // From z walk down to n: take the lipmaa jump when it does not overshoot n, else step back.
        // z fits a UInt64 for every n ≤ (3^41 − 1)/2, far above Entry.maximumSequence; the clamp
        // only keeps larger n total.
        var m = UInt64(clamping: z)
        while m > n {
            pool.insert(m)
            let l = link(m)
            m = l >= n ? l : m - 1
        }
        return pool.sorted()
    }
}
