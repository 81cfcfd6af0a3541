import Foundation

/// The query string of a request, and the paging parameters read from it. Pure.
public struct QueryParameters: Equatable, Sendable {
    public let values: [String: String]
    /// The values as sent, before `+` and `%XX` were decoded.
    public let raw: [String: String]

    /// Reads `a=1&b=2`; `+` is a space and `%XX` is decoded, as forms send them. A repeated
    /// name keeps its first value.
    public init(_ query: String?) {
        var values: [String: String] = [:]
        var raw: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            let name = decode(parts[0])
            if values[name] == nil {
                values[name] = parts.count > 1 ? decode(parts[1]) : ""
                raw[name] = parts.count > 1 ? String(parts[1]) : ""
            }
        }
        self.values = values
        self.raw = raw
    }

    public subscript(name: String) -> String? { values[name] }

    /// A yes-or-no parameter: `true` (or given with no value) or `false`; absent is false.
    public func flag(_ name: String) throws(APIError) -> Bool {
        guard let text = values[name] else { return false }
        switch text {
        case "true", "": return true
        case "false": return false
        default: throw .badRequest("\(name) must be true or false; got \"\(text)\"")
        }
    }

    /// The largest page of entries one request returns.
    public static let maximumLimit = 500

    /// `from` (a sequence, default 1) and `limit` (default 100, at most ``maximumLimit``) of
    /// `/api/feeds/{feed}/entries`.
    public func entryPage() throws(APIError) -> (from: UInt64, limit: Int) {
        var from: UInt64 = 1
        if let text = values["from"] {
            guard let value = UInt64(text), value >= 1, value <= UInt64(Int64.max) else {
                throw .badRequest("from must be a sequence number, 1 or more; got \"\(text)\"")
            }
            from = value
        }
        return (from, try limit(default: 100, maximum: Self.maximumLimit))
    }

    /// The largest page of a listing (`/api/resources`, `/api/agents`, …).
    public static let maximumListingLimit = 1000
    /// The longest search text a listing takes, in characters.
    public static let maximumSearchLength = 200
    /// And at most this many bytes of UTF-8, whatever characters they make.
    public static let maximumSearchBytes = 800

    /// `limit` (default 100, at most ``maximumListingLimit`` or a smaller `maximum`, and then at
    /// most that by default), `after` read by `cursor`, and
    /// `q` when the listing can be searched (else `q` is refused, rather than ignored).
    ///
    /// `after` is an id, which holds `+`, `/` and `=`: sent encoded it is decoded as usual; an id
    /// pasted as printed, whose `+` the decoding would turn into a space, is read as sent.
    public func listingPage<Cursor>(_ cursor: (String) throws(APIError) -> Cursor, searchable: Bool = false,
                                    maximum: Int = QueryParameters.maximumListingLimit) throws(APIError) -> PageRequest<Cursor> {
        var after: Cursor?
        if let text = values["after"] {
            do { after = try cursor(text) } catch {
                guard let sent = raw["after"], sent != text, let read = try? cursor(sent) else { throw error }
                after = read
            }
        }
        var search: String?
        if let text = values["q"], !text.isEmpty {
            guard searchable else { throw .badRequest("q is not taken here: only /api/resources and /api/agents search by name") }
            // Bytes first: a character may hold any number of combining marks.
            guard text.utf8.count <= Self.maximumSearchBytes, text.count <= Self.maximumSearchLength else {
                throw .badRequest("q must be at most \(Self.maximumSearchLength) characters and \(Self.maximumSearchBytes) bytes of UTF-8; "
                                  + "got \(text.count) characters, \(text.utf8.count) bytes")
            }
            search = text
        }
        return PageRequest(after: after, limit: try limit(default: min(100, maximum), maximum: maximum), search: search)
    }

    /// The steps a trace or track answers with unless `limit` asks for more, and the most it may ask for.
    public static let defaultFlowLimit = 10_000
    public static let maximumFlowLimit = 100_000

    /// `limit` of `/api/trace/{id}` and `/api/track/{id}`: the most steps the answer may have
    /// (default ``defaultFlowLimit``, at most ``maximumFlowLimit``).
    public func flowLimit() throws(APIError) -> Int {
        try limit(default: Self.defaultFlowLimit, maximum: Self.maximumFlowLimit)
    }

    private func limit(default: Int, maximum: Int) throws(APIError) -> Int {
        guard let text = values["limit"] else { return `default` }
        guard let value = Int(text), (1...maximum).contains(value) else {
            throw .badRequest("limit must be a whole number from 1 to \(maximum); got \"\(text)\"")
        }
        return value
    }
}

/// One page of a listing, as a request asks for it.
public struct PageRequest<Cursor> {
    /// The last item of the page before; nil for the first page.
    public let after: Cursor?
    public let limit: Int
    /// Text the names must contain, ignoring case; nil to list everything.
    public let search: String?
}

extension PageRequest: Sendable where Cursor: Sendable {}
extension PageRequest: Equatable where Cursor: Equatable {}
