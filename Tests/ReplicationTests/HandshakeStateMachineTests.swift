import VFPeer
import VFTestSupport
import XCTest

/// Drives two `HandshakeStateMachine`s against each other through an
/// imaginary wire that fragments, tampers or hangs up.
final class HandshakeStateMachineTests: XCTestCase {
    private let networkKey = [UInt8](fixtureHex: "d4a1cb88a66f02f8db635ce26441cc5dac1b08420ceaac230839b755845a9ffb")
    private let otherNetworkKey = [UInt8](repeating: 0x42, count: 32)
    private let clientIdentity = SigningKeyPair(seed: [UInt8](repeating: 1, count: 32))
    private let serverIdentity = SigningKeyPair(seed: [UInt8](repeating: 2, count: 32))
    private let strangerIdentity = SigningKeyPair(seed: [UInt8](repeating: 3, count: 32))

    // MARK: Successful handshakes

    func testOneByteChunksCompleteWithMatchingKeysAndAConversation() throws {
        var run = makeRun()
        run.chunkSize = { 1 }
        try assertSuccessfulConversation(&run)
    }

    func testRandomChunksCompleteWithMatchingKeysAndAConversation() throws {
        for seed in UInt64(1)...20 {
            var generator = SplitMix64(seed: seed)
            var run = makeRun(ephemeralSeeds: (UInt8(seed), UInt8(seed) &+ 100))
            run.chunkSize = { Int.random(in: 1...150, using: &generator) }
            try assertSuccessfulConversation(&run, label: "seed \(seed)")
        }
    }

    func testMachineAsksOnlyForTheRestOfTheCurrentMessage() {
        var server = HandshakeStateMachine.server(networkKey: networkKey, identity: serverIdentity)
        XCTAssertEqual(server.bytesNeeded, 64)
        var client = HandshakeStateMachine.client(
            networkKey: networkKey, identity: clientIdentity, serverPublicKey: serverIdentity.publicKey
        )
        XCTAssertEqual(client.bytesNeeded, 0, "client awaits nothing before start")
        guard case .send(let hello)? = client.start().first else { return XCTFail("no client hello") }
        XCTAssertEqual(client.bytesNeeded, 64)
        XCTAssertEqual(server.receive(hello[0..<10]), [])
        XCTAssertEqual(server.bytesNeeded, 54)
        guard case .send(let serverHello)? = server.receive(hello[10...]).first else {
            return XCTFail("no server hello")
        }
        XCTAssertEqual(server.bytesNeeded, 112)
        guard case .send(let auth)? = client.receive(serverHello).first else {
            return XCTFail("no client authenticate")
        }
        XCTAssertEqual(client.bytesNeeded, 80)
        _ = server.receive(auth[0..<100])
        XCTAssertEqual(server.bytesNeeded, 12)
    }

    func testBytesAfterTheLastMessageArePassedOnForTheBoxStream() throws {
        var client = HandshakeStateMachine.client(
            networkKey: networkKey, identity: clientIdentity, serverPublicKey: serverIdentity.publicKey
        )
        var server = HandshakeStateMachine.server(networkKey: networkKey, identity: serverIdentity)
        let hello = try XCTUnwrap(sent(client.start()).first)
        let serverHello = try XCTUnwrap(sent(server.receive(hello)).first)
        let auth = try XCTUnwrap(sent(client.receive(serverHello)).first)
        let serverActions = server.receive(auth)
        let accept = try XCTUnwrap(sent(serverActions).first)
        let serverResult = try XCTUnwrap(completion(serverActions))

        var writer = BoxStreamWriter(serverResult.sending)
        let early = writer.seal(Array("hello early".utf8))
        let clientActions = client.receive(accept + early)
        XCTAssertEqual(clientActions.count, 2)
        let clientResult = try XCTUnwrap(completion(clientActions))
        guard case .boxStreamBytes(let rest)? = clientActions.last else {
            return XCTFail("trailing bytes were not handed on: \(clientActions)")
        }
        var reader = BoxStreamReader(clientResult.receiving)
        XCTAssertEqual(reader.receive(rest), [.message(Array("hello early".utf8))])
    }

    // MARK: Failures

