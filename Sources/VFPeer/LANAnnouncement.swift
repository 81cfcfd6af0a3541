import CSodium

/// The UDP datagram a node broadcasts on its local networks to say where it
/// listens, readable only as "valid" by nodes that hold the same network key.
///
/// Wire format (all lengths in bytes):
///
/// ```
/// magic "vf-lan1" (7) ‖ length L (u16, big-endian) ‖ address (L, UTF-8) ‖ tag (32)
/// tag = HMAC-SHA-512-256(key: network key, message: everything before the tag)
/// ```
///
/// The address is a ``MultiserverAddress`` in its text form. A datagram is at
/// most ``maxDatagramSize`` bytes; the longest valid address makes about 360.
///
/// The tag only proves that the sender knows the network key, so nodes of other
/// networks (and stray traffic on the port) are ignored before anyone dials.
/// Replaying a captured announcement is harmless: the announcement says *where*
/// a node is, and the Secret Handshake on the resulting connection proves *who*
/// it is, so a replayed or redirected address at worst costs a failed dial.
///
/// The network key is also the HMAC key of Secret Handshake hellos. The two
/// uses cannot be confused: a hello authenticates exactly 32 bytes, while an
/// announcement authenticates the 9-byte header plus an address of at least
/// 56 characters.
public struct LANAnnouncement: Hashable, Sendable {
    /// Marks the datagram as ours and versions the format.
    public static let magic: [UInt8] = Array("vf-lan1".utf8)
    /// The largest datagram accepted or produced.
    public static let maxDatagramSize = 512

    private static let lengthFieldSize = 2
    private static let tagSize = Int(crypto_auth_BYTES)
    private static let headerSize = magic.count + lengthFieldSize

    /// Where the announcing node accepts connections, and its identity.
    public let address: MultiserverAddress

    public init(address: MultiserverAddress) {
        self.address = address
    }

    /// The datagram announcing ``address`` on the network of `networkKey` (32 bytes).
    public func encoded(networkKey: [UInt8]) -> [UInt8] {
        precondition(networkKey.count == SecretHandshake.networkKeyLength, "network keys are 32 bytes")
        let text = Array(address.description.utf8)
        // MultiserverAddress bounds its host at 253 characters, so this always fits.
        precondition(Self.headerSize + text.count + Self.tagSize <= Self.maxDatagramSize)
        var datagram = Self.magic
        datagram.reserveCapacity(Self.headerSize + text.count + Self.tagSize)
        datagram.append(UInt8(text.count >> 8))
        datagram.append(UInt8(text.count & 0xFF))
        datagram += text
        datagram += NaCl.authenticate(datagram, key: networkKey)
        return datagram
    }

    /// Reads a datagram, refusing anything not made by a holder of `networkKey`
    /// (32 bytes) or not carrying a well-formed address.
    public init(decoding datagram: [UInt8], networkKey: [UInt8]) throws(LANAnnouncementError) {
        precondition(networkKey.count == SecretHandshake.networkKeyLength, "network keys are 32 bytes")
        guard datagram.count <= Self.maxDatagramSize else {
            throw .oversize(datagram.count)
        }
        guard datagram.count >= Self.headerSize + Self.tagSize else {
            throw .badLength("\(datagram.count) bytes is shorter than the \(Self.headerSize + Self.tagSize)-byte minimum")
        }
        guard datagram.starts(with: Self.magic) else {
            throw .wrongMagic
        }
        let declared = Int(datagram[Self.magic.count]) << 8 | Int(datagram[Self.magic.count + 1])
        let actual = datagram.count - Self.headerSize - Self.tagSize
        guard declared == actual else {
            throw .badLength("header declares a \(declared)-byte address but \(actual) bytes precede the tag")
        }
        let signed = Array(datagram[..<(datagram.count - Self.tagSize)])
        let tag = Array(datagram[(datagram.count - Self.tagSize)...])
        guard NaCl.verifyAuthentication(tag, message: signed, key: networkKey) else {
            throw .wrongNetwork
        }
        // Authenticated but unreadable means a peer of our own network is broken,
        // which is worth telling apart from foreign traffic.
        let addressBytes = signed[Self.headerSize...]
        let text = String(decoding: addressBytes, as: UTF8.self)
        // Decoding replaces invalid sequences, so a changed byte count reveals them.
        guard text.utf8.elementsEqual(addressBytes) else {
            throw .malformedAddress("address is not valid UTF-8")
        }
        do {
            self.address = try MultiserverAddress(parsing: text)
        } catch {
            throw .malformedAddress(error.description)
        }
    }
}

/// Why a datagram on the discovery port was not accepted as an announcement.
///
/// Most of these are expected on a shared LAN (other networks, other programs)
/// and are logged at debug level, not treated as faults.
public struct LANAnnouncementError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The refusal, comparable across reasons.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Larger than ``LANAnnouncement/maxDatagramSize``.
        public static let oversize = Kind("oversize")
        /// Too short, or the length field disagrees with the datagram's size.
        public static let badLength = Kind("badLength")
        /// Does not start with ``LANAnnouncement/magic``: not an announcement of ours.
        public static let wrongMagic = Kind("wrongMagic")
        /// The tag does not verify: another network's key, or tampering.
        public static let wrongNetwork = Kind("wrongNetwork")
        /// Authenticated, but the address does not parse.
        public static let malformedAddress = Kind("malformedAddress")
    }

    /// The refusal.
    public let kind: Kind
    /// A human-readable explanation, suitable for logs.
    public let reason: String

    private init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "not a valid LAN announcement: \(reason)" }

    static func oversize(_ size: Int) -> LANAnnouncementError {
        LANAnnouncementError(.oversize, "\(size) bytes exceeds the \(LANAnnouncement.maxDatagramSize)-byte maximum")
    }

    static func badLength(_ detail: String) -> LANAnnouncementError {
        LANAnnouncementError(.badLength, detail)
    }

    static let wrongMagic = LANAnnouncementError(.wrongMagic, "does not start with \"vf-lan1\"")

    static let wrongNetwork = LANAnnouncementError(
        .wrongNetwork, "tag does not verify: sent with another network key, or altered in transit"
    )

    static func malformedAddress(_ detail: String) -> LANAnnouncementError {
        LANAnnouncementError(.malformedAddress, "authenticated but malformed address: \(detail)")
    }
}
