import Foundation
import VFLog

/// Typed reading of payload members from a ``JSONTape``: the fast path of ``PayloadFields``.
///
/// Each reader gives up (returns nil, or false) where ``PayloadFields`` would throw, and then
/// the general path reads the payload and throws the reason. Where a member is absent the
/// `into:` readers leave the value nil and succeed, as ``PayloadFields`` returns nil.
package struct PayloadTapeReader {
    package let tape: JSONTape

    /// The node of a member that must be a string; nil when absent, false when not a string.
    @inline(__always)
    private func stringNode(_ object: Int, _ key: StaticString) -> Int?? {
        guard let node = tape.member(object, key) else { return .some(nil) }
        guard tape.nodes[node].kind == .string else { return .none }
        return .some(node)
    }

    @inline(__always)
    package func string(_ object: Int, _ key: StaticString, into value: inout String?) -> Bool {
        guard let found = stringNode(object, key) else { return false }
        if let node = found { value = tape.text(node) }
        return true
    }

    @inline(__always)
    package func entryID(_ object: Int, _ key: StaticString, into value: inout EntryID?) -> Bool {
        parsed(object, key, IdentifierBytes.entryID, into: &value)
    }

    @inline(__always)
    package func resourceID(_ object: Int, _ key: StaticString, into value: inout ResourceID?) -> Bool {
        parsed(object, key, IdentifierBytes.resourceID, into: &value)
    }

    @inline(__always)
    package func time(_ object: Int, _ key: StaticString, into value: inout Int64?) -> Bool {
        parsed(object, key, DateTimeStamp.milliseconds(utf8:), into: &value)
    }

    /// An optional string member read by `parse`; false when it is not a string or `parse`
    /// refuses its bytes.
    @inline(__always)
    private func parsed<T>(_ object: Int, _ key: StaticString, _ parse: (UnsafeBufferPointer<UInt8>) -> T?,
                           into value: inout T?) -> Bool {
        guard let found = stringNode(object, key) else { return false }
        guard let node = found else { return true }
        guard let parsed = tape.withBytes(node, parse) else { return false }
        value = parsed
        return true
    }

    /// A required agent reference: a feed id, or the entry id of a Person or Organization.
    @inline(__always)
    package func agent(_ object: Int, _ key: StaticString) -> AgentID? {
        guard let found = stringNode(object, key), let node = found else { return nil }
        return tape.withBytes(node) { bytes -> AgentID? in
            if let feed = IdentifierBytes.feedID(bytes) { return .feed(feed) }
            if let entry = IdentifierBytes.entryID(bytes) { return .described(entry) }
            return nil
        }
    }

    /// The required `action`, when it names one of the VF 1.0 actions.
    @inline(__always)
    package func action(_ object: Int) -> Action? {
        guard let found = stringNode(object, "action"), let node = found else { return nil }
        return tape.withBytes(node) { Action(utf8: $0) }
    }

    /// `{"hasNumericalValue": <number or decimal string>, "hasUnit": "<non-empty label>"}`.
    @inline(__always)
    package func measure(_ object: Int, _ key: StaticString, into value: inout Measure?) -> Bool {
        guard let node = tape.member(object, key) else { return true }
        guard tape.nodes[node].kind == .object,
              let number = tape.member(node, "hasNumericalValue"),
              tape.nodes[number].kind == .number || tape.nodes[number].kind == .string,
              let decimal = tape.withBytes(number, { try? ExactDecimal(utf8: $0) }),
              let found = stringNode(node, "hasUnit"), let unit = found,
              tape.nodes[unit].end > tape.nodes[unit].start
        else { return false }
        value = Measure(value: decimal, unit: tape.text(unit))
        return true
    }
}

extension Action {
    /// The action whose raw value has exactly these bytes.
    package init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        for (index, name) in Action.utf8Names.enumerated() where name.count == bytes.count {
            if name.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) }) == 0 {
                self = Action.allCases[index]
                return
            }
        }
        return nil
    }

    private static let utf8Names: [[UInt8]] = allCases.map { Array($0.rawValue.utf8) }
}
