import VFLog

/// Where a peer listens and who it is, in the Scuttlebutt multiserver form
/// `net:HOST:PORT~shs:KEY`.
///
/// `KEY` is the standard padded base64 of the peer's 32-byte Ed25519 public key,
/// without the `@` and `.ed25519` that surround it in a ``FeedID``, exactly as
/// ssb-lan and ssb-conn spell it. `HOST` is an IPv4 dotted quad, an IPv6 address
/// in brackets (`[::1]`), or a DNS name.
///
/// Only the single-address, single-transform form is accepted: multiserver also
/// allows `;`-separated alternatives and other transports, which this project
/// neither offers nor dials. Parsing is strict so that an address has one
/// spelling, and `description` gives back exactly the text that was parsed.
public struct MultiserverAddress: Hashable, Sendable, CustomStringConvertible {
    /// The host to dial: a dotted quad, an IPv6 address (without its brackets),
    /// or a DNS name.
    public let host: String
    /// The TCP port the peer accepts Secret Handshake connections on, 1–65535.
    public let port: Int
    /// The peer's long-term identity, which the Secret Handshake will verify.
    public let feed: FeedID

    /// Builds an address from its parts, checking them as parsing would.
    ///
    /// - Parameter host: a dotted quad, an IPv6 address with or without brackets,
    ///   or a DNS name.
    public init(host: String, port: Int, feed: FeedID) throws(MultiserverAddressError) {
        let hasBrackets = host.hasPrefix("[") && host.hasSuffix("]") && host.count >= 2
        let bare = hasBrackets ? String(host.dropFirst().dropLast()) : host
        try self.init(
            checkedHost: bare, bracketed: hasBrackets || bare.contains(":"), port: port, feed: feed, text: host
        )
    }

    /// Parses `net:HOST:PORT~shs:KEY`; see ``MultiserverAddress`` for what is accepted.
    public init(parsing text: String) throws(MultiserverAddressError) {
        func refuse(_ reason: String) -> MultiserverAddressError {
            MultiserverAddressError(text: text, reason: reason)
        }
        guard !text.contains(";") else {
            throw refuse("holds several addresses (';'); give exactly one")
        }
        let netPrefix = "net:", shsPrefix = "shs:"
        guard text.hasPrefix(netPrefix) else {
            throw refuse("does not start with \"net:\"; only the TCP transport is supported")
        }
        let parts = text.dropFirst(netPrefix.count).split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].hasPrefix(shsPrefix) else {
            throw refuse("needs exactly one transform, \"~shs:KEY\", after the port")
        }
        let hostAndPort = parts[0]
        let keyText = parts[1].dropFirst(shsPrefix.count)

