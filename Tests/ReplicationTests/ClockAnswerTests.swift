import VFLog
@testable import VFPeer
import XCTest

/// A clock answered off the event loop is answered exactly as in place, and what comes
/// meanwhile waits for it.
final class ClockAnswerTests: XCTestCase {
    private let feeds = (0..<50).map { _ in SigningKey().feed }.sorted()

    private func machine(answeredInPlace: Int) -> SyncStateMachine {
        var heads: [FeedID: UInt64] = [:]
        for (index, feed) in feeds.enumerated() where index % 2 == 0 { heads[feed] = 3 }
        var machine = SyncStateMachine(wants: FeedClock(), localHeads: heads, acknowledgedBase: nil, rememberedPeerClock: nil, oneShot: false)
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
}
