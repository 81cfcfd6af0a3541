/// 32 bytes held inline: a BLAKE2b-256 digest or an Ed25519 public key.
///
/// A fixed-size value type keeps entry decoding free of per-field heap allocations.
public struct Hash32: Hashable, Sendable, Comparable {
    typealias Storage = (UInt64, UInt64, UInt64, UInt64)
    var storage: Storage

    public static let zero = Hash32(storage: (0, 0, 0, 0))

    init(storage: Storage) { self.storage = storage }

    /// Creates a value from exactly 32 bytes; nil for any other length.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 32 else { return nil }
        var value = Hash32.zero
        Swift.withUnsafeMutableBytes(of: &value.storage) { out in
            for (i, b) in bytes.enumerated() { out[i] = b }
        }
        self = value
    }

    /// Takes the first 32 bytes of `raw`, which must hold at least 32: a copy without the
    /// per-byte loop of the generic initialiser, for decoders on hot paths.
    public init(unsafe raw: UnsafeRawBufferPointer) {
        precondition(raw.count >= 32, "Hash32 needs 32 bytes")
        var value = Hash32.zero
        Swift.withUnsafeMutableBytes(of: &value.storage) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw.prefix(32))) }
        self = value
    }

    public var bytes: [UInt8] {
        Swift.withUnsafeBytes(of: storage) { Array($0) }
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: storage, body)
    }

    public static func == (a: Hash32, b: Hash32) -> Bool {
        a.storage.0 == b.storage.0 && a.storage.1 == b.storage.1 && a.storage.2 == b.storage.2 && a.storage.3 == b.storage.3
    }

    /// All 32 bytes: feed ids inside payloads and clocks are chosen by whoever sends them, so
    /// hashing only a prefix would let a peer make every key of a table collide (quadratic
    /// derivation); Hasher's per-process seed does not help against equal inputs.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.0)
        hasher.combine(storage.1)
        hasher.combine(storage.2)
        hasher.combine(storage.3)
    }

    /// The hash Dictionary and Set use (they call this, not ``hash(into:)``): hashing ids is
    /// most of what a derivation does besides decoding, and Hasher's SipHash over four words,
    /// with its seeding and finalisation, cost a tenth of it. This is a multiply-fold (as in
    /// wyhash) of all 32 bytes, keyed on both sides of every multiplication by a secret drawn
    /// once per process (``tableKey``) as well as by the table's own seed, which is only its
    /// storage address. Ids are chosen by peers (feed ids in payloads): a product with one
    /// side they could zero, as an unkeyed side allows, would send every such id to one bucket
    /// whatever the seed, and make each table quadratic.
    public func _rawHashValue(seed: Int) -> Int {
        @inline(__always) func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let (high, low) = a.multipliedFullWidth(by: b)
            return high ^ low
        }
        let k = Hash32.tableKey, s = UInt64(truncatingIfNeeded: seed)
        let a = fold(storage.0 ^ k.0 ^ s, storage.1 ^ k.1)
        let b = fold(storage.2 ^ k.2, storage.3 ^ k.3 ^ s)
        return Int(truncatingIfNeeded: fold(a ^ k.4, b ^ k.5))
    }

    /// The secret of ``_rawHashValue(seed:)``, random for each process.
    private static let tableKey: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = {
        var random = SystemRandomNumberGenerator()
        return (random.next(), random.next(), random.next(), random.next(), random.next(), random.next())
    }()

    /// Lexicographic order of the bytes, so sorting is the same on every machine. The words
    /// hold the bytes in memory order, so as big-endian numbers they compare as the bytes do.
    public static func < (a: Hash32, b: Hash32) -> Bool {
        if a.storage.0 != b.storage.0 { return a.storage.0.bigEndian < b.storage.0.bigEndian }
        if a.storage.1 != b.storage.1 { return a.storage.1.bigEndian < b.storage.1.bigEndian }
        if a.storage.2 != b.storage.2 { return a.storage.2.bigEndian < b.storage.2.bigEndian }
        return a.storage.3.bigEndian < b.storage.3.bigEndian
    }

    public var hex: String { bytes.hexString }
}

extension Array where Element == UInt8 {
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](); out.reserveCapacity(count * 2)
        for b in self { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses lowercase or uppercase hex; nil on odd length or a non-hex character.
    public init?(hex: String) {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out = [UInt8](); out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let h = nibble(chars[i]), let l = nibble(chars[i + 1]) else { return nil }
            out.append(h << 4 | l); i += 2
        }
        self = out
    }
}
