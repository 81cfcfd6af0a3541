import CSodium
import VFPeer
import XCTest

/// Replays every call recorded from the JavaScript reference implementation
/// (Fixtures/secret-handshake-data.json) against `SecretHandshake`.
final class SecretHandshakeVectorTests: XCTestCase {
    private var items: [[String: Any]] = []

    override func setUpWithError() throws {
        items = try XCTUnwrap(loadFixture("secret-handshake-data") as? [[String: Any]])
    }

    func testEveryReferenceVectorIsReproduced() throws {
        XCTAssertEqual(items.count, 159)
        var replayed: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let name = try XCTUnwrap(item["name"] as? String, "vector \(index) has no name")
            let vector = Vector(index: index, name: name, item: item)
            // One vector's error must not hide the verdict on the others.
            do {
                switch name {
                case "initialize": try checkInitialize(vector)
                case "createChallenge": try checkCreateChallenge(vector)
                case "verifyChallenge": try checkVerifyChallenge(vector)
                case "clientVerifyChallenge": try checkClientVerifyChallenge(vector)
                case "clientCreateAuth": try checkClientCreateAuth(vector)
                case "serverVerifyAuth": try checkServerVerifyAuth(vector)
                case "serverCreateAccept": try checkServerCreateAccept(vector)
                case "clientVerifyAccept": try checkClientVerifyAccept(vector)
                case "clean": try checkClean(vector)
                case "toKeys": try checkToKeys(vector)
                default: XCTFail("vector \(index): unknown function \(name)")
                }
            } catch {
                XCTFail("vector \(index) (\(name)) threw: \(error)")
            }
            replayed[name, default: 0] += 1
        }
        XCTAssertEqual(replayed.values.reduce(0, +), 159)
        XCTAssertEqual(replayed["verifyChallenge"], 30)
        XCTAssertEqual(replayed["clean"], 12)
    }

    // MARK: One check per recorded function

    private func checkInitialize(_ v: Vector) throws {
        let state = try v.state()
        let expected = try v.resultState()
        if state.has("seed") {
            let identity = SigningKeyPair(seed: try state.bytes("seed"))
            v.assertEqual(identity.publicKey, try expected.bytes("local.publicKey"), "local.publicKey")
            v.assertEqual(identity.secretKey, try expected.bytes("local.secretKey"), "local.secretKey")
        }
        let ephemeral = EphemeralKeyPair(seed: try state.bytes("random"))
        v.assertEqual(ephemeral.publicKey, try expected.bytes("local.kx_pk"), "local.kx_pk")
        v.assertEqual(ephemeral.secretKey, try expected.bytes("local.kx_sk"), "local.kx_sk")
        let hello = SecretHandshake.createChallenge(
            networkKey: try state.bytes("app_key"), ephemeralPublicKey: ephemeral.publicKey
        )
        v.assertEqual(Array(hello[0..<32]), try expected.bytes("local.app_mac"), "local.app_mac")
    }

    private func checkCreateChallenge(_ v: Vector) throws {
        let state = try v.state()
        let hello = SecretHandshake.createChallenge(
            networkKey: try state.bytes("app_key"), ephemeralPublicKey: try state.bytes("local.kx_pk")
        )
        v.assertEqual(hello, try v.resultBytes(), "challenge")
    }

    private func checkVerifyChallenge(_ v: Vector) throws {
        let state = try v.state()
        // Only a client knows the remote long-term key, so its presence says who sent the hello.
        let sender: HandshakeRole = state.has("remote.publicKey") ? .server : .client
        let (hello, networkKey, ephemeralSecret) = (
            try v.bytesArgument(1), try state.bytes("app_key"), try state.bytes("local.kx_sk")
        )
        let verify = { () throws(HandshakeError) -> SecretHandshake.VerifiedChallenge in
            try SecretHandshake.verifyChallenge(
                hello, from: sender, networkKey: networkKey, localEphemeralSecretKey: ephemeralSecret
            )
        }
        guard v.expectsSuccess else {
            v.assertFails(kind: .helloMACMismatch, verify)
            return
        }
        let verified = try verify()
        try assertMatches(verified, try v.resultState(), v)
    }

    private func checkClientVerifyChallenge(_ v: Vector) throws {
        let state = try v.state()
        let (hello, networkKey, ephemeralSecret) = (
            try v.bytesArgument(1), try state.bytes("app_key"), try state.bytes("local.kx_sk")
        )
        let verify = { () throws(HandshakeError) -> SecretHandshake.VerifiedChallenge in
            try SecretHandshake.verifyChallenge(
                hello, from: .server, networkKey: networkKey, localEphemeralSecretKey: ephemeralSecret
            )
        }
        guard v.expectsSuccess else {
            v.assertFails(kind: .helloMACMismatch, verify)
            return
        }
        let expected = try v.resultState()
        let verified = try verify()
        try assertMatches(verified, expected, v)
        let auth = try SecretHandshake.clientCreateAuth(
            networkKey: networkKey,
            identity: try state.localIdentity(),
            serverPublicKey: try state.bytes("remote.publicKey"),
            localEphemeralSecretKey: try state.bytes("local.kx_sk"),
            ephemeralShared: verified.ephemeralShared
        )
        v.assertEqual(auth.serverLongTermShared, try expected.bytes("a_bob"), "a_bob")
        v.assertEqual(auth.authKey, try expected.bytes("secret2"), "secret2")
        v.assertEqual(auth.hello, try expected.bytes("local.hello"), "local.hello")
    }

    private func checkClientCreateAuth(_ v: Vector) throws {
        let state = try v.state()
        let auth = try SecretHandshake.clientCreateAuth(
            networkKey: try state.bytes("app_key"),
            identity: try state.localIdentity(),
            serverPublicKey: try state.bytes("remote.publicKey"),
            localEphemeralSecretKey: try state.bytes("local.kx_sk"),
            ephemeralShared: try state.bytes("secret")
        )
        v.assertEqual(auth.message, try v.resultBytes(), "client authenticate")
    }

    private func checkServerVerifyAuth(_ v: Vector) throws {
        let state = try v.state()
        let (message, networkKey, identity) = (
            try v.bytesArgument(1), try state.bytes("app_key"), try state.localIdentity()
        )
        let (ephemeralSecret, remoteEphemeral, ab) = (
            try state.bytes("local.kx_sk"), try state.bytes("remote.kx_pk"), try state.bytes("secret")
        )
        let verify = { () throws(HandshakeError) -> SecretHandshake.VerifiedAuth in
            try SecretHandshake.serverVerifyAuth(
                message, networkKey: networkKey, identity: identity,
                localEphemeralSecretKey: ephemeralSecret, remoteEphemeralPublicKey: remoteEphemeral,
                ephemeralShared: ab
            )
        }
        guard v.expectsSuccess else {
            v.assertFails(kind: .clientAuthUnreadable, verify)
            return
        }
        let expected = try v.resultState()
        let auth = try verify()
        v.assertEqual(auth.clientPublicKey, try expected.bytes("remote.publicKey"), "remote.publicKey")
        v.assertEqual(auth.hello, try expected.bytes("remote.hello"), "remote.hello")
        v.assertEqual(auth.serverLongTermShared, try expected.bytes("a_bob"), "a_bob")
        v.assertEqual(auth.authKey, try expected.bytes("secret2"), "secret2")
        v.assertEqual(auth.clientLongTermShared, try expected.bytes("b_alice"), "b_alice")
        v.assertEqual(auth.acceptKey, try expected.bytes("secret3"), "secret3")
    }

    private func checkServerCreateAccept(_ v: Vector) throws {
        let state = try v.state()
        let accept = SecretHandshake.serverCreateAccept(
            networkKey: try state.bytes("app_key"),
            identity: try state.localIdentity(),
            clientHello: try state.bytes("remote.hello"),
            ephemeralShared: try state.bytes("secret"),
            acceptKey: try state.bytes("secret3")
        )
        v.assertEqual(accept, try v.resultBytes(), "server accept")
    }

    private func checkClientVerifyAccept(_ v: Vector) throws {
        let state = try v.state()
        XCTAssertTrue(v.expectsSuccess, "vector \(v.index): the fixture has no failing clientVerifyAccept")
        let expected = try v.resultState()
        let accept = try SecretHandshake.clientVerifyAccept(
            try v.bytesArgument(1),
            networkKey: try state.bytes("app_key"),
            identity: try state.localIdentity(),
            serverPublicKey: try state.bytes("remote.publicKey"),
            remoteEphemeralPublicKey: try state.bytes("remote.kx_pk"),
            ephemeralShared: try state.bytes("secret"),
            serverLongTermShared: try state.bytes("a_bob"),
            clientHello: try state.bytes("local.hello")
        )
        v.assertEqual(accept.clientLongTermShared, try expected.bytes("b_alice"), "b_alice")
        v.assertEqual(accept.acceptKey, try expected.bytes("secret3"), "secret3")
    }

    private func checkClean(_ v: Vector) throws {
        let state = try v.state()
        let expected = try v.resultState()
        // `clean` replaced secret3 by sha256(secret3) before it was recorded, so
        // take secret3 from the recorded call of the same handshake that still held it.
        let sessionSecret = try state.bytes("secret")
        let acceptKey = try XCTUnwrap(
            secret3(hashingTo: sessionSecret),
            "vector \(v.index) (clean): no recorded secret3 hashes to its session secret"
        )
        let result = SecretHandshake.sessionKeys(
            networkKey: try state.bytes("app_key"),
            acceptKey: acceptKey,
            localPublicKey: try state.bytes("local.publicKey"),
            remotePublicKey: try state.bytes("remote.publicKey"),
            localEphemeralPublicKey: try state.bytes("local.kx_pk"),
            remoteEphemeralPublicKey: try state.bytes("remote.kx_pk")
        )
        v.assertEqual(result.sending.key, try expected.bytes("encryptKey"), "encryptKey")
        v.assertEqual(result.receiving.key, try expected.bytes("decryptKey"), "decryptKey")
        v.assertEqual(
            result.sending.nonce, Array(try expected.bytes("remote.app_mac")[0..<24]), "encrypt nonce"
        )
        v.assertEqual(
            result.receiving.nonce, Array(try expected.bytes("local.app_mac")[0..<24]), "decrypt nonce"
        )
        v.assertEqual(result.remotePublicKey, try expected.bytes("remote.publicKey"), "remote.publicKey")
    }

    private func checkToKeys(_ v: Vector) throws {
        let expected = try v.resultState()
        let keys: SigningKeyPair
        if let seed = v.item["args"].flatMap({ ($0 as? [Any])?.first as? String }) {
            keys = SigningKeyPair(seed: [UInt8](fixtureHex: seed))
        } else {
            let given = try v.state()
            keys = SigningKeyPair(
                publicKey: try given.bytes("publicKey"), secretKey: try given.bytes("secretKey")
            )
        }
        v.assertEqual(keys.publicKey, try expected.bytes("publicKey"), "publicKey")
        v.assertEqual(keys.secretKey, try expected.bytes("secretKey"), "secretKey")
    }

    // MARK: Helpers

    private func assertMatches(
        _ verified: SecretHandshake.VerifiedChallenge, _ expected: VectorState, _ v: Vector
    ) throws {
        v.assertEqual(verified.remoteEphemeralPublicKey, try expected.bytes("remote.kx_pk"), "remote.kx_pk")
        v.assertEqual(verified.remoteMAC, try expected.bytes("remote.app_mac"), "remote.app_mac")
        v.assertEqual(verified.ephemeralShared, try expected.bytes("secret"), "secret")
        v.assertEqual(verified.ephemeralSharedHash, try expected.bytes("shash"), "shash")
    }

    private func secret3(hashingTo digest: [UInt8]) -> [UInt8]? {
        for item in items {
            let states = [(item["args"] as? [Any])?.first, item["result"]].compactMap { $0 as? [String: Any] }
            for state in states {
                guard let hex = state["secret3"] as? String else { continue }
                let candidate = [UInt8](fixtureHex: hex)
                var hash = [UInt8](repeating: 0, count: 32)
                crypto_hash_sha256(&hash, candidate, UInt64(candidate.count))
                if hash == digest { return candidate }
            }
        }
        return nil
    }
}

