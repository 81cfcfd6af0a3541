import VFLog
@testable import VFPeer
import XCTest

/// A clock answered off the event loop is answered exactly as in place, and what comes
/// meanwhile waits for it.
final class ClockAnswerTests: XCTestCase {
    private let feeds = (0..<50).map { _ in SigningKey().feed }.sorted()

    private func machine(answeredInPlace: Int, invite: SyncStateMachine.InviteRole = .none) -> SyncStateMachine {
        var heads: [FeedID: UInt64] = [:]
        for (index, feed) in feeds.enumerated() where index % 2 == 0 { heads[feed] = 3 }
        var machine = SyncStateMachine(wants: FeedClock(), localHeads: heads, acknowledgedBase: nil, rememberedPeerClock: nil,
                                       oneShot: false, invite: invite)
        machine.maximumClockFeedsAnsweredInPlace = answeredInPlace
        _ = machine.start()
        _ = machine.receive(.hello(version: SyncFrame.protocolVersion))
        return machine
    }

    private var clock: SyncFrame { .clock(full: true, final: true, base: .zero, changes: feeds.map { ClockChange(feed: $0, sequence: 1) }) }

    func testAClockAnsweredElsewhereIsTheClockAnsweredInPlace() throws {
        var inPlace = machine(answeredInPlace: .max)
        var handedOut = machine(answeredInPlace: 10)
        let expected = inPlace.receive(clock)
        let steps = handedOut.receive(clock)
        guard case .answerClock(let work)? = steps.first, steps.count == 1 else { return XCTFail("not handed out: \(steps)") }
        XCTAssertTrue(handedOut.isAnsweringClock)
        XCTAssertEqual(handedOut.clockAnswered(work.run()), expected)
        XCTAssertFalse(handedOut.isAnsweringClock)
    }

    func testInputsWaitForTheAnswerAndFollowIt() throws {
        var inPlace = machine(answeredInPlace: .max)
        var handedOut = machine(answeredInPlace: 10)
        var expected = inPlace.receive(clock)
        expected += inPlace.localHeadsChanged([feeds[1]: 5])
        expected += inPlace.receive(.idle(clocksSent: 1))
        guard case .answerClock(let work)? = handedOut.receive(clock).first else { return XCTFail("not handed out") }
        XCTAssertEqual(handedOut.localHeadsChanged([feeds[1]: 5]), [], "nothing is pushed before the plan")
        XCTAssertEqual(handedOut.receive(.idle(clocksSent: 1)), [], "an idle for a clock not yet answered waits")
        XCTAssertEqual(handedOut.clockAnswered(work.run()), expected)
    }

    /// An invitee's clocks wait while its invite is checked; once it is accepted they are
    /// answered like any other, a large one off the event loop, the next after it.
    func testClocksHeldForAnInviteCheckAreHandedOutToo() throws {
        let secret = [UInt8](repeating: 7, count: SyncFrame.inviteSecretSize)
        let delta = SyncFrame.clock(full: false, final: true, base: FeedClock(Dictionary(uniqueKeysWithValues: feeds.map { ($0, 1) })).hash,
                                    changes: [ClockChange(feed: feeds[1], sequence: 2)])
        func redeemed(_ answeredInPlace: Int) -> (SyncStateMachine, [SyncStateMachine.Action]) {
            var pub = machine(answeredInPlace: answeredInPlace, invite: .accept)
            XCTAssertEqual(pub.receive(.redeem(secret: secret)), [.redeemInvite(secret: secret)])
            XCTAssertEqual(pub.receive(clock), [], "held while the invite is checked")
            XCTAssertEqual(pub.receive(delta), [])
            let steps = pub.inviteChecked(refusal: nil)
            return (pub, steps)
        }
        let (_, expected) = redeemed(.max)
        var (handedOut, steps) = redeemed(10)
        _ = steps
        guard steps.count == 2, steps[0] == .send(.redeemed(ok: true, reason: "")), case .answerClock(let work) = steps[1] else {
            return XCTFail("not handed out: \(steps)")
        }
        XCTAssertTrue(handedOut.isAnsweringClock)
        var answered = [steps[0]] + handedOut.clockAnswered(work.run())
        // The delta is answered against a clock of the same size: handed out in its turn.
        guard case .answerClock(let next)? = answered.last else { return XCTFail("the delta was not handed out") }
        answered.removeLast()
        XCTAssertTrue(handedOut.isAnsweringClock)
        answered += handedOut.clockAnswered(next.run())
        XCTAssertEqual(answered, expected, "the delta after it is answered against it")
        XCTAssertFalse(handedOut.isAnsweringClock)
    }
}
