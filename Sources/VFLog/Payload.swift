import Foundation

/// The rules every payload obeys: a UTF-8 JSON object of at most ``maximumSize`` bytes.
public enum Payload {
    /// 64 KiB. Entries claiming a larger payload are refused whether or not the payload is held.
    public static let maximumSize = 65_536

    /// Checks size, UTF-8 and that the text is one JSON object.
    public static func validate(_ bytes: [UInt8]) throws(PayloadError) {
        guard bytes.count <= maximumSize else { throw .tooLarge(size: bytes.count) }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .notUTF8 }
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw .notJSON((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)")
        }
        guard value is [String: Any] else { throw .notAnObject }
    }

    public static func hash(_ bytes: [UInt8]) -> Hash32 { Sodium.blake2b256(bytes) }
}

public enum PayloadError: Error, Equatable, CustomStringConvertible {
    case tooLarge(size: Int)
    case notUTF8
    case notJSON(String)
    case notAnObject

    public var description: String {
        switch self {
        case let .tooLarge(size): "payload is \(size) bytes, over the limit of \(Payload.maximumSize)"
        case .notUTF8: "payload is not valid UTF-8"
        case let .notJSON(detail): "payload is not valid JSON (\(detail))"
        case .notAnObject: "payload is JSON but not an object"
        }
    }
}
