import Foundation
import GRDB
import NIOCore
import VFLog
@testable import VFPeer
import XCTest

/// Pub invites: real nodes on loopback redeem codes, and the pure machines and codecs on their own.
final class InviteTests: XCTestCase {
    // MARK: nodes over TCP

    func testAnInviteWorksOnceAndThePubThenFollowsTheInvitee() async throws {
        let pub = try TestNode(self, name: "pub"), a = try TestNode(self, name: "a")
        try pub.publish(4, tag: "pub")
        try a.publish(5, tag: "a")
        try await pub.start()
        try await a.start(listen: false)
        let code = try pub.createInvite()
        let summary = try await a.accept(code)
        XCTAssertNil(summary.error)
        XCTAssertTrue(summary.caughtUp)
        XCTAssertTrue(try pub.follows(a), "the pub's feed says it follows the invitee")
        XCTAssertTrue(try a.follows(pub), "the invitee follows the pub")
        XCTAssertEqual(try pub.sequence(of: pub), 5, "four entries and the contact entry")
        // Within the same sync: the invitee's entries reach the pub, the pub's the invitee.
        XCTAssertEqual(try pub.sequence(of: a), 6, "five entries and the follow of the pub")
        XCTAssertEqual(try a.sequence(of: pub), 5)
        XCTAssertEqual(summary.sent, 6)
        XCTAssertEqual(summary.stored, 5)
        XCTAssertEqual(try pub.peers.inviteUsesLeft(secret: code.secret), 0)
        XCTAssertTrue(try a.peers.peers().contains { $0.address == code.pub }, "the pub joined the peer table")
        // The node dials the pub from its peer table and stays connected: later entries follow live.
        try a.publish(2, tag: "later")
        try await eventually { try pub.sequence(of: a) == 8 }
        await a.stop(); await pub.stop()
    }

    func testTheSameCodeASecondTimeIsRefusedAndNothingIsStored() async throws {
        let pub = try TestNode(self, name: "pub"), a = try TestNode(self, name: "a"), b = try TestNode(self, name: "b")
        try pub.publish(3, tag: "pub")
        try b.publish(4, tag: "b")
        try await pub.start()
        try await a.start(listen: false); try await b.start(listen: false)
        let code = try pub.createInvite()
        let first = try await a.accept(code)
        XCTAssertNil(first.error)
        let pubHead = try pub.sequence(of: pub)
        let summary = try await b.accept(code)
        XCTAssertEqual(summary.error, "the pub refused the invite: unknown or already used invite")
        XCTAssertFalse(summary.caughtUp)
        XCTAssertFalse(try pub.follows(b))
        XCTAssertEqual(try pub.sequence(of: pub), pubHead, "no contact entry for the refused invitee")
        XCTAssertEqual(try pub.sequence(of: b), 0)
        XCTAssertEqual(try b.sequence(of: pub), 0, "a refused invitee gets no answer to its clock")
        XCTAssertEqual(try pub.peers.inviteUsesLeft(secret: code.secret), 0)
        await a.stop(); await b.stop(); await pub.stop()
    }

    func testAForgedCodeIsRefused() async throws {
        let pub = try TestNode(self, name: "pub"), a = try TestNode(self, name: "a")
        try await pub.start()
        try await a.start(listen: false)
        _ = try pub.createInvite()
        let forged = try InviteCode.random(pub: XCTUnwrap(pub.address))
        let summary = try await a.accept(forged)
        XCTAssertEqual(summary.error, "the pub refused the invite: unknown or already used invite")
        XCTAssertFalse(try pub.follows(a))
        XCTAssertEqual(try pub.sequence(of: pub), 0)
        XCTAssertNil(try pub.peers.inviteUsesLeft(secret: forged.secret))
        await a.stop(); await pub.stop()
    }