/// One recorded call, with failure messages that name its index.
private struct Vector {
    let index: Int
    let name: String
    let item: [String: Any]

    var expectsSuccess: Bool { !(item["result"] is NSNull) && item["result"] != nil }

    func state() throws -> VectorState {
        let args = try XCTUnwrap(item["args"] as? [Any], "vector \(index) (\(name)): no args")
        return VectorState(
            try XCTUnwrap(args.first as? [String: Any], "vector \(index) (\(name)): no state"),
            label: "vector \(index) (\(name)) args"
        )
    }

    func resultState() throws -> VectorState {
        VectorState(
            try XCTUnwrap(item["result"] as? [String: Any], "vector \(index) (\(name)): no result state"),
            label: "vector \(index) (\(name)) result"
        )
    }

    func resultBytes() throws -> [UInt8] {
        [UInt8](fixtureHex: try XCTUnwrap(item["result"] as? String, "vector \(index) (\(name)): no result bytes"))
    }

    func bytesArgument(_ position: Int) throws -> [UInt8] {
        let args = try XCTUnwrap(item["args"] as? [Any])
        return [UInt8](fixtureHex: try XCTUnwrap(
            args.dropFirst(position).first as? String, "vector \(index) (\(name)): no argument \(position)"
        ))
    }

    func assertEqual(
        _ actual: [UInt8], _ expected: [UInt8], _ field: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(actual.hex, expected.hex, "vector \(index) (\(name)): \(field)", file: file, line: line)
    }

    func assertFails<T>(
        kind: HandshakeError.Kind, _ body: () throws(HandshakeError) -> T,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            _ = try body()
            XCTFail("vector \(index) (\(name)): reference rejected this input but we accepted it",
                    file: file, line: line)
        } catch {
            XCTAssertEqual(error.kind, kind, "vector \(index) (\(name)): \(error.reason)", file: file, line: line)
        }
    }
}

/// A recorded state object, read by dotted paths such as "local.kx_pk".
private struct VectorState {
    let fields: [String: Any]
    let label: String

    init(_ fields: [String: Any], label: String) {
        self.fields = fields
        self.label = label
    }

    private func value(_ path: String) -> Any? {
        var current: Any? = fields
        for key in path.split(separator: ".") {
            current = (current as? [String: Any])?[String(key)]
        }
        return current
    }

    func has(_ path: String) -> Bool { value(path) is String }

    func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](fixtureHex: try XCTUnwrap(value(path) as? String, "\(label): no \(path)"))
    }

    func localIdentity() throws -> SigningKeyPair {
        SigningKeyPair(publicKey: try bytes("local.publicKey"), secretKey: try bytes("local.secretKey"))
    }
}
