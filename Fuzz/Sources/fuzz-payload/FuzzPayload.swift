import FuzzSupport
import VFGraph
import VFLog
import VFPeer
import VFJSON

/// Everything that reads a payload arriving in an entry or given to `vf publish`: the payload
/// rules, contact payloads, the ValueFlows object reader on both its paths (the fast tape path
/// and the general one must agree), event validation as for a local and a replicated event,
/// and the publish check against an empty graph.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPayload(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let payload = FuzzInput(data, size).bytes
    let author = SyncFixture.feeds[0]
    _ = try? Payload.validate(payload)
    _ = ContactPayload.parse(payload)
    let decoded = Result { () throws(ReasonError) in try VFObject.decode(payload, author: author) }
    if let json = try? JSONParser.parse(payload) {
        let general = Result { () throws(ReasonError) in try VFObject.decode(json, author: author) }
        fuzzRequire(decoded == general, "the fast and general payload readers disagree: \(decoded) vs \(general)")
    } else {
        fuzzRequire((try? decoded.get()) == nil, "a payload that is not JSON was read as an object")
    }
    // Times a payload states are written back out (the planning listings' `due`): any the
    // reader accepts must format, and read back as the same instant.
    var times: [Int64?] = []
    switch try? decoded.get() {
    case let .planned(p)?: times = [p.due, p.hasBeginning, p.hasEnd, p.hasPointInTime]
    case let .event(e)?: times = [e.statedTime]
    default: break
    }
    for case let time? in times {
        fuzzRequire((try? DateTimeStamp.milliseconds(from: DateTimeStamp.text(time))) == time, "time \(time) does not read back")
    }
    if case let .planned(p)? = try? decoded.get() { _ = PlanningLink.made(by: EntryID(hash: Sodium.blake2b256(payload)), .planned(p)) }
    _ = PublishVerdict.isValueFlows(payload)
    let graph = GraphBuilder().graph
    _ = EventValidator.validate(payload, known: graph, origin: .local)
    _ = EventValidator.validate(payload, known: graph, origin: .remote)
    var check = PublishCheck(builder: GraphBuilder(), author: author, headSequence: 0, timestamp: 1_800_000_000_000)
    _ = check.check(payload)
    return 0
}
