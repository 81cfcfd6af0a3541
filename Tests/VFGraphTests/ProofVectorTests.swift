import Foundation
import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore
@testable import VFProof

/// The proof test vector of docs/protocol.md §17: a farm's feed (seed 0x01 × 32) of two
/// entries — a process, and a produce of 1000 kg of wheat as its output — and the proof of
/// the wheat made at 2026-01-02T00:00:00Z. The file must be the bytes the spec shows, and hold.
final class ProofVectorTests: XCTestCase {
    func testTheVectorOfTheSpecification() throws {
        let directory = NSTemporaryDirectory() + "vf-proof-vector-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = SigningKey(seed: [UInt8](repeating: 1, count: 32))
        let log = try LogStore(path: directory + "/log.sqlite")
        let process = try log.append(Array(#"{"@type":"Process","name":"growing"}"#.utf8), key: key, timestamp: 1_767_225_600_000).entry.id
        let produce = #"{"@type":"EconomicEvent","action":"produce","provider":"\#(key.feed)","receiver":"\#(key.feed)","outputOf":"\#(process)","resourceQuantity":{"hasNumericalValue":"1000","hasUnit":"kg"},"newInventoriedResource":{"name":"wheat"}}"#
        let event = try log.append(Array(produce.utf8), key: key, timestamp: 1_767_225_660_000).entry.id
        let store = try GraphStore(path: directory + "/graph.sqlite")
        try store.update(from: log)
        let proof = try ProofBuilder(reader: store.reader(log: log), log: log).prove(.resource(ResourceID(createdBy: event)), at: 1_767_312_000_000)
        let bytes = proof.encoded()
        XCTAssertEqual(ProofCheck.check(proof).failures, [])

        let spec = try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/protocol.md").standardized.path, encoding: .utf8)
        let marker = "<!-- proof vector -->\n```json\n"
        let start = try XCTUnwrap(spec.range(of: marker), "protocol.md §17 has no proof vector").upperBound
        let end = try XCTUnwrap(spec[start...].range(of: "```")).lowerBound
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), String(spec[start..<end]),
                       "the vector of protocol.md §17 differs from what the prover writes")
        XCTAssertEqual(Sodium.blake2b256(bytes).bytes.hexString, "2140bb6c27f8fd41485ecd7d72c3daa01639a0f0ee9873bff5d70597a4799079")
    }
}
