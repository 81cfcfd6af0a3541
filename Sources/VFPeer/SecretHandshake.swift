/// The cryptography of the Secret Handshake, one function per step, as pure
/// functions of bytes. `HandshakeStateMachine` sequences them; the test
/// vectors of the reference implementation check them one by one.
///
/// Names follow the protocol guide: `ab` is the secret of the two ephemeral
/// keys, `aB` of the client's ephemeral and the server's long-term key, `Ab`
/// of the client's long-term and the server's ephemeral key.
public enum SecretHandshake {
    /// Size of messages 1 and 2 (hello): HMAC followed by an ephemeral key.
    public static let challengeLength = 64
    /// Size of message 3 (client authenticate).
    public static let clientAuthLength = 112
    /// Size of message 4 (server accept).
    public static let serverAcceptLength = 80
    /// Size of a network key.
    public static let networkKeyLength = 32

    /// Message 3 and 4 boxes use a zero nonce: each key boxes exactly one message.
    private static let zeroNonce = [UInt8](repeating: 0, count: 24)
    private static let helloLength = 96

    /// What a verified hello (message 1 or 2) yields.
    public struct VerifiedChallenge: Sendable, Hashable {
        /// The other side's ephemeral Curve25519 public key.
        public let remoteEphemeralPublicKey: [UInt8]
        /// The HMAC the other side sent; its first 24 bytes start their box stream nonce.
        public let remoteMAC: [UInt8]
        /// `ab`, the shared secret of both ephemeral keys.
        public let ephemeralShared: [UInt8]
        /// `sha256(ab)`, which both signatures cover.
        public let ephemeralSharedHash: [UInt8]
    }

    /// What the client produces for message 3.
    public struct ClientAuth: Sendable, Hashable {
        /// The client's signature followed by its public key: the plaintext of message 3,
        /// which the server's signature in message 4 covers.
        public let hello: [UInt8]
        /// `aB`.
        public let serverLongTermShared: [UInt8]
        /// `sha256(N ‖ ab ‖ aB)`, the key of the message 3 box.
        public let authKey: [UInt8]
        /// Message 3 itself, 112 bytes.
        public let message: [UInt8]
    }

    /// What the server learns from a valid message 3.
    public struct VerifiedAuth: Sendable, Hashable {
        /// The client's long-term Ed25519 public key, proven by its signature.
        public let clientPublicKey: [UInt8]
        /// The opened plaintext of message 3 (signature ‖ client public key).
        public let hello: [UInt8]
        /// `aB`.
        public let serverLongTermShared: [UInt8]
        /// `sha256(N ‖ ab ‖ aB)`.
        public let authKey: [UInt8]
        /// `Ab`.
        public let clientLongTermShared: [UInt8]
        /// `sha256(N ‖ ab ‖ aB ‖ Ab)`, the key of the message 4 box and root of the session keys.
        public let acceptKey: [UInt8]
    }

    /// What the client learns from a valid message 4.
    public struct VerifiedAccept: Sendable, Hashable {
        /// `Ab`.
        public let clientLongTermShared: [UInt8]
        /// `sha256(N ‖ ab ‖ aB ‖ Ab)`.
        public let acceptKey: [UInt8]
    }

    // MARK: Messages 1 and 2

    /// Builds a hello: `hmac(N, ephemeral_pk) ‖ ephemeral_pk`.
    public static func createChallenge(networkKey: [UInt8], ephemeralPublicKey: [UInt8]) -> [UInt8] {
        precondition(ephemeralPublicKey.count == 32, "ephemeral public keys are 32 bytes")
        return NaCl.authenticate(ephemeralPublicKey, key: networkKey) + ephemeralPublicKey
    }

