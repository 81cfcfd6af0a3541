import FuzzSupport
import VFLog

/// The feed mark beside the secret key (docs/protocol.md §2, "Feed mark"), read whenever the node
/// opens its own feed: any bytes are read or refused with a reason, and a mark read is written
/// back to text that reads as the same mark.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFeedMark(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        let mark = try FeedMark(parsing: bytes)
        fuzzRequire(bytes.count <= FeedMark.maximumSize, "a mark read is within the size bound")
        fuzzRequire((mark.sequence == 0) == (mark.id == nil), "an id exactly when the sequence is above 0")
        if let pending = mark.pending { fuzzRequire(pending.sequence > mark.sequence, "pending is above the mark") }
        let again = try FeedMark(parsing: Array(mark.text.utf8))
        fuzzRequire(again == mark && again.text == mark.text, "written and read again, the same mark")
    } catch {
        _ = error.description
    }
    return 0
}
