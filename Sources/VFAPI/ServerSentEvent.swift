/// One message of a `text/event-stream` (the HTML server-sent events format). Pure.
public struct ServerSentEvent: Sendable, Equatable {
    /// The event name (`entry`, `graph`, `sync`); nil for a comment line, which keeps the
    /// connection alive and is ignored by clients.
    public let name: String?
    public let data: String

    public init(name: String, data: String) {
        self.name = name
        self.data = data
    }

    /// A comment line: ignored by clients, it only keeps the connection open.
    public static func comment(_ text: String) -> ServerSentEvent { ServerSentEvent(comment: text) }

    private init(comment: String) {
        name = nil
        data = comment
    }

    /// The bytes on the wire: `event:` and one `data:` line per line of data, then a blank line.
    public var encoded: String {
        let lines = data.split(separator: "\n", omittingEmptySubsequences: false).map { $0.replacingOccurrences(of: "\r", with: "") }
        guard let name else { return lines.map { ": " + $0 }.joined(separator: "\n") + "\n\n" }
        return "event: \(name)\n" + lines.map { "data: " + $0 }.joined(separator: "\n") + "\n\n"
    }
}
