/// The secret key and starting nonce of one direction of a box stream.
public struct BoxStreamParameters: Sendable, Hashable {
    /// The 32-byte secretbox key.
    public let key: [UInt8]
    /// The 24-byte nonce of the first header; it counts up from here.
    public let nonce: [UInt8]

    /// Wraps a key and starting nonce of the right sizes.
    public init(key: [UInt8], nonce: [UInt8]) {
        precondition(key.count == 32, "box stream keys are 32 bytes")
        precondition(nonce.count == 24, "box stream nonces are 24 bytes")
        self.key = key
        self.nonce = nonce
    }
}
