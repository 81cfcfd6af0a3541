import Dispatch
import Foundation
import NIOCore
import VFLog
@testable import VFPeer
import XCTest

/// A known peer may send a clock of up to a million feeds. Answering it takes time in proportion;
/// the node's other connections share its event loop and must not wait for it.
final class LargeClockTests: XCTestCase {
    func testAHugeClockFromAKnownPeerDoesNotStallTheEventLoop() async throws {
        let count = Int(ProcessInfo.processInfo.environment["VF_CLOCK_FEEDS"] ?? "400000")!
        let node = try TestNode(self, name: "node")
        let friend = SigningKey()
        try node.log.append(ContactPayload(contact: friend.feed, following: true, blocking: false).json, key: node.key)
        try await node.start()
        defer { Task { await node.stop() } }

        var random = SystemRandomNumberGenerator()
        let feeds = (0..<count).map { _ in
            FeedID(bytes: (0..<4).flatMap { _ in withUnsafeBytes(of: random.next() as UInt64) { Array($0) } })!
        }.sorted()
        let peer = try ScriptedPeer(port: XCTUnwrap(node.address?.port), server: node.feed, identity: friend)
        let probe = LoopProbe(node.node.loop)
        probe.start()
        peer.send(.hello(version: SyncFrame.protocolVersion))
        var index = 0
        while index < count {
            let end = min(count, index + SyncFrame.maximumClockChanges)
            peer.send(.clock(full: true, final: end == count, base: .zero,
                             changes: feeds[index..<end].map { ClockChange(feed: $0, sequence: 0) }))
            index = end
        }
        let answer = try peer.frames(seconds: 60) { if case .caughtUp(clock: 1, _) = $0 { true } else { false } }
        let stall = probe.stop()
        print(String(format: "a FULL clock of %d feeds from a known peer: the event loop answered within %.1f ms at worst", count, stall * 1000))

        guard case .caughtUp(clock: 1, _)? = answer.frames.last else { return XCTFail("the clock was not answered: \(answer)") }
        XCTAssertTrue(answer.frames.contains(.plan(feeds: 0, entries: 0)))
        XCTAssertLessThan(stall, 0.1, "the event loop stalled while the clock was answered")
    }
}

/// Measures how long work submitted to an event loop waits before it runs, again and again
/// from a thread of its own, until stopped: the longest wait is the loop's worst stall.
private final class LoopProbe: @unchecked Sendable {
    private let loop: EventLoop
    private let lock = NSLock()
    private var running = true
    private var longest = 0.0
    private let done = DispatchSemaphore(value: 0)

    init(_ loop: EventLoop) { self.loop = loop }

    func start() {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                let sent = DispatchTime.now().uptimeNanoseconds
                try? loop.submit {}.wait()
                let waited = Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e9
                lock.withLock { longest = max(longest, waited) }
                usleep(2000)
            }
            done.signal()
        }
    }

    /// Stops probing; the longest wait seen, in seconds.
    func stop() -> Double {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { longest }
    }
}
