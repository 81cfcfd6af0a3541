import VFJSON

/// Why a payload breaks the rules of docs/protocol.md §5.
public enum PayloadError: Error, Equatable, CustomStringConvertible {
    case tooLarge(size: Int)
    /// Not JSON under the profile; the error says what and at which byte.
    case notJSON(JSONParseError)
    case notAnObject

    public var description: String {
        switch self {
        case let .tooLarge(size): "payload is \(size) bytes, over the limit of \(Payload.maximumSize)"
        case let .notJSON(error): "payload is not JSON under the profile of protocol.md §5: at byte \(error.offset), \(error.reason)"
        case .notAnObject: "payload is JSON but not an object"
        }
    }
}
