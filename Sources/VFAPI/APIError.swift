/// A request the API answers with an error: the HTTP status and a reason for people,
/// sent as `{"error": reason}`.
public struct APIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The HTTP status, 4xx or 5xx.
    public let status: Int
    public let reason: String

    public init(_ status: Int, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status): \(reason)" }

    public static func badRequest(_ reason: String) -> APIError { APIError(400, reason) }
    public static func notFound(_ reason: String) -> APIError { APIError(404, reason) }
    public static func unprocessable(_ reason: String) -> APIError { APIError(422, reason) }
}