    func testWrongNetworkKeyFailsAtClientHelloAndServerSendsNothing() throws {
        var client = HandshakeStateMachine.client(
            networkKey: otherNetworkKey, identity: clientIdentity, serverPublicKey: serverIdentity.publicKey
        )
        var server = HandshakeStateMachine.server(networkKey: networkKey, identity: serverIdentity)
        let hello = try XCTUnwrap(sent(client.start()).first)
        var actions: [HandshakeStateMachine.Action] = []
        for byte in hello { actions += server.receive([byte]) }
        XCTAssertEqual(actions.count, 1)
        let error = try XCTUnwrap(failure(actions))
        XCTAssertEqual(error.kind, .helloMACMismatch)
        XCTAssertEqual(error.reason, "wrong network key: client hello HMAC mismatch")
        XCTAssertTrue(sent(actions).isEmpty)
        XCTAssertTrue(server.isFinished)
        XCTAssertEqual(server.bytesNeeded, 0)
        XCTAssertEqual(server.receive([UInt8](repeating: 0, count: 200)), [], "a failed server stays silent")
        XCTAssertEqual(server.start(), [])
        XCTAssertEqual(server.peerClosed(), [])

        let clientGivesUp = client.peerClosed()
        XCTAssertEqual(try XCTUnwrap(failure(clientGivesUp)).kind, .connectionClosed)
    }

    func testWrongNetworkKeyOnTheServerSideIsCaughtByTheClient() throws {
        // A server that skipped its check would still answer with a hello the client rejects.
        var client = HandshakeStateMachine.client(
            networkKey: networkKey, identity: clientIdentity, serverPublicKey: serverIdentity.publicKey
        )
        let ephemeral = EphemeralKeyPair(seed: [UInt8](repeating: 9, count: 32))
        let foreignHello = SecretHandshake.createChallenge(
            networkKey: otherNetworkKey, ephemeralPublicKey: ephemeral.publicKey
        )
        _ = client.start()
        let actions = client.receive(foreignHello)
        XCTAssertEqual(try XCTUnwrap(failure(actions)).reason, "wrong network key: server hello HMAC mismatch")
        XCTAssertTrue(sent(actions).isEmpty)
    }

    func testClientExpectingADifferentServerKeyFails() throws {
        var run = makeRun(serverKeyExpectedByClient: strangerIdentity.publicKey)
        run.chunkSize = { 7 }
        let outcome = run.pump()
        let serverError = try XCTUnwrap(outcome.serverFailure, "server accepted a client that dialled someone else")
        XCTAssertEqual(serverError.kind, .clientAuthUnreadable)
        XCTAssertEqual(outcome.serverMessagesSent, 1, "server must not answer message 3")
        XCTAssertNil(outcome.clientResult)
        XCTAssertNil(outcome.serverResult)
        let clientError = try XCTUnwrap(failure(run.client.peerClosed()))
        XCTAssertEqual(clientError.kind, .connectionClosed)
    }

    func testTamperedByteInEachHandshakeMessageFails() throws {
        let expectations: [(message: Int, receiver: HandshakeRole, kind: HandshakeError.Kind)] = [
            (1, .server, .helloMACMismatch),
            (2, .client, .helloMACMismatch),
            (3, .server, .clientAuthUnreadable),
            (4, .client, .serverAcceptUnreadable),
        ]
        for expectation in expectations {
            let length = [0, 64, 64, 112, 80][expectation.message]
            for position in [0, 31, 32, length / 2, length - 1] {
                var run = makeRun()
                run.tamper = (expectation.message, position)
                let outcome = run.pump()
                let label = "message \(expectation.message) byte \(position)"
                let error = expectation.receiver == .server ? outcome.serverFailure : outcome.clientFailure
                XCTAssertEqual(error?.kind, expectation.kind, label)
                XCTAssertNil(outcome.clientResult, label)
                if expectation.receiver == .server {
                    XCTAssertEqual(outcome.serverMessagesSent, expectation.message / 2, "\(label): server spoke after failing")
                } else {
                    XCTAssertEqual(outcome.clientMessagesSent, (expectation.message + 1) / 2, "\(label): client spoke after failing")
                }
            }
        }
    }

    func testForgedClientSignatureIsRejected() throws {
        let (clientEphemeral, serverEphemeral) = ephemerals(5, 6)
        let serverSide = try SecretHandshake.verifyChallenge(
            SecretHandshake.createChallenge(networkKey: networkKey, ephemeralPublicKey: clientEphemeral.publicKey),
            from: .client, networkKey: networkKey, localEphemeralSecretKey: serverEphemeral.secretKey
        )
        // Signed by a stranger while claiming to be the client: the box opens, the signature does not verify.
        let impostor = SigningKeyPair(publicKey: clientIdentity.publicKey, secretKey: strangerIdentity.secretKey)
        let auth = try SecretHandshake.clientCreateAuth(
            networkKey: networkKey, identity: impostor, serverPublicKey: serverIdentity.publicKey,
            localEphemeralSecretKey: clientEphemeral.secretKey, ephemeralShared: serverSide.ephemeralShared
        )
        XCTAssertThrowsError(try SecretHandshake.serverVerifyAuth(
            auth.message, networkKey: networkKey, identity: serverIdentity,
            localEphemeralSecretKey: serverEphemeral.secretKey,
            remoteEphemeralPublicKey: clientEphemeral.publicKey, ephemeralShared: serverSide.ephemeralShared
        )) { error in
            XCTAssertEqual((error as? HandshakeError)?.kind, .clientAuthSignatureInvalid)
        }
    }

