import VFGraph
import VFGraphStore
import VFLog
import VFJSON

/// The body of `POST /api/entries`: `{"payload": {…}}`, nothing else. Pure.
public enum PublishRequest {
    /// Bodies larger than this are refused with 413 before they are read: the largest payload
    /// (``Payload/maximumSize``) plus room for the envelope and for escapes a client may use.
    public static let maximumBodySize = 80 * 1024

    /// The payload's bytes as they will be signed: the object's canonical text (keys sorted,
    /// no insignificant whitespace, numbers exactly as written).
    /// - Throws: 400 for malformed JSON, a body that is not an object, a missing or non-object
    ///   payload, or any member besides `payload`.
    public static func payload(from body: [UInt8]) throws(APIError) -> [UInt8] {
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch { throw .badRequest("malformed JSON: \(error)") }
        guard let members = json.objectValue else { throw .badRequest("the body must be a JSON object: {\"payload\": {…}}") }
        if let unknown = members.keys.sorted().first(where: { $0 != "payload" }) {
            throw .badRequest("unknown field \"\(unknown)\"; the body is {\"payload\": {…}}")
        }
        guard let payload = members["payload"] else { throw .badRequest("missing field \"payload\"") }
        guard payload.objectValue != nil else { throw .badRequest("\"payload\" must be a JSON object") }
        return payload.serialized
    }
}