    /// Checks a hello sent by `sender` and derives `ab` with our ephemeral secret key.
    public static func verifyChallenge(
        _ challenge: [UInt8],
        from sender: HandshakeRole,
        networkKey: [UInt8],
        localEphemeralSecretKey: [UInt8]
    ) throws(HandshakeError) -> VerifiedChallenge {
        guard challenge.count == challengeLength else {
            throw .wrongLength(of: "\(sender) hello", expected: challengeLength, got: challenge.count)
        }
        let mac = Array(challenge[0..<32])
        let remoteEphemeral = Array(challenge[32..<64])
        guard NaCl.verifyAuthentication(mac, message: remoteEphemeral, key: networkKey) else {
            throw .helloMACMismatch(from: sender)
        }
        guard let ab = NaCl.scalarMultiply(
            secretKey: localEphemeralSecretKey, publicKey: remoteEphemeral
        ) else {
            throw .weakEphemeralKey(from: sender)
        }
        return VerifiedChallenge(
            remoteEphemeralPublicKey: remoteEphemeral,
            remoteMAC: mac,
            ephemeralShared: ab,
            ephemeralSharedHash: NaCl.sha256(ab)
        )
    }

    // MARK: Message 3

    /// Client side: signs `N ‖ server_pk ‖ sha256(ab)` and boxes the signature
    /// with our public key under `sha256(N ‖ ab ‖ aB)`.
    public static func clientCreateAuth(
        networkKey: [UInt8],
        identity: SigningKeyPair,
        serverPublicKey: [UInt8],
        localEphemeralSecretKey: [UInt8],
        ephemeralShared ab: [UInt8]
    ) throws(HandshakeError) -> ClientAuth {
        guard let serverCurve = NaCl.curve25519PublicKey(fromEd25519: serverPublicKey),
              let aB = NaCl.scalarMultiply(secretKey: localEphemeralSecretKey, publicKey: serverCurve)
        else {
            throw .invalidLongTermKey(of: .server)
        }
        let signature = NaCl.signDetached(
            networkKey + serverPublicKey + NaCl.sha256(ab), secretKey: identity.secretKey
        )
        let hello = signature + identity.publicKey
        let authKey = NaCl.sha256(networkKey, ab, aB)
        let message = NaCl.seal(hello, nonce: zeroNonce, key: authKey)
        return ClientAuth(hello: hello, serverLongTermShared: aB, authKey: authKey, message: message)
    }

    /// Server side: opens message 3, checks the client's signature and derives
    /// `Ab` and the accept key.
    public static func serverVerifyAuth(
        _ message: [UInt8],
        networkKey: [UInt8],
        identity: SigningKeyPair,
        localEphemeralSecretKey: [UInt8],
        remoteEphemeralPublicKey: [UInt8],
        ephemeralShared ab: [UInt8]
    ) throws(HandshakeError) -> VerifiedAuth {
        guard message.count == clientAuthLength else {
            throw .wrongLength(of: "client authenticate", expected: clientAuthLength, got: message.count)
        }
        var longTermCurve = NaCl.curve25519SecretKey(fromEd25519: identity.secretKey)
        defer { NaCl.wipe(&longTermCurve) }
        guard let aB = NaCl.scalarMultiply(secretKey: longTermCurve, publicKey: remoteEphemeralPublicKey)
        else {
            throw .weakEphemeralKey(from: .client)
        }
        let authKey = NaCl.sha256(networkKey, ab, aB)
        guard let hello = NaCl.open(message, nonce: zeroNonce, key: authKey),
              hello.count == helloLength else {
            throw .clientAuthUnreadable
        }
        let signature = Array(hello[0..<64])
        let clientPublicKey = Array(hello[64..<96])
        let signed = networkKey + identity.publicKey + NaCl.sha256(ab)
        guard NaCl.verifyDetached(signature, message: signed, publicKey: clientPublicKey) else {
            throw .clientAuthSignatureInvalid
        }
        guard let clientCurve = NaCl.curve25519PublicKey(fromEd25519: clientPublicKey),
              let Ab = NaCl.scalarMultiply(secretKey: localEphemeralSecretKey, publicKey: clientCurve)
        else {
            throw .invalidLongTermKey(of: .client)
        }
        return VerifiedAuth(
            clientPublicKey: clientPublicKey,
            hello: hello,
            serverLongTermShared: aB,
            authKey: authKey,
            clientLongTermShared: Ab,
            acceptKey: NaCl.sha256(networkKey, ab, aB, Ab)
        )
    }