    func testServerAcceptSignedByAnotherKeyIsRejected() throws {
        let (clientEphemeral, serverEphemeral) = ephemerals(7, 8)
        let clientSide = try SecretHandshake.verifyChallenge(
            SecretHandshake.createChallenge(networkKey: networkKey, ephemeralPublicKey: serverEphemeral.publicKey),
            from: .server, networkKey: networkKey, localEphemeralSecretKey: clientEphemeral.secretKey
        )
        let auth = try SecretHandshake.clientCreateAuth(
            networkKey: networkKey, identity: clientIdentity, serverPublicKey: serverIdentity.publicKey,
            localEphemeralSecretKey: clientEphemeral.secretKey, ephemeralShared: clientSide.ephemeralShared
        )
        let verified = try SecretHandshake.serverVerifyAuth(
            auth.message, networkKey: networkKey, identity: serverIdentity,
            localEphemeralSecretKey: serverEphemeral.secretKey,
            remoteEphemeralPublicKey: clientEphemeral.publicKey, ephemeralShared: clientSide.ephemeralShared
        )
        let forgedAccept = SecretHandshake.serverCreateAccept(
            networkKey: networkKey, identity: strangerIdentity, clientHello: verified.hello,
            ephemeralShared: clientSide.ephemeralShared, acceptKey: verified.acceptKey
        )
        let verify = { () throws(HandshakeError) in
            _ = try SecretHandshake.clientVerifyAccept(
                forgedAccept, networkKey: self.networkKey, identity: self.clientIdentity,
                serverPublicKey: self.serverIdentity.publicKey,
                remoteEphemeralPublicKey: serverEphemeral.publicKey,
                ephemeralShared: clientSide.ephemeralShared,
                serverLongTermShared: auth.serverLongTermShared, clientHello: auth.hello
            )
        }
        do {
            try verify()
            XCTFail("accepted a server accept signed by the wrong key")
        } catch {
            XCTAssertEqual(error.kind, .serverAcceptSignatureInvalid)
            XCTAssertEqual(error.reason, "server accept signature invalid")
        }
    }

    func testLowOrderEphemeralKeyIsRejected() throws {
        var server = HandshakeStateMachine.server(networkKey: networkKey, identity: serverIdentity)
        let zeroPoint = [UInt8](repeating: 0, count: 32)
        let hello = SecretHandshake.createChallenge(networkKey: networkKey, ephemeralPublicKey: zeroPoint)
        let actions = server.receive(hello)
        XCTAssertEqual(try XCTUnwrap(failure(actions)).kind, .invalidKey)
        XCTAssertTrue(sent(actions).isEmpty)
    }

    func testServerSpeakingFirstFailsTheClient() throws {
        var client = HandshakeStateMachine.client(
            networkKey: networkKey, identity: clientIdentity, serverPublicKey: serverIdentity.publicKey
        )
        let actions = client.receive([1, 2, 3])
        XCTAssertEqual(try XCTUnwrap(failure(actions)).kind, .protocolViolation)
        XCTAssertEqual(client.start(), [], "a failed client never sends its hello")
    }

    // MARK: Harness

    private func ephemerals(_ a: UInt8, _ b: UInt8) -> (EphemeralKeyPair, EphemeralKeyPair) {
        (EphemeralKeyPair(seed: [UInt8](repeating: a, count: 32)),
         EphemeralKeyPair(seed: [UInt8](repeating: b, count: 32)))
    }

    private func makeRun(
        serverKeyExpectedByClient: [UInt8]? = nil, ephemeralSeeds: (UInt8, UInt8)? = nil
    ) -> Run {
        let injected = ephemeralSeeds.map { ephemerals($0.0, $0.1) }
        return Run(
            client: .client(
                networkKey: networkKey, identity: clientIdentity,
                serverPublicKey: serverKeyExpectedByClient ?? serverIdentity.publicKey,
                ephemeral: injected?.0
            ),
            server: .server(networkKey: networkKey, identity: serverIdentity, ephemeral: injected?.1)
        )
    }

