import Foundation

/// A deliberately small HTTP/1.1 client over a POSIX socket, so tests control every byte:
/// any Host header, bodies larger than the server accepts, and streams read line by line.
/// Blocking calls run on a global queue, never on the cooperative pool the server needs.
struct RawHTTPClient: Sendable {
    let port: Int

    struct Response: Sendable {
        let status: Int
        let headers: [String: String]
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
        var object: [String: Any] { ((try? json()) as? [String: Any]) ?? [:] }
        var array: [[String: Any]] { ((try? json()) as? [[String: Any]]) ?? [] }
        /// The items of a listing's page, `{"items": […], "next": …}`.
        var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
        /// A listing's `next`: nil when it is null (the last page) or missing.
        var next: String? { object["next"] as? String }
        var error: String { object["error"] as? String ?? "" }
    }

    struct ClientError: Error, CustomStringConvertible {
        let description: String
    }

    func request(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8]? = nil,
                 host: String? = nil) async throws -> Response {
        let port = self.port
        return try await Self.offPool {
            let socket = try Socket(port: port)
            defer { socket.close() }
            var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            if let body { head += "Content-Length: \(body.count)\r\n" }
            head += "\r\n"
            try socket.send(Array(head.utf8))
            // The server may answer and close before taking a large body: that is fine.
            if let body { try? socket.send(body) }
            return try Self.parse(socket.readToEnd())
        }
    }

    func get(_ path: String, token: String? = nil, host: String? = nil) async throws -> Response {
        try await request("GET", path, headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:], host: host)
    }

    /// Opens `path` as an event stream and returns the socket once the response head is read.
    func openStream(_ path: String) async throws -> EventStreamReader {
        let port = self.port
        return try await Self.offPool {
            let socket = try Socket(port: port)
            try socket.send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n".utf8))
            let reader = EventStreamReader(socket: socket)
            let status = try reader.readLine(timeout: 5)
            guard status.hasPrefix("HTTP/1.1 200") else { throw ClientError(description: "stream answered \(status)") }
            while try !reader.readLine(timeout: 5).isEmpty {}
            return reader
        }
    }

    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    static func parse(_ bytes: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
            throw ClientError(description: "no response head in \(bytes.count) bytes")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = head.first, statusLine.count >= 12, let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw ClientError(description: "bad status line")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [], i = 0
        while i < bytes.count {
            guard let lineEnd = bytes[i...].indices.first(where: { bytes[$0] == 13 }) else { break }
            let size = Int(String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "", radix: 16) ?? 0
            if size == 0 { break }
            let start = lineEnd + 2
            out += bytes[start..<min(start + size, bytes.count)]
            i = start + size + 2
        }
        return out
    }
}

/// A connected TCP socket to 127.0.0.1.
final class Socket: @unchecked Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPClient.ClientError(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Foundation.close(fd)
            throw RawHTTPClient.ClientError(description: "connect to port \(port): errno \(errno)")
        }
        setTimeout(10)
    }

    func setTimeout(_ seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw RawHTTPClient.ClientError(description: "send: errno \(errno)") }
            sent += n
        }
    }

    /// One read; empty at the end of the stream, nil on timeout.
    func readSome() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 { return nil }
        return Array(buffer[..<n])
    }

    func readToEnd() throws -> [UInt8] {
        var all: [UInt8] = []
        while true {
            guard let chunk = readSome() else { throw RawHTTPClient.ClientError(description: "timed out reading the response") }
            if chunk.isEmpty { return all }
            all += chunk
        }
    }

    func close() { Foundation.close(fd) }
}

/// Reads an event stream's lines as they arrive (chunk-size lines of the chunked encoding are
/// skipped by the caller looking only for `event:` and `data:`).
final class EventStreamReader: @unchecked Sendable {
    let socket: Socket
    private var pending: [UInt8] = []

    init(socket: Socket) { self.socket = socket }

    func readLine(timeout: Int) throws -> String {
        socket.setTimeout(timeout)
        while true {
            if let newline = pending.firstIndex(of: 10) {
                var line = Array(pending[..<newline])
                pending.removeFirst(newline + 1)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard let chunk = socket.readSome() else { throw RawHTTPClient.ClientError(description: "timed out waiting for a line") }
            guard !chunk.isEmpty else { throw RawHTTPClient.ClientError(description: "stream closed") }
            pending += chunk
        }
    }

    /// The data of the next event named `name`, waiting at most `timeout` seconds in all.
    func next(event name: String, timeout: TimeInterval) async throws -> String {
        try await RawHTTPClient.offPool {
            let deadline = Date().addingTimeInterval(timeout)
            var current: String?
            while Date() < deadline {
                let line = try self.readLine(timeout: max(1, Int(deadline.timeIntervalSinceNow.rounded(.up))))
                if line.hasPrefix("event: ") { current = String(line.dropFirst(7)) }
                if line.hasPrefix("data: "), current == name { return String(line.dropFirst(6)) }
            }
            throw RawHTTPClient.ClientError(description: "no \(name) event within \(timeout) s")
        }
    }

    func close() { socket.close() }
}
