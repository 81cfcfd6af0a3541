import Foundation
import XCTest

/// The commands that may rebuild the graph start again with glibc's huge-page tunable set
/// (docs/architecture.md, "Memory"); an operator's own setting of it is kept, and other
/// commands start once, as they are.
final class HugePagesCommandTests: XCTestCase {
    /// The environment of a running `vf` with `arguments`, read from /proc once it has
    /// started (and started again, if it does): after `ready` holds, or at once.
    private func environment(of arguments: [String], tunables: String?, stdin: Pipe? = nil,
                             ready: (Int32) -> Bool) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try VFCommand.path)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GLIBC_TUNABLES"] = tunables
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        if let stdin { process.standardInput = stdin }
        try process.run()
        defer { if process.isRunning { process.terminate() }; process.waitUntilExit() }
        for _ in 0..<200 where !ready(process.processIdentifier) { try await Task.sleep(nanoseconds: 50_000_000) }
        XCTAssertTrue(ready(process.processIdentifier), "vf \(arguments[0]) did not get ready")
        XCTAssertTrue(process.isRunning)
        // glibc 2.36 cuts the variable's text at each ':' as it reads it (in place), so the
        // environment is returned as one text, its separators (NUL) written as ':'.
        let raw = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(process.processIdentifier)/environ"))
        return ":" + String(decoding: raw.map { $0 == 0 ? UInt8(ascii: ":") : $0 }, as: UTF8.self)
    }

    func testServeStartsAgainWithHugePagesAndKeepsTheOperatorsSetting() async throws {
        #if !os(Linux)
        throw XCTSkip("glibc tunables are Linux's")
        #else
        let root = NSTemporaryDirectory() + "vf-hugepages-" + UUID().uuidString
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        let home = root + "/a"
        try VFCommand.run(["init", "--home", home])
        func serve(_ tunables: String?) async throws -> String {
            try? FileManager.default.removeItem(atPath: home + "/address")
            let environment = try await environment(of: ["serve", "--home", home, "--listen", "127.0.0.1:0", "--no-lan"], tunables: tunables) { _ in
                FileManager.default.fileExists(atPath: home + "/address")
            }
            return environment
        }
        let unset = try await serve(nil)
        XCTAssertTrue(unset.contains(":GLIBC_TUNABLES=glibc.malloc.hugetlb=1:"), unset)
        let other = try await serve("glibc.malloc.check=0")
        XCTAssertTrue(other.contains(":GLIBC_TUNABLES=glibc.malloc.check=0:glibc.malloc.hugetlb=1:"), other)
        let off = try await serve("glibc.malloc.hugetlb=0")
        XCTAssertTrue(off.contains(":GLIBC_TUNABLES=glibc.malloc.hugetlb=0:"), off)
        XCTAssertFalse(off.contains("hugetlb=1"), off)

        // A publish reading its lines from a pipe is not one of those commands: it runs as
        // started. Its environment is read once it has the log open, long past any restart.
        let stdin = Pipe()
        let publish = try await environment(of: ["publish", "--home", home, "--lines", "-"], tunables: nil, stdin: stdin) { pid in
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
            return fds.contains { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)"))?.hasSuffix("/log.sqlite") == true }
        }
        try stdin.fileHandleForWriting.close()
        XCTAssertFalse(publish.contains("GLIBC_TUNABLES"), publish)
        #endif
    }
}
