import VFGraph
import VFGraphStore
import VFLog
import VFJSON

/// The body of `POST /api/entries`: `{"payload": {…}}`, and optionally `"allowNegative": true`.
/// Pure.
public enum PublishRequest {
    /// Bodies larger than this are refused with 413 before they are read: the largest payload
    /// (``Payload/maximumSize``) plus room for the envelope and for escapes a client may use.
    public static let maximumBodySize = 80 * 1024

    /// The payload's bytes as they will be signed: the object's canonical text (keys sorted,
    /// no insignificant whitespace, numbers exactly as written).
    /// - Throws: 400 for malformed JSON, a body that is not an object, a missing or non-object
    ///   payload, a non-boolean `allowNegative`, or any other member.
    public static func payload(from body: [UInt8]) throws(APIError) -> [UInt8] {
        try parse(body).payload
    }

    /// The payload (as ``payload(from:)`` gives it) and whether the client allows the event to
    /// leave one of the node's own resources below zero (docs/protocol.md §16).
    public static func parse(_ body: [UInt8]) throws(APIError) -> (payload: [UInt8], allowNegative: Bool) {
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch { throw .badRequest("malformed JSON: \(error)") }
        guard let members = json.objectValue else { throw .badRequest("the body must be a JSON object: {\"payload\": {…}}") }
        if let unknown = members.keys.sorted().first(where: { $0 != "payload" && $0 != "allowNegative" }) {
            throw .badRequest("unknown field \"\(unknown)\"; the body is {\"payload\": {…}} with, optionally, \"allowNegative\": true")
        }
        guard let payload = members["payload"] else { throw .badRequest("missing field \"payload\"") }
        guard payload.objectValue != nil else { throw .badRequest("\"payload\" must be a JSON object") }
        var allowNegative = false
        if let flag = members["allowNegative"] {
            guard case let .bool(value) = flag else { throw .badRequest("\"allowNegative\" must be true or false") }
            allowNegative = value
        }
        return (payload.serialized, allowNegative)
    }
}
