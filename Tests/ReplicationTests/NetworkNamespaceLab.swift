import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A throwaway Ethernet segment of Linux network namespaces, so tests can run
/// real nodes on separate hosts with broadcast, without touching the machine's
/// own networks.
///
/// Layout for `count` hosts, all names prefixed with a random lab id so that
/// parallel runs never collide:
///
/// ```
///  <id>-n0 eth0 10.213.S.1 ─┐
///  <id>-n1 eth0 10.213.S.2 ─┼─ p0,p1,… ── br0   in namespace <id>-hub
///  <id>-n2 eth0 10.213.S.3 ─┘
/// ```
///
/// The bridge lives in its own namespace rather than the root one: the host's
/// firewall (Docker's FORWARD policy, br_netfilter) never sees the traffic, and
/// nothing is created in the root namespace that a crash could leave behind
/// except the namespace names themselves. Every test address is in
/// 10.213.S.0/24, and only these lab hosts are ever sent traffic.
///
/// Needs root and iproute2. Without them ``init(count:subnet:)`` throws
/// `XCTSkip` saying which, so the suite still passes on laptops and
/// unprivileged CI. Call ``tearDown()`` from the test's teardown; `deinit`
/// calls it too, and it is idempotent.
final class NetworkNamespaceLab: @unchecked Sendable {
    /// What a finished command did.
    struct CommandResult: Sendable, CustomStringConvertible {
        let command: [String]
        let status: Int32
        let standardOutput: String
        let standardError: String
        /// True when the command was killed for outliving its timeout.
        let timedOut: Bool

        var succeeded: Bool { status == 0 && !timedOut }

