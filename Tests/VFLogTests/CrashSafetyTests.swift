import Foundation
import VFTestSupport
import XCTest
@testable import VFLog

/// Kills a writing `vf` process with SIGKILL at random moments, many times, and checks that
/// the store opens, verifies, and holds every entry whose append the writer had reported.
final class CrashSafetyTests: XCTestCase {
    func testKillingAWriterMidStreamLosesNothingAcknowledged() throws {
        let binary = try VFProcess.binary
        let dir = try temporaryDirectory(self)
        let home = dir + "/home"
        XCTAssertEqual(try VFProcess.run(["init", "--home", home]).status, 0)
        let linesPath = dir + "/lines.jsonl"
        let lines = (1...200_000).map { #"{"@type":"CrashTest","note":"crash test \#($0)"}"# }
        try (lines.joined(separator: "\n") + "\n").write(toFile: linesPath, atomically: true, encoding: .utf8)

        var acknowledged: [String] = []
        var rounds = 0
        for round in 0..<15 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            // Batch sizes from 1 to 64 put the kill before, inside and after commits.
            process.arguments = ["publish", "--home", home, "--lines", "-", "--batch-size", "\(1 + (round * 13) % 64)", "--json"]
            process.standardInput = FileHandle(forReadingAtPath: linesPath)
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 80_000...400_000))
            let wasRunning = process.isRunning
            kill(process.processIdentifier, SIGKILL)
            let printed = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            XCTAssertTrue(wasRunning, "round \(round): the writer finished before it was killed; the test proves nothing")
            XCTAssertEqual(process.terminationReason, .uncaughtSignal)
            // A line is an acknowledgement only if it was printed whole.
            let text = String(decoding: printed, as: UTF8.self)
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                acknowledged.append(object["id"] as! String)
            }
            rounds += 1

            // The store opens cleanly after every kill and holds everything acknowledged so far.
            let store = try LogStore(path: home + "/log.sqlite")
            for id in acknowledged.suffix(200) {
                XCTAssertNotNil(try store.entry(id: EntryID(parsing: id)), "round \(round): acknowledged \(id) lost")
            }
        }
        let store = try LogStore(path: home + "/log.sqlite")
        for id in acknowledged {
            XCTAssertNotNil(try store.entry(id: EntryID(parsing: id)), "acknowledged \(id) lost")
        }
        let report = try store.verifyAll()
        XCTAssertTrue(report.isValid, "\(report.problems.prefix(5))")
        XCTAssertGreaterThanOrEqual(report.entries, acknowledged.count)
        XCTAssertGreaterThan(acknowledged.count, rounds, "the writers acknowledged entries before being killed")
        // The feed can still be extended after all that.
        XCTAssertEqual(try VFProcess.run(["publish", "--home", home, #"{"after":"crashes"}"#]).status, 0)
    }
}
