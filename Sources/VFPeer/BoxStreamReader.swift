/// The receiving half of a box stream: takes bytes in any chunking and yields
/// whole decrypted bodies. It holds at most one header or one body at a time.
public struct BoxStreamReader: Sendable {
    /// What the bytes fed so far amount to.
    public enum Event: Sendable, Hashable {
        /// One decrypted body, as the sender sealed it (at most 4096 bytes).
        case message([UInt8])
        /// The peer ended the stream properly; nothing more may follow.
        case goodbye
        /// The stream is corrupt or truncated; close the connection. Nothing follows.
        case failed(BoxStreamError)
    }

    private enum State: Sendable {
        case awaitingHeader
        case awaitingBody(length: Int, tag: [UInt8])
        case closed
        case failed
    }

    private let key: [UInt8]
    private var nonce: [UInt8]
    private var state: State = .awaitingHeader
    private var buffer: [UInt8] = []

    /// A reader starting at the given key and nonce, normally `HandshakeResult.receiving`.
    public init(_ parameters: BoxStreamParameters) {
        self.key = parameters.key
        self.nonce = parameters.nonce
        buffer.reserveCapacity(BoxStream.maxBodyLength)
    }

    /// True after a goodbye or a failure.
    public var isFinished: Bool {
        switch state {
        case .closed, .failed: return true
        case .awaitingHeader, .awaitingBody: return false
        }
    }

    /// Whether part of a packet has arrived and waits for the rest.
    public var holdsPartialPacket: Bool {
        if case .awaitingBody = state { return true }
        return !buffer.isEmpty
    }

    /// Feeds bytes read from the peer and returns the events they complete.
    public mutating func receive<Bytes: Collection>(_ bytes: Bytes) -> [Event]
    where Bytes.Element == UInt8 {
        var events: [Event] = []
        var input = bytes[...]
        while !input.isEmpty {
            let needed: Int
            switch state {
            case .failed:
                return events
            case .closed:
                events.append(fail(.dataAfterGoodbye))
                return events
            case .awaitingHeader:
                needed = BoxStream.headerLength - buffer.count
            case .awaitingBody(let length, _):
                needed = length - buffer.count
            }
            let taken = input.prefix(needed)
            buffer.append(contentsOf: taken)
            input = input[taken.endIndex...]
            if taken.count == needed, let event = consumeBuffer() {
                events.append(event)
                if case .failed = event { return events }
            }
        }
        return events
    }

    /// Tells the reader the connection ended. Unless the goodbye came first,
    /// the stream was cut short, perhaps by someone resetting the connection.
    public mutating func peerClosed() -> [Event] {
        switch state {
        case .closed, .failed:
            return []
        case .awaitingHeader where buffer.isEmpty:
            return [fail(.truncated("without a goodbye"))]
        case .awaitingHeader, .awaitingBody:
            return [fail(.truncated("in the middle of a packet"))]
        }
    }

    /// Handles a buffer that holds exactly one header or one body.
    private mutating func consumeBuffer() -> Event? {
        switch state {
        case .awaitingHeader:
            guard let header = NaCl.open(buffer, nonce: nonce, key: key) else {
                return fail(.headerMACInvalid)
            }
            BoxStream.increment(&nonce)
            buffer.removeAll(keepingCapacity: true)
            if header.allSatisfy({ $0 == 0 }) {
                state = .closed
                return .goodbye
            }
            let length = Int(header[0]) << 8 | Int(header[1])
            guard (1...BoxStream.maxBodyLength).contains(length) else {
                return fail(.invalidBodyLength(length))
            }
            state = .awaitingBody(length: length, tag: Array(header[2...]))
            return nil
        case .awaitingBody(_, let tag):
            guard let body = NaCl.openDetached(buffer, tag: tag, nonce: nonce, key: key) else {
                return fail(.bodyMACInvalid)
            }
            BoxStream.increment(&nonce)
            buffer.removeAll(keepingCapacity: true)
            state = .awaitingHeader
            return .message(body)
        case .closed, .failed:
            preconditionFailure("box stream reader consumed a buffer it was not awaiting")
        }
    }

    private mutating func fail(_ error: BoxStreamError) -> Event {
        state = .failed
        buffer = []
        return .failed(error)
    }
}