        var description: String {
            "`\(command.joined(separator: " "))` exited \(status)\(timedOut ? " (timed out)" : "")"
                + (standardError.isEmpty ? "" : ": \(standardError.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// Setup failed after the environment proved capable; a real fault, not a skip.
    struct LabError: Error, CustomStringConvertible {
        let description: String
    }

    /// The random prefix of every name this lab creates.
    let id: String
    /// The namespace holding the bridge.
    let hub: String
    /// The host namespaces, in index order.
    let namespaces: [String]
    /// Each host's IPv4 address on the lab segment, in index order.
    let addresses: [String]
    /// The segment's directed broadcast address, 10.213.S.255.
    let broadcastAddress: String

    /// The `ip` executable, for commands run in the hosts.
    let ipPath: String
    private var ip: String { ipPath }
    private let lock = NSLock()
    private var processes: [LabProcess] = []
    private var created: [String] = []
    private var tornDown = false

    /// Builds the lab: `count` host namespaces on one bridge, in 10.213.`subnet`.0/24.
    ///
    /// - Throws: `XCTSkip` when not root, when `ip` is missing, or when the
    ///   kernel refuses namespaces, bridges or veth pairs (no CAP_SYS_ADMIN,
    ///   modules absent); ``LabError`` when a later step fails.
    init(count: Int, subnet: UInt8 = 1) throws {
        precondition((1...250).contains(count), "a lab holds 1 to 250 hosts")
        guard geteuid() == 0 else {
            throw XCTSkip("network namespace lab needs root (running as uid \(geteuid()))")
        }
        guard let ip = Self.findExecutable("ip") else {
            throw XCTSkip("network namespace lab needs iproute2: no `ip` in PATH or /usr/sbin, /sbin")
        }
        self.ipPath = ip
        let id = "vflab-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        self.id = id
        hub = "\(id)-hub"
        namespaces = (0..<count).map { "\(id)-n\($0)" }
        addresses = (0..<count).map { "10.213.\(subnet).\($0 + 1)" }
        broadcastAddress = "10.213.\(subnet).255"

        do {
            try build()
        } catch {
            tearDown()
            throw error
        }
    }

    deinit {
        tearDown()
    }

    private func build() throws {
        // The first use of each kernel feature decides between "cannot here" (skip)
        // and "broke" (fail).
        try capability("create network namespaces", ["netns", "add", hub])
        created.append(hub)
        try setUp(["-n", hub, "link", "set", "lo", "up"])
        try capability("create a bridge", ["-n", hub, "link", "add", "br0", "type", "bridge"])
        try setUp(["-n", hub, "link", "set", "br0", "up"])

        for (index, namespace) in namespaces.enumerated() {
            try setUp(["netns", "add", namespace])
            created.append(namespace)
            try setUp(["-n", namespace, "link", "set", "lo", "up"])
            let port = "p\(index)"
            let veth = ["-n", hub, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", namespace]
            if index == 0 {
                try capability("create veth pairs", veth)
            } else {
                try setUp(veth)
            }
            try setUp(["-n", hub, "link", "set", port, "master", "br0"])
            try setUp(["-n", hub, "link", "set", port, "up"])
            try setUp([
                "-n", namespace, "addr", "add", "\(addresses[index])/24", "broadcast", broadcastAddress, "dev", "eth0",
            ])
            try setUp(["-n", namespace, "link", "set", "eth0", "up"])
        }
    }

    /// Starts `command` inside host `index` and returns at once; its output is
    /// collected as it arrives. Stopped by ``tearDown()`` if still running.
    func start(in index: Int, _ command: [String]) throws -> LabProcess {
        precondition(namespaces.indices.contains(index), "no host \(index) in a lab of \(namespaces.count)")
        let process = try LabProcess(executable: ip, arguments: ["netns", "exec", namespaces[index]] + command)
        lock.withLock { processes.append(process) }
        return process
    }

    /// Runs `command` inside host `index` to completion, killing it after `timeout` seconds.
    func run(in index: Int, _ command: [String], timeout: TimeInterval = 10) throws -> CommandResult {
        try start(in: index, command).wait(timeout: timeout)
    }

    /// Stops every process the lab started and deletes its namespaces, which
    /// takes the veth pairs and the bridge with them. Safe to call repeatedly.
    func tearDown() {
        let (running, namespaces): ([LabProcess], [String]) = lock.withLock {
            guard !tornDown else { return ([], []) }
            tornDown = true
            return (processes, created)
        }
        for process in running { process.stop() }
        for namespace in namespaces.reversed() {
            // Anything still inside (children of our commands) would keep the
            // namespace alive after its name is gone.
            if let pids = try? Self.execute(ip, ["netns", "pids", namespace], timeout: 5).standardOutput {
                for pid in pids.split(whereSeparator: \.isNewline).compactMap({ Int32($0) }) {
                    kill(pid, SIGKILL)
                }
            }
            if let result = try? Self.execute(ip, ["netns", "del", namespace], timeout: 5), !result.succeeded {
                FileHandle.standardError.write(Data("NetworkNamespaceLab: could not remove \(namespace): \(result)\n".utf8))
            }
        }
    }

    /// Whether a namespace of this name exists, for checking tear-down.
    func namespaceExists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/var/run/netns/\(name)")
    }

    // MARK: Running ip

    private func capability(_ what: String, _ arguments: [String]) throws {
        let result = try Self.execute(ip, arguments, timeout: 10)
        guard result.succeeded else {
            throw XCTSkip("network namespace lab cannot \(what) here: \(result)")
        }
    }

    private func setUp(_ arguments: [String]) throws {
        let result = try Self.execute(ip, arguments, timeout: 10)
        guard result.succeeded else {
            throw LabError(description: "network namespace lab setup failed: \(result)")
        }
    }

    private static func execute(_ executable: String, _ arguments: [String], timeout: TimeInterval) throws -> CommandResult {
        try LabProcess(executable: executable, arguments: arguments).wait(timeout: timeout)
    }

    /// The full path of `name` in PATH or the sbin directories, which root's
    /// PATH sometimes lacks in containers.
    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A process started by the lab. Its output is drained continuously, so a
/// chatty process never blocks on a full pipe.
final class LabProcess: @unchecked Sendable {
    let command: [String]
    private let process = Process()
    private let lock = NSLock()
    private var output = Data()
    private var errors = Data()
    private let exited = DispatchSemaphore(value: 0)
    private let drained = DispatchGroup()

    init(executable: String, arguments: [String]) throws {
        command = [executable] + arguments
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let outputPipe = Pipe(), errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
        drain(outputPipe.fileHandleForReading) { [self] in output.append($0) }
        drain(errorPipe.fileHandleForReading) { [self] in errors.append($0) }
    }

    var processIdentifier: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Standard output received so far.
    var standardOutput: String { lock.withLock { String(decoding: output, as: UTF8.self) } }

    /// Waits for the process to exit, stopping it after `timeout` seconds.
    func wait(timeout: TimeInterval) -> NetworkNamespaceLab.CommandResult {
        let timedOut = exited.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            stop()
        }
        // Output normally ends with the process; a grandchild holding the pipe
        // open must not hang the test.
        _ = drained.wait(timeout: .now() + 2)
        return lock.withLock {
            NetworkNamespaceLab.CommandResult(
                command: command,
                status: process.isRunning ? -1 : process.terminationStatus,
                standardOutput: String(decoding: output, as: UTF8.self),
                standardError: String(decoding: errors, as: UTF8.self),
                timedOut: timedOut
            )
        }
    }

    /// SIGTERM, then SIGKILL if the process is still there a second later.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        if exited.wait(timeout: .now() + 1) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 2)
        } else {
            exited.signal() // leave the signal for wait(timeout:)
        }
    }

    private func drain(_ handle: FileHandle, into append: @escaping @Sendable (Data) -> Void) {
        drained.enter()
        DispatchQueue.global().async { [lock, drained] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.withLock { append(chunk) }
            }
            drained.leave()
        }
    }
}
