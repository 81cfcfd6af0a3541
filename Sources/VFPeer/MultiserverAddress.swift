import Foundation
import VFLog

/// Where a peer listens and who it is, in SSB's multiserver form `net:HOST:PORT~shs:KEY`
/// (KEY is the base64 of the Ed25519 public key).
public struct MultiserverAddress: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let feed: FeedID

    public init(host: String, port: Int, feed: FeedID) {
        self.host = host
        self.port = port
        self.feed = feed
    }

    public init(parsing text: String) throws(AddressError) {
        guard text.hasPrefix("net:"), let tilde = text.range(of: "~shs:") else {
            throw AddressError(text: text, reason: "expected net:HOST:PORT~shs:KEY")
        }
        let hostPort = text[text.index(text.startIndex, offsetBy: 4)..<tilde.lowerBound]
        let keyText = text[tilde.upperBound...]
        guard let colon = hostPort.lastIndex(of: ":"), let port = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(port) else {
            throw AddressError(text: text, reason: "missing or invalid port")
        }
        var host = String(hostPort[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "~" }) else { throw AddressError(text: text, reason: "invalid host") }
        guard let data = Data(base64Encoded: String(keyText)), data.count == 32, Data(data).base64EncodedString() == keyText,
              let feed = FeedID(bytes: [UInt8](data)) else {
            throw AddressError(text: text, reason: "the key is not canonical base64 of 32 bytes")
        }
        self.init(host: host, port: port, feed: feed)
    }

    public var description: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        return "net:\(hostText):\(port)~shs:\(Data(feed.bytes).base64EncodedString())"
    }
}

public struct AddressError: Error, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "not a peer address (\(reason)): \"\(text)\"" }
}
