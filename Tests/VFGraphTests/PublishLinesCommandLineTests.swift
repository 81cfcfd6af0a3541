import Foundation
import VFTestSupport
import XCTest

/// `vf publish --lines` over many batches: each ValueFlows batch is checked and stored while
/// the next one is signed. What is appended, where a run stops, and the graph it leaves must be
/// what publishing the lines one batch after another gives.
final class PublishLinesCommandLineTests: CommandLineTestCase {
    private func write(_ lines: [String]) throws -> String {
        let path = directory + "/lines-\(UUID().uuidString).jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func produce(_ me: String, _ name: String) -> String {
        #"{"@type":"EconomicEvent","action":"produce","provider":"\#(me)","receiver":"\#(me)","resourceQuantity":{"hasNumericalValue":"2","hasUnit":"kg"},"newInventoriedResource":{"name":"\#(name)"}}"#
    }

    private func log(_ home: String) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(try vf("log", "--home", home, "--json").stdout.utf8)) as! [[String: Any]]
    }

    func testARefusalInABatchSignedAheadStopsAtItsLineAndKeepsTheLinesBefore() throws {
        let home = directory + "/farm"
        let me = try vf("init", "--home", home).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // Batches of three: line 8 is in the third batch, signed while the second was stored.
        var lines = (1...10).map { produce(me, "lot \($0)") }
        lines[7] = #"{"@type":"EconomicEvent","action":"work","provider":"\#(me)","receiver":"\#(me)","resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"}}"#
        let refused = try VFProcess.run(["publish", "--home", home, "--lines", try write(lines), "--batch-size", "3", "--json"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("line 8: refused: work takes effortQuantity only"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("; 7 entries before it were appended"), refused.stderr)
        let printed = refused.stdout.split(separator: "\n")
        XCTAssertEqual(printed.count, 7)
        let entries = try log(home)
        XCTAssertEqual(entries.map { $0["sequence"] as? Int }, Array(1...7))
        XCTAssertEqual(entries.compactMap { $0["status"] as? String }, Array(repeating: "applied", count: 7))

        // The feed goes on from the last line kept, and the tables equal a rebuild.
        let more = try vf("publish", "--home", home, "--lines", try write((11...15).map { produce(me, "lot \($0)") }), "--batch-size", "2")
        XCTAssertEqual(more.stdout.split(separator: "\n").count, 5)
        try assertVerifiesAndRebuildsAlike(home, resources: 12)
    }

    func testBatchesOfOtherJSONBetweenValueFlowsBatchesKeepTheChain() throws {
        let home = directory + "/farm"
        let me = try vf("init", "--home", home).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // ValueFlows, then a batch with a note in it (checked, then appended), then ValueFlows again,
        // then a bad line: the batch before it is stored, nothing after.
        let lines = [produce(me, "a"), produce(me, "b"), #"{"note":"c"}"#, produce(me, "d"), produce(me, "e"), produce(me, "f"),
                     produce(me, "g"), "not json", produce(me, "h")]
        let stopped = try VFProcess.run(["publish", "--home", home, "--lines", try write(lines), "--batch-size", "2"])
        XCTAssertEqual(stopped.status, 1)
        XCTAssertTrue(stopped.stderr.contains("line 8: "), stopped.stderr)
        XCTAssertTrue(stopped.stderr.contains("7 entries before it were appended"), stopped.stderr)
        let entries = try log(home)
        XCTAssertEqual(entries.map { $0["sequence"] as? Int }, Array(1...7))
        try assertVerifiesAndRebuildsAlike(home, resources: 6)
    }

    /// The home's log verifies, its graph lists `resources` resources, and a rebuild lists the same.
    private func assertVerifiesAndRebuildsAlike(_ home: String, resources count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        try vf("verify", "--home", home, file: file, line: line)
        let resources = try vf("resources", "--home", home, "--json", file: file, line: line).stdout
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(resources.utf8)) as? [Any])?.count, count, file: file, line: line)
        try vf("graph", "rebuild", "--home", home, file: file, line: line)
        XCTAssertEqual(try vf("resources", "--home", home, "--json", file: file, line: line).stdout, resources, file: file, line: line)
    }

    /// A program that writes a line, then waits for its id before writing the next: each line
    /// ends its batch, as no other is ready, and its id comes back while the next is awaited.
    func testLinesWrittenOneAtATimeGetTheirIdsBeforeTheNextIsWritten() throws {
        let home = directory + "/farm"
        let me = try vf("init", "--home", home).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try VFProcess.binary)
        process.arguments = ["publish", "--home", home, "--lines", "-"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        for n in 1...3 {
            let line = n == 2 ? #"{"note":"between"}"# : produce(me, "lot \(n)")
            input.fileHandleForWriting.write(Data((line + "\n").utf8))
            XCTAssertNotNil(try readLine(output.fileHandleForReading.fileDescriptor, seconds: 20),
                            "line \(n)'s id is printed before line \(n + 1) is written")
        }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(try log(home).count, 3)
    }

    /// One line from `descriptor`, or nil if none is whole within `seconds`.
    private func readLine(_ descriptor: Int32, seconds: Double) throws -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        var bytes: [UInt8] = []
        while Date() < deadline {
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 100) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(descriptor, &byte, 1) == 1 else { return nil }
            if byte == 0x0A { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }
}
