import Dispatch
import Foundation
import VFLog
@testable import VFPeer
import XCTest

/// What the pure machine costs to answer the largest clock the protocol allows. Runs with
/// 20,000 feeds by default (to check the answer); `VF_CLOCK_FEEDS=1000000` measures the
/// spec's maximum and prints the time. Not a timed assertion: machines differ.
final class SyncClockCostTests: XCTestCase {
    func testAFullClockIsAnsweredWithOnePlanAndEveryMissingRange() throws {
        let count = Int(ProcessInfo.processInfo.environment["VF_CLOCK_FEEDS"] ?? "20000")!
        var random = SystemRandomNumberGenerator()
        let feeds = (0..<count).map { _ in
            FeedID(bytes: (0..<4).flatMap { _ in withUnsafeBytes(of: random.next() as UInt64) { Array($0) } })!
        }
        // We hold entries 1…2 of every feed; the peer holds none of the even ones.
        var heads: [FeedID: UInt64] = [:]
        heads.reserveCapacity(count)
        for feed in feeds { heads[feed] = 2 }
        var frames: [SyncFrame] = []
        var index = 0
        while index < count {
            let end = min(count, index + SyncFrame.maximumClockChanges)
            let changes = (index..<end).map { ClockChange(feed: feeds[$0], sequence: $0 % 2 == 0 ? 0 : 2) }
            frames.append(.clock(full: true, final: end == count, base: .zero, changes: changes))
            index = end
        }
        var machine = SyncStateMachine(wants: FeedClock(), localHeads: heads, acknowledgedBase: nil, rememberedPeerClock: nil, oneShot: false)
        _ = machine.start()
        _ = machine.receive(.hello(version: SyncFrame.protocolVersion))
        var actions: [SyncStateMachine.Action] = []
        let start = DispatchTime.now().uptimeNanoseconds
        for frame in frames { actions += machine.receive(frame) }
        // A clock this large is handed out to be answered off the event loop: answer it here.
        if case .answerClock(let work)? = actions.last {
            actions.removeLast()
            actions += machine.clockAnswered(work.run())
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "SyncStateMachine answered a FULL clock of %d feeds (%d frames) in %.3f s", count, frames.count, seconds))

        XCTAssertEqual(actions.entryRanges.count, (count + 1) / 2)
        XCTAssertTrue(actions.contains(.send(.plan(feeds: UInt32((count + 1) / 2), entries: UInt64((count + 1) / 2 * 2)))))
        guard case .send(.caughtUp(clock: 1, let hash)) = actions.last else { return XCTFail("no caught-up at the end") }
        var clock = FeedClock()
        for frame in frames { if case let .clock(_, _, _, changes) = frame { clock.apply(changes) } }
        XCTAssertEqual(hash, clock.hash)
        XCTAssertEqual(hash, Sodium.blake2b256(clock.encoded), "hashed in pieces, as the bytes it stands for")
    }
}
