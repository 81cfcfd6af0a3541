/// One side of a Secret Handshake, as a value that consumes bytes and returns
/// what to do next. It never touches a socket: the caller writes what `.send`
/// asks for, closes the connection on `.failed`, and switches to box streams
/// on `.completed`.
///
/// Bytes may arrive in chunks of any size. The machine buffers at most the
/// rest of the message it is waiting for (64, 112 or 80 bytes).
///
/// After `.failed` the machine emits nothing ever again, so a peer that fails
/// a step never receives another byte from us.
public struct HandshakeStateMachine: Sendable {
    /// Something the caller must do.
    public enum Action: Sendable, Hashable {
        /// Write these bytes to the peer.
        case send([UInt8])
        /// The handshake succeeded; start box streams with these parameters.
        case completed(HandshakeResult)
        /// Bytes that arrived after the final handshake message. They belong to
        /// the box stream and should be fed to a `BoxStreamReader`.
        case boxStreamBytes([UInt8])
        /// The handshake failed; close the connection without writing anything more.
        case failed(HandshakeError)
    }

    private enum State: Sendable {
        case clientIdle(EphemeralKeyPair)
        case clientAwaitingServerHello(EphemeralKeyPair)
        case clientAwaitingAccept(ClientAwaitingAccept)
        case serverAwaitingClientHello(EphemeralKeyPair)
        case serverAwaitingAuth(ServerAwaitingAuth)
        case completed
        case failed
    }

    /// What the client holds between sending message 3 and reading message 4.
    private struct ClientAwaitingAccept: Sendable {
        var ephemeral: EphemeralKeyPair
        var challenge: SecretHandshake.VerifiedChallenge
        var auth: SecretHandshake.ClientAuth
    }

    /// What the server holds between sending message 2 and reading message 3.
    private struct ServerAwaitingAuth: Sendable {
        var ephemeral: EphemeralKeyPair
        var challenge: SecretHandshake.VerifiedChallenge
    }

    /// Which side of the handshake this machine plays.
    public let role: HandshakeRole
    private let networkKey: [UInt8]
    private let identity: SigningKeyPair
    private let serverPublicKey: [UInt8]
    private var state: State
    private var buffer: [UInt8] = []

    private init(
        role: HandshakeRole,
        networkKey: [UInt8],
        identity: SigningKeyPair,
        serverPublicKey: [UInt8],
        initialState: State
    ) {
        precondition(
            networkKey.count == SecretHandshake.networkKeyLength, "network keys are 32 bytes"
        )
        self.role = role
        self.networkKey = networkKey
        self.identity = identity
        self.serverPublicKey = serverPublicKey
        self.state = initialState
    }

    /// A machine for the peer that opened the connection.
    ///
    /// - Parameters:
    ///   - networkKey: the 32-byte key of the network both peers must share.
    ///   - identity: our long-term key pair.
    ///   - serverPublicKey: the long-term key of the peer we dialled; the
    ///     handshake fails unless the server proves it holds the matching secret.
    ///   - ephemeral: injected only by tests; normally generated here.
    public static func client(
        networkKey: [UInt8],
        identity: SigningKeyPair,
        serverPublicKey: [UInt8],
        ephemeral: EphemeralKeyPair? = nil
    ) -> HandshakeStateMachine {
        precondition(serverPublicKey.count == 32, "Ed25519 public keys are 32 bytes")
        return HandshakeStateMachine(
            role: .client,
            networkKey: networkKey,
            identity: identity,
            serverPublicKey: serverPublicKey,
            initialState: .clientIdle(ephemeral ?? .generate())
        )
    }

