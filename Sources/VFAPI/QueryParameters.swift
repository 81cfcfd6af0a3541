import Foundation

/// The query string of a request, and the paging parameters read from it. Pure.
public struct QueryParameters: Equatable, Sendable {
    public let values: [String: String]

    /// Reads `a=1&b=2`; `+` is a space and `%XX` is decoded, as forms send them. A repeated
    /// name keeps its first value.
    public init(_ query: String?) {
        var values: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            let name = decode(parts[0])
            if values[name] == nil { values[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        self.values = values
    }

    public subscript(name: String) -> String? { values[name] }

    /// The largest page of entries one request returns.
    public static let maximumLimit = 500

    /// `from` (a sequence, default 1) and `limit` (default 100, at most ``maximumLimit``) of
    /// `/api/feeds/{feed}/entries`.
    public func entryPage() throws(APIError) -> (from: UInt64, limit: Int) {
        var from: UInt64 = 1
        var limit = 100
        if let text = values["from"] {
            guard let value = UInt64(text), value >= 1, value <= UInt64(Int64.max) else {
                throw .badRequest("from must be a sequence number, 1 or more; got \"\(text)\"")
            }
            from = value
        }
        if let text = values["limit"] {
            guard let value = Int(text), (1...Self.maximumLimit).contains(value) else {
                throw .badRequest("limit must be a whole number from 1 to \(Self.maximumLimit); got \"\(text)\"")
            }
            limit = value
        }
        return (from, limit)
    }
}