        let hostText: Substring, portText: Substring, bracketed: Bool
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else {
                throw refuse("IPv6 host has no closing ']'")
            }
            let afterClose = hostAndPort[hostAndPort.index(after: close)...]
            guard afterClose.hasPrefix(":") else {
                throw refuse("expected ':PORT' after the bracketed host")
            }
            hostText = hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close]
            portText = afterClose.dropFirst()
            bracketed = true
        } else {
            guard let colon = hostAndPort.lastIndex(of: ":") else {
                throw refuse("expected HOST:PORT after \"net:\"")
            }
            hostText = hostAndPort[..<colon]
            portText = hostAndPort[hostAndPort.index(after: colon)...]
            bracketed = false
        }

        guard let port = Self.parsePort(portText) else {
            throw refuse("port \"\(portText)\" is not a decimal number from 1 to 65535 without leading zeros")
        }
        if !bracketed, hostText.contains(":") {
            throw refuse("an IPv6 host must be written in brackets, e.g. net:[::1]:8008~shs:KEY")
        }
        // FeedID's parser already knows what canonical base64 of 32 bytes is;
        // the multiserver key is the same text without the sigil and suffix.
        guard let feed = try? FeedID(parsing: "@" + keyText + ".ed25519") else {
            throw refuse("key \"\(keyText)\" is not canonical padded base64 of exactly 32 bytes")
        }
        try self.init(checkedHost: String(hostText), bracketed: bracketed, port: port, feed: feed, text: text)
    }

    private init(
        checkedHost host: String, bracketed: Bool, port: Int, feed: FeedID, text: String
    ) throws(MultiserverAddressError) {
        if let problem = Self.hostProblem(host, bracketed: bracketed) {
            throw MultiserverAddressError(text: text, reason: problem)
        }
        guard (1...65535).contains(port) else {
            throw MultiserverAddressError(text: text, reason: "port \(port) is outside 1–65535")
        }
        self.host = host
        self.port = port
        self.feed = feed
    }

    /// Whether ``host`` is an IPv6 address, which the text form puts in brackets.
    public var isIPv6: Bool { host.contains(":") }

    /// The text form, `net:HOST:PORT~shs:KEY`.
    public var description: String {
        let hostText = isIPv6 ? "[\(host)]" : host
        // FeedID renders "@<base64>.ed25519"; multiserver wants the bare base64.
        let key = feed.description.dropFirst().dropLast(".ed25519".count)
        return "net:\(hostText):\(port)~shs:\(key)"
    }

    private static func parsePort(_ text: Substring) -> Int? {
        guard (1...5).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }),
              !text.hasPrefix("0"), let port = Int(text), (1...65535).contains(port)
        else { return nil }
        return port
    }

    /// Why `host` is unacceptable, or nil when it is fine.
    private static func hostProblem(_ host: String, bracketed: Bool) -> String? {
        if host.isEmpty { return "host is empty" }
        if bracketed {
            return isIPv6Address(host) ? nil : "\"\(host)\" in brackets is not an IPv6 address"
        }
        if host.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) {
            return isDottedQuad(host)
                ? nil
                : "\"\(host)\" is not an IPv4 address (four numbers 0–255 without leading zeros)"
        }
        return dnsNameProblem(host)
    }

    private static func isDottedQuad(_ text: String) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { octet in
            (1...3).contains(octet.count) && octet.allSatisfy { $0.isASCII && $0.isNumber }
                && (octet == "0" || !octet.hasPrefix("0")) && Int(octet)! <= 255
        }
    }

    /// RFC 4291 §2.2 text forms, including an embedded dotted quad at the end;
    /// zone identifiers (`%eth0`) are refused because they mean nothing to the
    /// peer that receives the address.
    private static func isIPv6Address(_ text: String) -> Bool {
        // ASCII only: Character.isHexDigit also holds for fullwidth digits ("１"), which no resolver reads.
        guard text.utf8.count <= 45, text.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == ":" || $0 == ".") }) else {
            return false
        }
        var groups = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let last = groups.last, last.contains(".") {
            guard isDottedQuad(last) else { return false }
            // An embedded IPv4 address stands for the last two 16-bit groups.
            groups.removeLast()
            groups += ["0", "0"]
        }
        let groupBudget = 8
        let doubleColons = text.components(separatedBy: "::").count - 1
        guard doubleColons <= 1 else { return false }
        if doubleColons == 0 {
            return groups.count == groupBudget && groups.allSatisfy(isHexGroup)
        }
        // With "::", the empty strings around it stand for the elided zeros;
        // a leading or trailing "::" produces two empties, which is allowed.
        var explicit = groups
        if text.hasPrefix("::") { explicit.removeFirst() }
        if text.hasSuffix("::") { explicit.removeLast() }
        let empties = explicit.filter(\.isEmpty).count
        guard empties == 1 else { return false }
        let written = explicit.filter { !$0.isEmpty }
        return written.count <= groupBudget - 1 && written.allSatisfy(isHexGroup)
    }

    private static func isHexGroup(_ group: String) -> Bool {
        (1...4).contains(group.count) && group.allSatisfy { $0.isASCII && $0.isHexDigit }
    }

    /// RFC 1123 host names: dot-separated labels of letters, digits and hyphens.
    private static func dnsNameProblem(_ name: String) -> String? {
        guard name.utf8.count <= 253 else { return "host name is longer than 253 characters" }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard (1...63).contains(label.count) else {
                return "host \"\(name)\" has an empty label or one longer than 63 characters"
            }
            guard label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                return "host \"\(name)\" is not an IPv4 address or a DNS name (letters, digits, '-' and '.')"
            }
            guard !label.hasPrefix("-"), !label.hasSuffix("-") else {
                return "host \"\(name)\" has a label starting or ending with '-'"
            }
        }
        // An all-numeric last label would make "1.2.3.999" look like a name.
        if labels.last!.allSatisfy({ $0.isNumber }) {
            return "host \"\(name)\" ends in a numeric label, which is neither an IPv4 address nor a DNS name"
        }
        return nil
    }
}

/// A multiserver address did not parse, or its parts do not form one.
public struct MultiserverAddressError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text that was refused.
    public let text: String
    /// Why, for people reading logs.
    public let reason: String

    public var description: String { "not a multiserver address \"\(text)\": \(reason)" }
}
