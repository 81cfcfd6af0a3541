import Foundation
import VFJSON
import XCTest
@testable import VFLog

/// The payload vectors of docs/protocol.md §9: every verdict, and that the table in the
/// document and the fixture file hold the same vectors, so neither drifts from the code.
final class PayloadVectorTests: XCTestCase {
    private struct Vector {
        let name: String
        let bytes: [UInt8]
        let valid: Bool
    }

    private func fixtureVectors() throws -> [Vector] {
        let file = try JSONSerialization.jsonObject(with: fixture("payload-vectors.json")) as? [String: Any]
        let vectors = try XCTUnwrap(file?["vectors"] as? [[String: Any]])
        return try vectors.map { v in
            let hex = try XCTUnwrap(v["hex"] as? String)
            let bytes = stride(from: 0, to: hex.count, by: 2).map { k -> UInt8 in
                let start = hex.index(hex.startIndex, offsetBy: k)
                return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
            }
            return Vector(name: try XCTUnwrap(v["name"] as? String), bytes: bytes, valid: try XCTUnwrap(v["valid"] as? Bool))
        }
    }

    func testEveryVectorHasItsVerdict() throws {
        let vectors = try fixtureVectors()
        XCTAssertGreaterThan(vectors.count, 50)
        XCTAssertTrue(vectors.contains { $0.valid } && vectors.contains { !$0.valid })
        for v in vectors {
            var refusal: PayloadError?
            do { try Payload.validate(v.bytes) } catch { refusal = error }
            XCTAssertEqual(refusal == nil, v.valid, "\(v.name): \(refusal.map { "\($0)" } ?? "accepted")")
            // The tree agrees, canonically equivalent names included.
            let parsed = (try? JSONParser.parse(v.bytes))?.objectValue != nil
            XCTAssertEqual(parsed, v.valid, "JSONParser.parse on \(v.name)")
        }
    }

    func testTheTableInProtocolMdListsTheSameVectors() throws {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/protocol.md")
        let text = try String(contentsOf: doc, encoding: .utf8)
        let section = try XCTUnwrap(text.range(of: "### Payload vectors"), "protocol.md has no payload vectors")
        var rows: [Vector] = []
        for line in text[section.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { break }
            guard line.hasPrefix("| "), !line.hasPrefix("| Vector "), !line.hasPrefix("|---") else { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            XCTAssertEqual(cells.count, 6, String(line))
            guard cells.count == 6, cells[2].hasPrefix("`"), cells[2].hasSuffix("`") else { continue }
            let written = String(line.split(separator: "`", omittingEmptySubsequences: false)[1])
            rows.append(Vector(name: cells[1], bytes: try Self.bytes(ofTableText: written), valid: cells[3] == "valid"))
            XCTAssertTrue(["valid", "invalid"].contains(cells[3]), String(line))
        }
        let vectors = try fixtureVectors()
        XCTAssertEqual(rows.map(\.name), vectors.map(\.name))
        for (row, vector) in zip(rows, vectors) {
            XCTAssertEqual(row.bytes, vector.bytes, "bytes of \(row.name)")
            XCTAssertEqual(row.valid, vector.valid, "verdict of \(row.name)")
        }
    }

    /// Bytes as §9's table writes them: `⟨EF BB BF⟩` for those bytes, `⟨63 × [⟩` for 63 of that
    /// character, `(no bytes)` for none, any other character for its ASCII byte.
    static func bytes(ofTableText text: String) throws -> [UInt8] {
        guard text != "(no bytes)" else { return [] }
        var out: [UInt8] = []
        var rest = Substring(text)
        while let c = rest.first {
            guard c == "⟨" else {
                out.append(try XCTUnwrap(c.asciiValue, "non-ASCII \(c) outside ⟨⟩"))
                rest = rest.dropFirst()
                continue
            }
            let close = try XCTUnwrap(rest.firstIndex(of: "⟩"))
            let inside = rest[rest.index(after: rest.startIndex)..<close]
            if let times = inside.range(of: " × ") {
                let count = try XCTUnwrap(Int(inside[..<times.lowerBound]))
                out += Array(repeating: try XCTUnwrap(inside[times.upperBound...].first?.asciiValue), count: count)
            } else {
                out += try inside.split(separator: " ").map { try XCTUnwrap(UInt8($0, radix: 16)) }
            }
            rest = rest[rest.index(after: close)...]
        }
        return out
    }
}