    func testACodeForTwoUsesWorksTwiceAndNotThrice() async throws {
        let pub = try TestNode(self, name: "pub")
        let people = try ["a", "b", "c"].map { try TestNode(self, name: $0) }
        try await pub.start()
        for person in people { try await person.start(listen: false) }
        let code = try pub.createInvite(uses: 2)
        let first = try await people[0].accept(code)
        XCTAssertNil(first.error)
        XCTAssertEqual(try pub.peers.inviteUsesLeft(secret: code.secret), 1)
        let second = try await people[1].accept(code)
        XCTAssertNil(second.error)
        let third = try await people[2].accept(code)
        XCTAssertEqual(third.error, "the pub refused the invite: unknown or already used invite")
        XCTAssertEqual(try people.map { try pub.follows($0) }, [true, true, false])
        XCTAssertEqual(try pub.peers.inviteUsesLeft(secret: code.secret), 0)
        for person in people { await person.stop() }
        await pub.stop()
    }

    func testTwoRedeemingASingleUseCodeAtOnceCannotBothSucceed() async throws {
        let pub = try TestNode(self, name: "pub"), a = try TestNode(self, name: "a"), b = try TestNode(self, name: "b")
        try await pub.start()
        try await a.start(listen: false); try await b.start(listen: false)
        let code = try pub.createInvite()
        async let first = a.accept(code)
        async let second = b.accept(code)
        let outcomes = try await [first, second]
        XCTAssertEqual(outcomes.filter { $0.error == nil }.count, 1, "\(outcomes.map(\.error))")
        XCTAssertEqual(try [a, b].filter { try pub.follows($0) }.count, 1)
        XCTAssertEqual(try pub.sequence(of: pub), 1)
        await a.stop(); await b.stop(); await pub.stop()
    }

    func testTwoPeopleWhoNeverMeetReplicateThroughThePub() async throws {
        let pub = try TestNode(self, name: "pub"), a = try TestNode(self, name: "a"), c = try TestNode(self, name: "c")
        try a.publish(10, tag: "a"); try c.publish(7, tag: "c")
        try a.follow(c); try c.follow(a)
        try await pub.start()
        try await a.start(listen: false); try await c.start(listen: false)
        let joinedA = try await a.accept(pub.createInvite()), joinedC = try await c.accept(pub.createInvite())
        XCTAssertNil(joinedA.error); XCTAssertNil(joinedC.error)
        // c's sync already brought a's entries, which the pub held since a joined.
        XCTAssertEqual(try c.sequence(of: a), 12)
        // Both nodes now dial the pub from their peer tables and stay connected: c's entries
        // reach a, and new entries cross live.
        try await eventually(15, "c's entries reach a through the pub") { try a.sequence(of: c) == 9 }
        try a.publish(3, tag: "live")
        try await eventually(15, "a's new entries reach c through the pub") { try c.sequence(of: a) == 15 }
        XCTAssertFalse(try a.peers.peers().contains { $0.feed == c.feed })
        XCTAssertFalse(try c.peers.peers().contains { $0.feed == a.feed })
        await a.stop(); await c.stop(); await pub.stop()
    }

    func testAnInviteToThisNodeItselfIsRefusedLocally() async throws {
        let pub = try TestNode(self, name: "pub")
        try await pub.start()
        do {
            _ = try await pub.accept(pub.createInvite())
            XCTFail("accepted an invite to itself")
        } catch {
            XCTAssertEqual("\(error)", "the invite is for this node's own address")
        }
        await pub.stop()
    }

    // MARK: the pure machine

    private let secret = Array(repeating: UInt8(7), count: 32)

    private func machine(_ invite: SyncStateMachine.InviteRole, wants: [FeedID] = [], oneShot: Bool = true) -> SyncStateMachine {
        var clock = FeedClock()
        for feed in wants { clock[feed] = 0 }
        return SyncStateMachine(wants: clock, localHeads: [:], acknowledgedBase: nil, rememberedPeerClock: nil, oneShot: oneShot, invite: invite)
    }

    private func frames(_ actions: [SyncStateMachine.Action]) -> [SyncFrame] {
        actions.compactMap { if case .send(let frame) = $0 { frame } else { nil } }
    }

    private let hello = SyncFrame.hello(version: SyncFrame.protocolVersion)
    private let emptyClock = SyncFrame.clock(full: true, final: true, base: .zero, changes: [])