    /// A machine for the peer that accepted the connection. It is ready to
    /// read the client hello at once; `start()` is accepted but does nothing.
    ///
    /// - Parameters:
    ///   - networkKey: the 32-byte key of the network both peers must share.
    ///   - identity: our long-term key pair, which the client must have dialled.
    ///   - ephemeral: injected only by tests; normally generated here.
    public static func server(
        networkKey: [UInt8],
        identity: SigningKeyPair,
        ephemeral: EphemeralKeyPair? = nil
    ) -> HandshakeStateMachine {
        HandshakeStateMachine(
            role: .server,
            networkKey: networkKey,
            identity: identity,
            serverPublicKey: identity.publicKey,
            initialState: .serverAwaitingClientHello(ephemeral ?? .generate())
        )
    }

    /// How many more bytes complete the message being awaited; zero when the
    /// machine awaits nothing (not started, completed or failed).
    public var bytesNeeded: Int {
        switch state {
        case .clientAwaitingServerHello, .serverAwaitingClientHello:
            return SecretHandshake.challengeLength - buffer.count
        case .serverAwaitingAuth:
            return SecretHandshake.clientAuthLength - buffer.count
        case .clientAwaitingAccept:
            return SecretHandshake.serverAcceptLength - buffer.count
        case .clientIdle, .completed, .failed:
            return 0
        }
    }

    /// True once the machine has completed or failed.
    public var isFinished: Bool {
        switch state {
        case .completed, .failed: return true
        default: return false
        }
    }

    /// Begins the handshake. The client sends its hello; for the server, and
    /// for a machine already started, this does nothing.
    public mutating func start() -> [Action] {
        guard case .clientIdle(let ephemeral) = state else { return [] }
        state = .clientAwaitingServerHello(ephemeral)
        return [.send(SecretHandshake.createChallenge(
            networkKey: networkKey, ephemeralPublicKey: ephemeral.publicKey
        ))]
    }

    /// Feeds bytes read from the peer, in whatever chunks they arrived.
    public mutating func receive<Bytes: Collection>(_ bytes: Bytes) -> [Action]
    where Bytes.Element == UInt8 {
        var actions: [Action] = []
        var input = bytes[...]
        while !input.isEmpty {
            switch state {
            case .failed:
                return actions
            case .completed:
                actions.append(.boxStreamBytes(Array(input)))
                return actions
            case .clientIdle:
                // The server speaks only in answer to our hello.
                actions.append(fail(.unexpectedBytes("server sent data before the client hello")))
                return actions
            default:
                let taken = input.prefix(bytesNeeded)
                buffer.append(contentsOf: taken)
                input = input[taken.endIndex...]
                if bytesNeeded == 0 {
                    let message = buffer
                    buffer.removeAll(keepingCapacity: true)
                    actions.append(contentsOf: process(message))
                }
            }
        }
        return actions
    }

    /// Tells the machine the peer closed the connection. Before completion
    /// that is a failure; it explains, for the log, which message never came.
    public mutating func peerClosed() -> [Action] {
        let situation: String
        switch state {
        case .completed, .failed:
            return []
        case .clientIdle:
            situation = "before the handshake started"
        case .clientAwaitingServerHello:
            situation = "while awaiting the server hello (wrong network key?)"
        case .clientAwaitingAccept:
            situation = "while awaiting the server accept (server key mismatch, or the server refused us)"
        case .serverAwaitingClientHello:
            situation = "while awaiting the client hello"
        case .serverAwaitingAuth:
            situation = "while awaiting the client authenticate"
        }
        return [fail(.connectionClosed(situation))]
    }

    private mutating func process(_ message: [UInt8]) -> [Action] {
        do {
            switch state {
            case .clientAwaitingServerHello(let ephemeral):
                return try clientReceivedServerHello(message, ephemeral: ephemeral)
            case .clientAwaitingAccept(let awaiting):
                return try clientReceivedAccept(message, awaiting: awaiting)
            case .serverAwaitingClientHello(let ephemeral):
                return try serverReceivedClientHello(message, ephemeral: ephemeral)
            case .serverAwaitingAuth(let awaiting):
                return try serverReceivedAuth(message, awaiting: awaiting)
            case .clientIdle, .completed, .failed:
                preconditionFailure("process called with no message awaited")
            }
        } catch {
            return [fail(error)]
        }
    }

