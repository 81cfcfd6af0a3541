import Foundation

/// Who may do what through the HTTP API. Pure: it sees only the parts of a request that
/// matter, so every rule is testable without a server.
///
/// - Writes always need the bearer token.
/// - Reads under `/api/` are open when the server listens on loopback only; listening on any
///   other address, they need the token too.
/// - Listening on loopback, a request whose `Host` is not a loopback name is refused, so a web
///   page elsewhere cannot reach the node by pointing its own DNS name at 127.0.0.1.
/// - The page and its assets are open: they hold no data, and the page must load to ask for a token.
public struct AccessPolicy: Sendable {
    /// The token writes (and reads beyond loopback) must present.
    public let token: APIToken
    /// Whether reads are open (the server listens on a loopback address).
    public let readsOpen: Bool
    /// Whether to check `Host` against loopback names (the server listens on loopback).
    public let checksHost: Bool

    /// The policy of a server listening on a loopback address (`boundToLoopback`) or on any other.
    public init(token: APIToken, boundToLoopback: Bool) {
        self.token = token
        self.readsOpen = boundToLoopback
        self.checksHost = boundToLoopback
    }

    /// The parts of a request the policy looks at.
    public struct Request: Sendable {
        public var isWrite: Bool
        public var isAPI: Bool
        /// The `Host` header, if any.
        public var host: String?
        /// The `Authorization` header, if any.
        public var authorization: String?
        /// A `token` query parameter, accepted for the event stream only (EventSource cannot send headers).
        public var queryToken: String?
        /// How many `Host` headers the request carried: RFC 9112 §3.2 wants 400 for more than one,
        /// and the Host check must not depend on which of two a server reads.
        public var hostHeaderCount: Int

        public init(isWrite: Bool, isAPI: Bool, host: String?, authorization: String?, queryToken: String? = nil,
                    hostHeaderCount: Int? = nil) {
            self.isWrite = isWrite
            self.isAPI = isAPI
            self.host = host
            self.authorization = authorization
            self.queryToken = queryToken
            self.hostHeaderCount = hostHeaderCount ?? (host == nil ? 0 : 1)
        }
    }

    public enum Decision: Sendable, Equatable {
        case allow
        /// Refused, with the HTTP status and the reason to give.
        case refuse(status: Int, reason: String)
    }

    /// Whether to serve the request, or the status and reason to refuse it with.
    public func decide(_ request: Request) -> Decision {
        guard request.hostHeaderCount <= 1 else {
            return .refuse(status: 400, reason: "\(request.hostHeaderCount) Host headers; a request carries one")
        }
        if checksHost {
            guard let host = request.host else { return .refuse(status: 400, reason: "missing Host header") }
            guard Self.isLoopbackHostHeader(host) else {
                return .refuse(status: 403, reason: "Host \(host) is not a loopback name; this node's API answers only to localhost")
            }
        }
        let needsToken = request.isWrite || (request.isAPI && !readsOpen)
        guard needsToken else { return .allow }
        if let header = request.authorization {
            guard let presented = Self.bearerToken(header) else {
                return .refuse(status: 401, reason: "Authorization must be \"Bearer <token>\" (vf token prints the token)")
            }
            return token.matches(presented) ? .allow : .refuse(status: 401, reason: "wrong token")
        }
        if let presented = request.queryToken {
            return token.matches(presented) ? .allow : .refuse(status: 401, reason: "wrong token")
        }
        return .refuse(status: 401, reason: request.isWrite
            ? "writing needs the token: send Authorization: Bearer <token> (vf token prints it)"
            : "this node listens beyond loopback, so reading needs the token: send Authorization: Bearer <token> (vf token prints it)")
    }

    /// The token in an `Authorization: Bearer <token>` header; the scheme is case-insensitive.
    public static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }

    /// Whether a listening address is on loopback: `localhost`, 127.0.0.0/8 or ::1.
    public static func isLoopbackAddress(_ host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        // ASCII digits only: Character.isNumber also holds for "½" or "１", which Int cannot read.
        guard octets.count == 4, octets.allSatisfy({ octet in
            !octet.isEmpty && octet.count <= 3 && octet.utf8.allSatisfy { (0x30...0x39).contains($0) } && (Int(octet) ?? 256) <= 255
        }) else {
            return false
        }
        return octets[0] == "127"
    }

    /// Whether a `Host` header (name or address, with an optional port) names this machine's loopback.
    public static func isLoopbackHostHeader(_ header: String) -> Bool {
        // A host name or address is ASCII; anything else is refused before it is parsed.
        guard header.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return false }
        var host = Substring(header.trimmingCharacters(in: .whitespaces))
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.utf8.dropFirst().allSatisfy({ (0x30...0x39).contains($0) })) else { return false }
            host = host[...close]
        } else if let colon = host.lastIndex(of: ":") {
            guard host[host.index(after: colon)...].utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return false }
            host = host[..<colon]
        }
        let name = host.lowercased()
        // A trailing dot is the same DNS name; subdomains of localhost resolve to loopback (RFC 6761).
        let bare = name.hasSuffix(".") ? String(name.dropLast()) : name
        return isLoopbackAddress(bare) || bare.hasSuffix(".localhost")
    }
}