    /// What an invitee sends while its invite is checked waits, bounded: 16 clock messages,
    /// and no more feeds in all than its clock may name.
    func testClocksWaitingForTheInviteCheckAreBounded() {
        let violation = SyncStateMachine.Action.close(.unexpected("over 16 clock messages, or 100000 feeds, sent before the invite was answered"))
        var pub = machine(.accept)
        pub.maximumPeerClockFeeds = 100_000
        _ = pub.start()
        _ = pub.receive(hello)
        XCTAssertEqual(pub.receive(.redeem(secret: secret)), [.redeemInvite(secret: secret)])
        for _ in 0..<16 { XCTAssertEqual(pub.receive(emptyClock), []) }
        XCTAssertEqual(pub.receive(emptyClock), [violation])

        var wide = machine(.accept)
        wide.maximumPeerClockFeeds = 100_000
        _ = wide.start()
        _ = wide.receive(hello)
        _ = wide.receive(.redeem(secret: secret))
        let changes = (0..<1000).map { n in
            ClockChange(feed: FeedID(bytes: withUnsafeBytes(of: UInt64(n).bigEndian) { Array($0) } + [UInt8](repeating: 1, count: 24))!, sequence: 0)
        }
        for _ in 0..<100 {
            XCTAssertEqual(wide.receive(.clock(full: true, final: false, base: .zero, changes: changes)), [])
        }
        XCTAssertEqual(wide.receive(.clock(full: true, final: true, base: .zero, changes: [])), [], "one message of 100,000 feeds")
        XCTAssertEqual(wide.receive(.clock(full: true, final: true, base: .zero, changes: [changes[0]])), [violation], "100,001 in all")
    }

    func testAnUnexpectedRedeemIsAProtocolViolation() {
        let violation = SyncStateMachine.Action.close(.unexpected("redeem not expected here"))
        // A side that issues no invites on this connection.
        var plain = machine(.none)
        _ = plain.start()
        XCTAssertEqual(plain.receive(hello), [])
        XCTAssertEqual(plain.receive(.redeem(secret: secret)), [violation])
        // A pub takes a redeem only right after hello.
        var late = machine(.accept)
        _ = late.start()
        _ = late.receive(hello)
        XCTAssertFalse(late.receive(emptyClock).isEmpty)
        XCTAssertEqual(late.receive(.redeem(secret: secret)), [violation])
        // … and only once.
        var twice = machine(.accept)
        _ = twice.start()
        _ = twice.receive(hello)
        XCTAssertEqual(twice.receive(.redeem(secret: secret)), [.redeemInvite(secret: secret)])
        XCTAssertEqual(twice.receive(.redeem(secret: secret)), [violation])
        // An invitee never receives one.
        var invitee = machine(.redeem(secret: secret))
        _ = invitee.start()
        _ = invitee.receive(hello)
        XCTAssertEqual(invitee.receive(.redeem(secret: secret)), [violation])
        // Nor does anyone receive an answer to a redeem it did not send.
        var unasked = machine(.accept)
        _ = unasked.start()
        _ = unasked.receive(hello)
        XCTAssertEqual(unasked.receive(.redeemed(ok: true, reason: "")), [.close(.unexpected("redeemed without a redeem"))])
    }