    private func assertSuccessfulConversation(_ run: inout Run, label: String = "") throws {
        let outcome = run.pump()
        let clientResult = try XCTUnwrap(outcome.clientResult, "\(label): client did not complete \(outcome)")
        let serverResult = try XCTUnwrap(outcome.serverResult, "\(label): server did not complete \(outcome)")
        XCTAssertEqual(clientResult.remotePublicKey, serverIdentity.publicKey, label)
        XCTAssertEqual(serverResult.remotePublicKey, clientIdentity.publicKey, label)
        XCTAssertEqual(clientResult.sending, serverResult.receiving, label)
        XCTAssertEqual(clientResult.receiving, serverResult.sending, label)
        XCTAssertNotEqual(clientResult.sending.key, clientResult.receiving.key, label)
        XCTAssertNotEqual(clientResult.sending.nonce, clientResult.receiving.nonce, label)

        let messages: [[UInt8]] = [
            Array("ping".utf8), [UInt8](repeating: 7, count: 4096), (0..<10_000).map { UInt8($0 % 251) }, [0],
        ]
        for (from, to) in [(clientResult, serverResult), (serverResult, clientResult)] {
            var writer = BoxStreamWriter(from.sending)
            var reader = BoxStreamReader(to.receiving)
            var wire: [UInt8] = []
            for message in messages { wire += writer.seal(message) }
            wire += writer.goodbye()
            var events: [BoxStreamReader.Event] = []
            for chunk in chunks(of: wire, sizes: run.chunkSize) { events += reader.receive(chunk) }
            let received = events.compactMap { event -> [UInt8]? in
                if case .message(let body) = event { return body } else { return nil }
            }
            XCTAssertEqual(received.joined().map { $0 }, messages.joined().map { $0 }, label)
            XCTAssertTrue(received.allSatisfy { $0.count <= BoxStream.maxBodyLength }, label)
            XCTAssertEqual(events.last, .goodbye, label)
        }
    }
}

/// Two machines and the wire between them.
private struct Run {
    var client: HandshakeStateMachine
    var server: HandshakeStateMachine
    var chunkSize: () -> Int = { 1_000 }
    /// Flip the low bit of byte `position` of handshake message `message` (1...4) in transit.
    var tamper: (message: Int, position: Int)?

    struct Outcome: CustomStringConvertible {
        var clientResult: HandshakeResult?
        var serverResult: HandshakeResult?
        var clientFailure: HandshakeError?
        var serverFailure: HandshakeError?
        var clientMessagesSent = 0
        var serverMessagesSent = 0
        var description: String {
            "client failure: \(clientFailure?.reason ?? "none"), server failure: \(serverFailure?.reason ?? "none")"
        }
    }

    mutating func pump() -> Outcome {
        var outcome = Outcome()
        var toServer: [[UInt8]] = []
        var toClient: [[UInt8]] = []
        var messageNumber = 0
        func transmit(_ message: [UInt8], into queue: inout [[UInt8]], tamper: (message: Int, position: Int)?) {
            messageNumber += 1
            var bytes = message
            if let tamper, tamper.message == messageNumber { bytes[tamper.position] ^= 1 }
            queue += chunks(of: bytes, sizes: chunkSize)
        }
        func absorb(_ actions: [HandshakeStateMachine.Action], fromClient: Bool) {
            for action in actions {
                switch action {
                case .send(let bytes):
                    if fromClient {
                        outcome.clientMessagesSent += 1
                        transmit(bytes, into: &toServer, tamper: tamper)
                    } else {
                        outcome.serverMessagesSent += 1
                        transmit(bytes, into: &toClient, tamper: tamper)
                    }
                case .completed(let result):
                    if fromClient { outcome.clientResult = result } else { outcome.serverResult = result }
                case .failed(let error):
                    if fromClient { outcome.clientFailure = error } else { outcome.serverFailure = error }
                case .boxStreamBytes:
                    break
                }
            }
        }
        absorb(client.start(), fromClient: true)
        while !toServer.isEmpty || !toClient.isEmpty {
            if !toServer.isEmpty { absorb(server.receive(toServer.removeFirst()), fromClient: false) }
            if !toClient.isEmpty { absorb(client.receive(toClient.removeFirst()), fromClient: true) }
        }
        return outcome
    }
}

private func sent(_ actions: [HandshakeStateMachine.Action]) -> [[UInt8]] {
    actions.compactMap { if case .send(let bytes) = $0 { return bytes } else { return nil } }
}

private func completion(_ actions: [HandshakeStateMachine.Action]) -> HandshakeResult? {
    actions.lazy.compactMap { if case .completed(let result) = $0 { return result } else { return nil } }.first
}

private func failure(_ actions: [HandshakeStateMachine.Action]) -> HandshakeError? {
    actions.lazy.compactMap { if case .failed(let error) = $0 { return error } else { return nil } }.first
}
