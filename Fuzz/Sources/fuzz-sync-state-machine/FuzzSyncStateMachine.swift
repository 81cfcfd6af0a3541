import FuzzSupport
import VFLog
import VFPeer

/// The sync state machine driven by a peer's frames, as `PeerSession` drives it:
/// the input is a framed stream (see ``SyncFixture``) of frames from the peer, interleaved
/// with events on this side. Frames that do not decode end the run, as they end a connection.
/// Once the machine has closed or finished, it must ask for nothing more.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSyncStateMachine(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let (settings, rest) = FuzzInput(data, size).settingsAndRest
    var machine = SyncFixture.machine(settings: settings)
    var ended = false
    func observe(_ actions: [SyncStateMachine.Action]) {
        fuzzRequire(!ended || actions.isEmpty, "no actions after close or finish: \(actions)")
        for action in actions {
            switch action {
            case .close, .finished: ended = true
            case .sendEntries(let ranges):
                fuzzRequire(!ranges.isEmpty, "sendEntries of no range")
                for r in ranges { fuzzRequire(r.after < r.through, "sendEntries of an empty range") }
            case let .send(frame): _ = frame.encode()
            default: break
            }
        }
        fuzzRequire(!ended || machine.isClosed, "a run that closed or finished says it is closed")
    }
    observe(machine.start())
    var decoder = FrameDecoder()
    decoder.append(rest)
    while let body = try? decoder.next() {
        if body[0] >= SyncFixture.localEventTag {
            observe(localEvent(body, on: &machine))
            continue
        }
        guard let frame = try? SyncFrame.decode(body) else { return 0 }
        observe(machine.receive(frame))
        _ = machine.isCaughtUp
    }
    return 0
}

private func localEvent(_ body: [UInt8], on machine: inout SyncStateMachine) -> [SyncStateMachine.Action] {
    let argument = body.count > 1 ? body[1] : 0
    switch SyncFixture.LocalEvent(rawValue: body[0]) {
    case .ingested:
        let rejection: [VerificationError] = switch body.count > 2 ? body[2] % 3 : 0 {
        case 1: [VerificationError(feed: SyncFixture.feeds[0], sequence: 1, reason: .feedForked)]
        case 2: [VerificationError(feed: SyncFixture.feeds[0], sequence: 1, reason: .badSignature)]
        default: []
        }
        return machine.ingested(count: Int(argument), rejections: rejection)
    case .localHeadsChanged:
        // A store holds sequences up to Entry.maximumSequence, never more.
        var head: UInt64 = 0
        for byte in body.dropFirst(2).prefix(8) { head = head << 8 | UInt64(byte) }
        return machine.localHeadsChanged([SyncFixture.feeds[Int(argument) % 4]: min(head, Entry.maximumSequence)])
    case .wantsChanged:
        return machine.wantsChanged(Set(SyncFixture.feeds.indices.filter { argument & (1 << $0) != 0 }.map { SyncFixture.feeds[$0] }))
    case .inviteChecked:
        return machine.inviteChecked(refusal: argument & 1 == 0 ? nil : String(decoding: body.dropFirst(2), as: UTF8.self))
    case nil:
        return []
    }
}