    func testThePubHoldsItsAnswersUntilTheInviteIsCheckedAndTheInviteeWaitsForTheAnswer() throws {
        let me = SigningKey().feed, pubFeed = SigningKey().feed
        var invitee = machine(.redeem(secret: secret), wants: [me, pubFeed])
        var pub = machine(.accept, wants: [pubFeed], oneShot: false)
        let fromInvitee = frames(invitee.start())
        XCTAssertEqual(Array(fromInvitee.prefix(2)), [hello, .redeem(secret: secret)])
        XCTAssertEqual(fromInvitee.count, 3)
        var toInvitee = frames(pub.start())
        XCTAssertEqual(pub.receive(fromInvitee[0]), [])
        XCTAssertEqual(pub.receive(fromInvitee[1]), [.redeemInvite(secret: secret)])
        XCTAssertEqual(pub.receive(fromInvitee[2]), [], "the invitee's clock waits for the check")
        XCTAssertFalse(pub.isCaughtUp)
        // The invitee answers the pub's clock, but is not idle before `redeemed`.
        var toPub: [SyncFrame] = []
        for frame in toInvitee { toPub += frames(invitee.receive(frame)) }
        XCTAssertFalse(toPub.contains { if case .idle = $0 { true } else { false } })
        XCTAssertFalse(invitee.isCaughtUp)
        for frame in toPub { XCTAssertFalse(pub.receive(frame).contains { if case .close = $0 { true } else { false } }) }
        // Accepted: the pub's new clock, then `redeemed`, then the answers it held.
        toInvitee = frames(pub.wantsChanged([pubFeed, me])) + frames(pub.inviteChecked(refusal: nil))
        guard case .clock(full: false, final: true, _, let changes) = toInvitee.first else { return XCTFail("\(toInvitee)") }
        XCTAssertEqual(changes, [ClockChange(feed: me, sequence: 0)])
        XCTAssertEqual(toInvitee[1], .redeemed(ok: true, reason: ""))
        XCTAssertTrue(toInvitee.contains { if case .caughtUp(clock: 1, _) = $0 { true } else { false } })
        // Run both to quiet: the invitee finishes.
        var inviteeFinished = false
        var rounds = 0
        while !toInvitee.isEmpty || !toPub.isEmpty {
            rounds += 1
            XCTAssertLessThan(rounds, 100)
            toPub = []
            for frame in toInvitee {
                let actions = invitee.receive(try SyncFrame.decode(frame.encode()))
                XCTAssertFalse(actions.contains { if case .close = $0 { true } else { false } }, "\(actions)")
                if actions.contains(.finished) { inviteeFinished = true }
                toPub += frames(actions)
            }
            toInvitee = []
            for frame in toPub { toInvitee += frames(pub.receive(try SyncFrame.decode(frame.encode()))) }
        }
        XCTAssertTrue(inviteeFinished)
        XCTAssertTrue(pub.isCaughtUp)
    }

    func testARefusedInviteIsToldWhyAndGetsNoAnswers() {
        let reason = InviteRedemption.unknownOrUsed
        var invitee = machine(.redeem(secret: secret))
        var pub = machine(.accept, oneShot: false)
        let fromInvitee = frames(invitee.start())
        for frame in fromInvitee { _ = pub.receive(frame) }
        XCTAssertEqual(pub.inviteChecked(refusal: reason), [.send(.redeemed(ok: false, reason: reason)), .finished],
                       "the held clock is not answered")
        XCTAssertTrue(pub.isClosed)
        _ = invitee.receive(hello)
        XCTAssertEqual(invitee.receive(.redeemed(ok: false, reason: reason)), [.close(.inviteRefused(reason))])
        XCTAssertEqual("\(SyncProtocolError.inviteRefused(reason))", "the pub refused the invite: unknown or already used invite")
        // An over-long reason is cut to fit the frame.
        var chatty = machine(.accept)
        _ = chatty.start()
        _ = chatty.receive(hello)
        _ = chatty.receive(.redeem(secret: secret))
        guard case .send(.redeemed(false, let cut)) = chatty.inviteChecked(refusal: String(repeating: "é", count: 150)).first else {
            return XCTFail()
        }
        XCTAssertEqual(cut.utf8.count, 200)
    }

    // MARK: codecs and storage