    private mutating func clientReceivedServerHello(
        _ message: [UInt8], ephemeral: EphemeralKeyPair
    ) throws(HandshakeError) -> [Action] {
        let challenge = try SecretHandshake.verifyChallenge(
            message, from: .server, networkKey: networkKey, localEphemeralSecretKey: ephemeral.secretKey
        )
        let auth = try SecretHandshake.clientCreateAuth(
            networkKey: networkKey,
            identity: identity,
            serverPublicKey: serverPublicKey,
            localEphemeralSecretKey: ephemeral.secretKey,
            ephemeralShared: challenge.ephemeralShared
        )
        state = .clientAwaitingAccept(
            ClientAwaitingAccept(ephemeral: ephemeral, challenge: challenge, auth: auth)
        )
        return [.send(auth.message)]
    }

    private mutating func clientReceivedAccept(
        _ message: [UInt8], awaiting: ClientAwaitingAccept
    ) throws(HandshakeError) -> [Action] {
        let accept = try SecretHandshake.clientVerifyAccept(
            message,
            networkKey: networkKey,
            identity: identity,
            serverPublicKey: serverPublicKey,
            remoteEphemeralPublicKey: awaiting.challenge.remoteEphemeralPublicKey,
            ephemeralShared: awaiting.challenge.ephemeralShared,
            serverLongTermShared: awaiting.auth.serverLongTermShared,
            clientHello: awaiting.auth.hello
        )
        let result = SecretHandshake.sessionKeys(
            networkKey: networkKey,
            acceptKey: accept.acceptKey,
            localPublicKey: identity.publicKey,
            remotePublicKey: serverPublicKey,
            localEphemeralPublicKey: awaiting.ephemeral.publicKey,
            remoteEphemeralPublicKey: awaiting.challenge.remoteEphemeralPublicKey
        )
        state = .completed
        return [.completed(result)]
    }

    private mutating func serverReceivedClientHello(
        _ message: [UInt8], ephemeral: EphemeralKeyPair
    ) throws(HandshakeError) -> [Action] {
        let challenge = try SecretHandshake.verifyChallenge(
            message, from: .client, networkKey: networkKey, localEphemeralSecretKey: ephemeral.secretKey
        )
        state = .serverAwaitingAuth(ServerAwaitingAuth(ephemeral: ephemeral, challenge: challenge))
        return [.send(SecretHandshake.createChallenge(
            networkKey: networkKey, ephemeralPublicKey: ephemeral.publicKey
        ))]
    }

    private mutating func serverReceivedAuth(
        _ message: [UInt8], awaiting: ServerAwaitingAuth
    ) throws(HandshakeError) -> [Action] {
        let auth = try SecretHandshake.serverVerifyAuth(
            message,
            networkKey: networkKey,
            identity: identity,
            localEphemeralSecretKey: awaiting.ephemeral.secretKey,
            remoteEphemeralPublicKey: awaiting.challenge.remoteEphemeralPublicKey,
            ephemeralShared: awaiting.challenge.ephemeralShared
        )
        let accept = SecretHandshake.serverCreateAccept(
            networkKey: networkKey,
            identity: identity,
            clientHello: auth.hello,
            ephemeralShared: awaiting.challenge.ephemeralShared,
            acceptKey: auth.acceptKey
        )
        let result = SecretHandshake.sessionKeys(
            networkKey: networkKey,
            acceptKey: auth.acceptKey,
            localPublicKey: identity.publicKey,
            remotePublicKey: auth.clientPublicKey,
            localEphemeralPublicKey: awaiting.ephemeral.publicKey,
            remoteEphemeralPublicKey: awaiting.challenge.remoteEphemeralPublicKey
        )
        state = .completed
        return [.send(accept), .completed(result)]
    }

    /// Drops every secret the state held and refuses all further input.
    private mutating func fail(_ error: HandshakeError) -> Action {
        state = .failed
        NaCl.wipe(&buffer)
        buffer = []
        return .failed(error)
    }
}
