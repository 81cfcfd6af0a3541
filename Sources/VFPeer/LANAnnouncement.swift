import CSodium

/// The UDP datagram a node broadcasts on its local networks to say where it
/// listens, readable only by nodes that hold the same network key.
///
/// Wire format (all lengths in bytes):
///
/// ```
/// magic "vf-lan2" (7) ‖ nonce (24) ‖ secretbox(address UTF-8, nonce, K)   (16-byte tag ‖ ciphertext)
/// K = BLAKE2b-256(key: network key, message: "vf lan announcement key")
/// ```
///
/// The address is a ``MultiserverAddress`` in its text form. A datagram is at
/// most ``maxDatagramSize`` bytes; the longest valid address makes about 380.
///
/// Encrypted, not only authenticated: a listener without the network key learns
/// neither the node's address nor its public key, only that a datagram was sent.
/// The box's tag also proves the sender knows the key, so nodes of other networks
/// (and stray traffic on the port) are ignored before anyone dials. Replaying a
/// captured announcement is harmless: it says *where* a node is, and the Secret
/// Handshake on the resulting connection proves *who* it is.
///
/// The box key is derived from the network key rather than being it, so this use
/// never shares a key with the Secret Handshake's HMACs.
public struct LANAnnouncement: Hashable, Sendable {
    /// Marks the datagram as ours and versions the format.
    public static let magic: [UInt8] = Array("vf-lan2".utf8)
    /// The largest datagram accepted or produced.
    public static let maxDatagramSize = 512

    private static let nonceSize = Int(crypto_secretbox_NONCEBYTES)
    private static let tagSize = Int(crypto_secretbox_MACBYTES)
    private static let headerSize = magic.count + nonceSize
    private static let minimumSize = headerSize + tagSize + 1

    /// Where the announcing node accepts connections, and its identity.
    public let address: MultiserverAddress

    public init(address: MultiserverAddress) {
        self.address = address
    }

    /// The secretbox key for announcements on the network of `networkKey`.
    static func boxKey(networkKey: [UInt8]) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: 32)
        let label = Array("vf lan announcement key".utf8)
        crypto_generichash(&key, 32, label, UInt64(label.count), networkKey, networkKey.count)
        return key
    }

    /// The datagram announcing ``address`` on the network of `networkKey` (32 bytes),
    /// with a fresh random nonce.
    public func encoded(networkKey: [UInt8]) -> [UInt8] {
        precondition(networkKey.count == SecretHandshake.networkKeyLength, "network keys are 32 bytes")
        let text = Array(address.description.utf8)
        // MultiserverAddress bounds its host at 253 characters, so this always fits.
        precondition(Self.headerSize + Self.tagSize + text.count <= Self.maxDatagramSize)
        let nonce = NaCl.randomBytes(Self.nonceSize)
        return Self.magic + nonce + NaCl.seal(text, nonce: nonce, key: Self.boxKey(networkKey: networkKey))
    }

    /// Reads a datagram, refusing anything not made by a holder of `networkKey`
    /// (32 bytes) or not carrying a well-formed address.
    public init(decoding datagram: [UInt8], networkKey: [UInt8]) throws(LANAnnouncementError) {
        precondition(networkKey.count == SecretHandshake.networkKeyLength, "network keys are 32 bytes")
        guard datagram.count <= Self.maxDatagramSize else {
            throw .oversize(datagram.count)
        }
        guard datagram.count >= Self.minimumSize else {
            throw .badLength("\(datagram.count) bytes is shorter than the \(Self.minimumSize)-byte minimum")
        }
        guard datagram.starts(with: Self.magic) else {
            throw .wrongMagic
        }
        let nonce = Array(datagram[Self.magic.count..<Self.headerSize])
        guard let addressBytes = NaCl.open(Array(datagram[Self.headerSize...]), nonce: nonce,
                                           key: Self.boxKey(networkKey: networkKey)) else {
            throw .wrongNetwork
        }
        // Readable with our key but not an address means a peer of our own network is
        // broken, which is worth telling apart from foreign traffic.
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

    static let wrongMagic = LANAnnouncementError(.wrongMagic, "does not start with \"vf-lan2\"")

    static let wrongNetwork = LANAnnouncementError(
        .wrongNetwork, "tag does not verify: sent with another network key, or altered in transit"
    )

    static func malformedAddress(_ detail: String) -> LANAnnouncementError {
        LANAnnouncementError(.malformedAddress, "authenticated but malformed address: \(detail)")
    }
}