    func testInviteFramesRoundTripAndMalformedOnesAreRefused() throws {
        let frames: [SyncFrame] = [.redeem(secret: secret), .redeemed(ok: true, reason: ""), .redeemed(ok: false, reason: "nope, ünïcode")]
        for frame in frames { XCTAssertEqual(try SyncFrame.decode(frame.encode()), frame) }
        XCTAssertEqual(SyncFrame.redeem(secret: secret).encode(), [8] + secret)
        XCTAssertEqual(SyncFrame.redeemed(ok: false, reason: "no").encode(), [9, 0, 2, 0x6E, 0x6F])
        let bad: [([UInt8], String)] = [
            ([8] + Array(secret.prefix(31)), "short redeem frame"),
            ([8] + secret + [0], "trailing bytes"),
            ([9, 2, 0], "bad redeemed frame"),
            ([9, 1, 3, 0x61], "bad redeemed frame"),
            ([9, 0, 201] + Array(repeating: 0x61, count: 201), "over 200"),
            ([9, 0, 2, 0xC3, 0x28], "not UTF-8"),
        ]
        for (body, why) in bad {
            XCTAssertThrowsError(try SyncFrame.decode(body), why) { XCTAssertTrue("\($0)".contains(why), "\($0)") }
        }
    }

    func testInviteCodesRoundTripAndBadOnesAreRefused() throws {
        let key = SigningKey().feed
        for host in ["example.org", "127.0.0.1", "::1"] {
            let code = InviteCode.random(pub: try MultiserverAddress(host: host, port: 8008, feed: key))
            let text = code.description
            XCTAssertTrue(text.hasPrefix("vf-invite:net:"))
            XCTAssertEqual(try InviteCode(parsing: text), code)
            XCTAssertEqual(try InviteCode(parsing: "  \(text)\n"), code)
        }
        let good = InviteCode(pub: try MultiserverAddress(host: "pub.example", port: 8008, feed: key), secret: secret).description
        let keyText = Data(key.bytes).base64EncodedString(), secretText = Data(secret).base64EncodedString()
        XCTAssertEqual(good, "vf-invite:net:pub.example:8008~shs:\(keyText):\(secretText)")
        let bad: [(String, String)] = [
            (String(good.dropFirst(3)), "does not start with vf-invite:"),
            ("vf-invite:net:pub.example:8008~shs:\(keyText)", "expected vf-invite:net:HOST:PORT~shs:KEY:SECRET"),
            ("vf-invite:\(secretText)", "expected vf-invite:"),
            ("vf-invite:net:pub.example:0~shs:\(keyText):\(secretText)", "address is invalid"),
            ("vf-invite:net:pub.example:8008~shs:AAAA:\(secretText)", "address is invalid"),
            (good + "A", "not canonical base64"),
            (String(good.dropLast()), "not canonical base64"),
            (good.replacingOccurrences(of: secretText, with: Data(secret.prefix(31)).base64EncodedString()), "not canonical base64"),
            // Unused bits set in the last character, and the URL-safe alphabet.
            (good.replacingOccurrences(of: secretText, with: String(secretText.dropLast(2)) + "d="), "not canonical base64"),
            (good.replacingOccurrences(of: secretText, with: "-" + secretText.dropFirst()), "not canonical base64"),
        ]
        for (text, why) in bad {
            XCTAssertThrowsError(try InviteCode(parsing: text), why) { error in
                XCTAssertTrue("\(error)".hasPrefix("not an invite code: "), "\(error)")
                XCTAssertTrue("\(error)".contains(why), "\(error) for \(why)")
                XCTAssertFalse("\(error)".contains(secretText), "the error repeats the secret")
            }
        }
    }

    func testThePubStoresOnlyTheSecretsHashAndSpendsUsesOneAtATime() throws {
        let node = try TestNode(self, name: "pub")
        try node.peers.addInvite(secret: secret, uses: 2)
        let rows = try node.peers.pool.read { db in try Row.fetchAll(db, sql: "SELECT secretHash, usesLeft FROM invite") }
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual([UInt8](rows[0]["secretHash"] as Data), Sodium.blake2b256(secret).bytes)
        XCTAssertTrue(try node.peers.redeemInvite(secret: secret))
        XCTAssertTrue(try node.peers.redeemInvite(secret: secret))
        XCTAssertFalse(try node.peers.redeemInvite(secret: secret))
        XCTAssertFalse(try node.peers.redeemInvite(secret: Array(repeating: 8, count: 32)))
        XCTAssertEqual(try node.peers.inviteUsesLeft(secret: secret), 0)
    }
}
