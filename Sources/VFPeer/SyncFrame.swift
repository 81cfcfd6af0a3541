import VFLog

/// The messages of the sync protocol, carried in length-prefixed frames inside the box
/// stream (docs/protocol.md, "Sync protocol").
public enum SyncFrame: Sendable, Equatable {
    /// First frame each side sends.
    case hello(version: UInt16)
    /// Part of a clock message. `full` replaces what the receiver knows of the sender's clock;
    /// otherwise the changes apply to the clock whose hash is `base`. `final` ends the message.
    case clock(full: Bool, final: Bool, base: Hash32, changes: [ClockChange])
    /// One entry, with its payload when the sender holds it.
    case entry(encoded: [UInt8], payload: [UInt8]?)
    /// Everything the receiver's clock message number `clock` asked for has been sent;
    /// `hash` is that clock as the sender of this frame reconstructed it.
    case caughtUp(clock: UInt32, hash: Hash32)
    /// The delta of clock message number `clock` named a base this side does not hold.
    case needFull(clock: UInt32)
    /// All `clocksSent` clock messages of the sender are answered, and it wants nothing more now.
    case idle(clocksSent: UInt32)
    /// Sent on receiving a clock message, before the entries it asks for: how many feeds and
    /// entries are about to follow. For progress display only.
    case plan(feeds: UInt32, entries: UInt64)
    /// Sent by an invitee right after its `hello`: the secret of an invite code, exactly
    /// ``inviteSecretSize`` bytes. It travels only inside the encrypted box stream.
    case redeem(secret: [UInt8])
    /// The pub's answer to `redeem`. On refusal `reason` says why, in at most
    /// ``maximumReasonSize`` bytes of UTF-8, and the pub closes the connection.
    case redeemed(ok: Bool, reason: String)

    public static let protocolVersion: UInt16 = 1
    /// Frames carry at most one entry and its payload, plus a few bytes.
    public static let maximumSize = 1 + 2 + EntryCodec.maximumSize + Payload.maximumSize
    /// Clock frames carry at most this many changes; longer clocks span several frames.
    public static let maximumClockChanges = 1024
    public static let inviteSecretSize = 32
    public static let maximumReasonSize = 200

    enum Tag: UInt8 {
        case hello = 1, clock = 2, entry = 3, caughtUp = 4, needFull = 5, idle = 6, plan = 7, redeem = 8, redeemed = 9
    }

    /// The frame body, without the length prefix.
    public func encode() -> [UInt8] {
        var out: [UInt8] = []
        switch self {
        case let .hello(version):
            out.append(Tag.hello.rawValue); out.appendBigEndian(version)
        case let .clock(full, final, base, changes):
            precondition(changes.count <= Self.maximumClockChanges)
            out.append(Tag.clock.rawValue)
            out.append((full ? 1 : 0) | (final ? 2 : 0))
            out += base.bytes
            out.appendBigEndian(UInt16(changes.count))
            out.reserveCapacity(out.count + changes.count * 40)
            for change in changes {
                change.feed.key.withUnsafeBytes { out.append(contentsOf: $0) }
                out.appendBigEndian(change.sequence ?? UInt64.max)
            }
        case let .entry(encoded, payload):
            out.reserveCapacity(3 + encoded.count + (payload?.count ?? 0))
            out.append(Tag.entry.rawValue)
            out.appendBigEndian(UInt16(encoded.count))
            out += encoded
            if let payload { out += payload }
        case let .caughtUp(clock, hash):
            out.append(Tag.caughtUp.rawValue); out.appendBigEndian(clock); out += hash.bytes
        case let .needFull(clock):
            out.append(Tag.needFull.rawValue); out.appendBigEndian(clock)
        case let .idle(clocksSent):
            out.append(Tag.idle.rawValue); out.appendBigEndian(clocksSent)
        case let .plan(feeds, entries):
            out.append(Tag.plan.rawValue); out.appendBigEndian(feeds); out.appendBigEndian(entries)
        case let .redeem(secret):
            precondition(secret.count == Self.inviteSecretSize)
            out.append(Tag.redeem.rawValue); out += secret
        case let .redeemed(ok, reason):
            let text = Array(reason.utf8)
            precondition(text.count <= Self.maximumReasonSize)
            out.append(Tag.redeemed.rawValue); out.append(ok ? 1 : 0); out.append(UInt8(text.count)); out += text
        }
        return out
    }