    // MARK: Message 4

    /// Server side: signs `N ‖ client hello ‖ sha256(ab)` and boxes the signature
    /// under the accept key.
    public static func serverCreateAccept(
        networkKey: [UInt8],
        identity: SigningKeyPair,
        clientHello: [UInt8],
        ephemeralShared ab: [UInt8],
        acceptKey: [UInt8]
    ) -> [UInt8] {
        let signature = NaCl.signDetached(
            networkKey + clientHello + NaCl.sha256(ab), secretKey: identity.secretKey
        )
        return NaCl.seal(signature, nonce: zeroNonce, key: acceptKey)
    }

    /// Client side: derives `Ab`, opens message 4 and checks that the server we
    /// dialled signed our hello.
    public static func clientVerifyAccept(
        _ message: [UInt8],
        networkKey: [UInt8],
        identity: SigningKeyPair,
        serverPublicKey: [UInt8],
        remoteEphemeralPublicKey: [UInt8],
        ephemeralShared ab: [UInt8],
        serverLongTermShared aB: [UInt8],
        clientHello: [UInt8]
    ) throws(HandshakeError) -> VerifiedAccept {
        guard message.count == serverAcceptLength else {
            throw .wrongLength(of: "server accept", expected: serverAcceptLength, got: message.count)
        }
        var longTermCurve = NaCl.curve25519SecretKey(fromEd25519: identity.secretKey)
        defer { NaCl.wipe(&longTermCurve) }
        guard let Ab = NaCl.scalarMultiply(secretKey: longTermCurve, publicKey: remoteEphemeralPublicKey)
        else {
            throw .weakEphemeralKey(from: .server)
        }
        let acceptKey = NaCl.sha256(networkKey, ab, aB, Ab)
        guard let signature = NaCl.open(message, nonce: zeroNonce, key: acceptKey) else {
            throw .serverAcceptUnreadable
        }
        let signed = networkKey + clientHello + NaCl.sha256(ab)
        guard NaCl.verifyDetached(signature, message: signed, publicKey: serverPublicKey) else {
            throw .serverAcceptSignatureInvalid
        }
        return VerifiedAccept(clientLongTermShared: Ab, acceptKey: acceptKey)
    }

    // MARK: Session keys

    /// The box stream parameters both sides derive after a successful handshake
    /// (the reference implementation's `clean`).
    ///
    /// We send with `sha256(sha256(acceptKey) ‖ remote_pk)` starting at the nonce
    /// `hmac(N, remote_ephemeral_pk)[0..<24]`, and receive with the same built
    /// from our own keys, so each side's sending stream is the other's receiving one.
    public static func sessionKeys(
        networkKey: [UInt8],
        acceptKey: [UInt8],
        localPublicKey: [UInt8],
        remotePublicKey: [UInt8],
        localEphemeralPublicKey: [UInt8],
        remoteEphemeralPublicKey: [UInt8]
    ) -> HandshakeResult {
        var sessionSecret = NaCl.sha256(acceptKey)
        defer { NaCl.wipe(&sessionSecret) }
        let sendNonce = NaCl.authenticate(remoteEphemeralPublicKey, key: networkKey)
        let receiveNonce = NaCl.authenticate(localEphemeralPublicKey, key: networkKey)
        return HandshakeResult(
            remotePublicKey: remotePublicKey,
            sending: BoxStreamParameters(
                key: NaCl.sha256(sessionSecret, remotePublicKey),
                nonce: Array(sendNonce[0..<24])
            ),
            receiving: BoxStreamParameters(
                key: NaCl.sha256(sessionSecret, localPublicKey),
                nonce: Array(receiveNonce[0..<24])
            )
        )
    }
}
