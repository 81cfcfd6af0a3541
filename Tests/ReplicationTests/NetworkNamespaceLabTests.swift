import Foundation
import XCTest

/// The lab itself: three hosts on one segment that reach each other by
/// unicast and by broadcast, and leave nothing behind.
final class NetworkNamespaceLabTests: XCTestCase {
    /// Waits for one datagram on a port and prints it with its sender.
    private static let listener = """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", int(sys.argv[1])))
        s.settimeout(float(sys.argv[2]))
        data, sender = s.recvfrom(512)
        print(data.decode(), "from", sender[0], flush=True)
        """

    /// Sends a datagram every 100 ms, because the listener may not be bound yet.
    private static let sender = """
        import socket, sys, time
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        for _ in range(int(sys.argv[4])):
            s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))
            time.sleep(0.1)
        """

    func testThreeHostsReachEachOtherByUnicastAndBroadcast() throws {
        guard let python = NetworkNamespaceLab.findExecutable("python3") else {
            throw XCTSkip("the lab probes need python3")
        }
        let lab = try NetworkNamespaceLab(count: 3)
        addTeardownBlock { lab.tearDown() }
        XCTAssertEqual(lab.addresses, ["10.213.1.1", "10.213.1.2", "10.213.1.3"])

        // Unicast from host 0 to host 2.
        let unicastListener = try lab.start(in: 2, [python, "-c", Self.listener, "9001", "8"])
        let unicastSender = try lab.start(
            in: 0, [python, "-c", Self.sender, lab.addresses[2], "9001", "unicast-probe", "60"]
        )
        let unicast = unicastListener.wait(timeout: 10)
        unicastSender.stop()
        XCTAssertTrue(unicast.succeeded, "\(unicast)")
        XCTAssertEqual(unicast.standardOutput, "unicast-probe from 10.213.1.1\n")

        // Broadcast from host 0 reaches both other hosts.
        let broadcastListeners = try [1, 2].map { try lab.start(in: $0, [python, "-c", Self.listener, "9002", "8"]) }
        let broadcastSender = try lab.start(
            in: 0, [python, "-c", Self.sender, lab.broadcastAddress, "9002", "broadcast-probe", "60"]
        )
        for listener in broadcastListeners {
            let result = listener.wait(timeout: 10)
            XCTAssertTrue(result.succeeded, "\(result)")
            XCTAssertEqual(result.standardOutput, "broadcast-probe from 10.213.1.1\n")
        }
        broadcastSender.stop()

        // The segment exists only inside the lab: the test's own namespace has no route to it.
        let rootRoutes = (try? String(contentsOfFile: "/proc/net/fib_trie", encoding: .utf8)) ?? ""
        XCTAssertFalse(rootRoutes.contains("10.213.1."), "lab addresses leaked into the root namespace")

        let names = [lab.hub] + lab.namespaces
        XCTAssertTrue(names.allSatisfy(lab.namespaceExists))
        lab.tearDown()
        XCTAssertFalse(names.contains(where: lab.namespaceExists), "tearDown left namespaces behind")
        lab.tearDown()
    }

    func testCommandsRunInsideTheirHost() throws {
        let lab = try NetworkNamespaceLab(count: 2, subnet: 2)
        addTeardownBlock { lab.tearDown() }
        let result = try lab.run(in: 1, [lab.ipPath, "-4", "-o", "addr", "show", "dev", "eth0"])
        XCTAssertTrue(result.succeeded, "\(result)")
        XCTAssertTrue(result.standardOutput.contains("inet 10.213.2.2/24 brd 10.213.2.255"), result.standardOutput)

        let slow = try lab.run(in: 0, ["sleep", "30"], timeout: 0.5)
        XCTAssertTrue(slow.timedOut)
        XCTAssertFalse(slow.succeeded)
    }
}