    /// Decodes one frame body. Any deviation from the format is an error: a peer that sends
    /// it is broken or hostile, and the connection is closed.
    public static func decode(_ body: [UInt8]) throws(SyncProtocolError) -> SyncFrame {
        var reader = ByteReader(body)
        guard let raw = reader.u8(), let tag = Tag(rawValue: raw) else {
            throw .malformedFrame("unknown frame type \(body.first.map { String($0) } ?? "(empty)")")
        }
        let frame: SyncFrame
        switch tag {
        case .hello:
            guard let version = reader.u16() else { throw .malformedFrame("short hello") }
            frame = .hello(version: version)
        case .clock:
            guard let flags = reader.u8(), flags & ~3 == 0, let baseBytes = reader.bytes(32), let count = reader.u16() else {
                throw .malformedFrame("bad clock header")
            }
            guard Int(count) <= maximumClockChanges else { throw .malformedFrame("clock frame with \(count) changes, over \(maximumClockChanges)") }
            var changes: [ClockChange] = []
            changes.reserveCapacity(Int(count))
            for _ in 0..<count {
                // Read in place: a clock of a million feeds is a million of these.
                guard let (feed, sequence) = reader.read(40, { raw in
                    (FeedID(key: Hash32(unsafe: raw)), UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 32, as: UInt64.self)))
                }) else {
                    throw .malformedFrame("clock frame shorter than its count")
                }
                // No entry has a sequence over 2^63 − 1 (§3); 2^64 − 1 alone means "no longer wanted".
                guard sequence <= Entry.maximumSequence || sequence == UInt64.max else {
                    throw .malformedFrame("clock sequence \(sequence) is over 2^63 − 1")
                }
                changes.append(ClockChange(feed: feed, sequence: sequence == UInt64.max ? nil : sequence))
            }
            frame = .clock(full: flags & 1 != 0, final: flags & 2 != 0, base: Hash32(bytes: baseBytes)!, changes: changes)
        case .entry:
            guard let length = reader.u16(), let encoded = reader.bytes(Int(length)) else { throw .malformedFrame("short entry frame") }
            let rest = reader.rest()
            return .entry(encoded: encoded, payload: rest.isEmpty ? nil : rest)
        case .caughtUp:
            guard let clock = reader.u32(), let hash = reader.bytes(32) else { throw .malformedFrame("short caught-up frame") }
            frame = .caughtUp(clock: clock, hash: Hash32(bytes: hash)!)
        case .needFull:
            guard let clock = reader.u32() else { throw .malformedFrame("short need-full frame") }
            frame = .needFull(clock: clock)
        case .idle:
            guard let count = reader.u32() else { throw .malformedFrame("short idle frame") }
            frame = .idle(clocksSent: count)
        case .plan:
            guard let feeds = reader.u32(), let entries = reader.u64() else { throw .malformedFrame("short plan frame") }
            frame = .plan(feeds: feeds, entries: entries)
        case .redeem:
            guard let secret = reader.bytes(inviteSecretSize) else { throw .malformedFrame("short redeem frame") }
            frame = .redeem(secret: secret)
        case .redeemed:
            guard let flag = reader.u8(), flag <= 1, let length = reader.u8(), let text = reader.bytes(Int(length)) else {
                throw .malformedFrame("bad redeemed frame")
            }
            guard Int(length) <= maximumReasonSize else { throw .malformedFrame("redeemed reason of \(length) bytes, over \(maximumReasonSize)") }
            guard let reason = String(validating: text, as: UTF8.self) else { throw .malformedFrame("redeemed reason is not UTF-8") }
            frame = .redeemed(ok: flag == 1, reason: reason)
        }
        guard reader.isAtEnd else { throw .malformedFrame("trailing bytes in a frame of type \(raw)") }
        return frame
    }
}

/// Why a sync connection was closed by this side.
public struct SyncProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }

    public static func malformedFrame(_ why: String) -> SyncProtocolError { .init(reason: "malformed frame: \(why)") }
    public static func oversizedFrame(_ size: Int) -> SyncProtocolError {
        .init(reason: "frame of \(size) bytes exceeds the limit of \(SyncFrame.maximumSize)")
    }
    public static func unexpected(_ what: String) -> SyncProtocolError { .init(reason: "protocol violation: \(what)") }
    public static func inviteRefused(_ reason: String) -> SyncProtocolError { .init(reason: "the pub refused the invite: \(reason)") }
    public static func badEntry(_ error: VerificationError) -> SyncProtocolError { .init(reason: "sent an invalid entry: \(error)") }
}

struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var isAtEnd: Bool { offset == bytes.count }
    mutating func bytes(_ n: Int) -> [UInt8]? {
        guard n >= 0, bytes.count - offset >= n else { return nil }
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }
    /// Passes the next `n` bytes to `body` without copying them out; nil if fewer remain.
    mutating func read<R>(_ n: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard n >= 0, bytes.count - offset >= n else { return nil }
        defer { offset += n }
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + n])) }
    }
    mutating func rest() -> [UInt8] { defer { offset = bytes.count }; return Array(bytes[offset...]) }
    mutating func u8() -> UInt8? { bytes(1)?[0] }
    mutating func u16() -> UInt16? { integer() }
    mutating func u32() -> UInt32? { integer() }
    mutating func u64() -> UInt64? { integer() }
    private mutating func integer<T: FixedWidthInteger>() -> T? {
        guard let raw = bytes(MemoryLayout<T>.size) else { return nil }
        return raw.reduce(T(0)) { $0 << 8 | T($1) }
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
