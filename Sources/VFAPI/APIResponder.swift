import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VFLog
import VFShapes

/// Answers every HTTP request: the access policy first, then the route, each error as
/// `{"error": …}` with its status. The decisions are made by pure parts (``APIRoute``,
/// ``AccessPolicy``, ``QueryParameters``, ``PublishRequest``); this type only connects them to HTTP.
struct APIResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let context: APIContext
    let policy: AccessPolicy
    let files: StaticFiles
    let reads: ReadEndpoints
    let publisher: Publisher
    let hub: EventHub

    init(context: APIContext, policy: AccessPolicy, files: StaticFiles, hub: EventHub, blocking: BlockingPool) {
        self.context = context
        self.policy = policy
        self.files = files
        self.reads = ReadEndpoints(context: context, blocking: blocking)
        self.publisher = Publisher(context: context)
        self.hub = hub
    }

    func respond(to request: Request, context _: BasicRequestContext) async throws -> Response {
        do {
            return try await route(request)
        } catch let error as APIError {
            return Self.error(error)
        } catch {
            return Self.error(APIError(500, "\(error)"))
        }
    }

    private static let hostField = HTTPField.Name("Host")!

    private func route(_ request: Request) async throws -> Response {
        let path = request.uri.path
        let query = QueryParameters(request.uri.query)
        let route: APIRoute
        switch APIRoute.match(method: request.method.rawValue, path: path) {
        case let .success(matched): route = matched
        case let .failure(.notFound(reason)): throw APIError.notFound(reason)
        case let .failure(.methodNotAllowed(allowed)):
            var response = Self.error(APIError(405, "\(request.method.rawValue) is not allowed here; use \(allowed)"))
            response.headers[.allow] = allowed
            return response
        }
        let access = AccessPolicy.Request(
            isWrite: route.isWrite, isAPI: route.isAPI,
            host: request.head.authority,
            authorization: request.headers[.authorization],
            queryToken: route == .stream ? query["token"] : nil,
            // The first Host header became the authority; any other stays among the fields.
            hostHeaderCount: (request.head.authority == nil ? 0 : 1) + request.headers[values: Self.hostField].count)
        if case let .refuse(status, reason) = policy.decide(access) {
            var response = Self.error(APIError(status, reason))
            if status == 401 { response.headers[.wwwAuthenticate] = "Bearer" }
            return response
        }
        switch route {
        case .node: return Self.json(reads.node())
        case .feeds: return Self.json(bytes: try await reads.feeds(query))
        case let .feedEntries(feed): return Self.json(bytes: try await reads.feedEntries(feed, query: query))
        case let .entry(id): return Self.json(bytes: try await reads.entry(id))
        case .publish:
            let body = try await Self.collectBody(request)
            let signed = try await publisher.publish(body: body)
            return Self.json(bytes: try await reads.entry(signed), status: .created)
        case .resources: return Self.json(bytes: try await reads.resources(query))
        case let .resource(id): return Self.json(bytes: try await reads.resource(id, query: query))
        case let .process(id): return Self.json(bytes: try await reads.process(id, query: query))
        case let .progress(id): return Self.json(bytes: try await reads.progress(id, query: query))
        case let .promisingCommitments(intent): return Self.json(bytes: try await reads.promisingCommitments(intent, query: query))
        case let .plannedInputs(process): return Self.json(bytes: try await reads.plannedFlows(process, outputs: false, query: query))
        case let .plannedOutputs(process): return Self.json(bytes: try await reads.plannedFlows(process, outputs: true, query: query))
        case let .planMembers(plan): return Self.json(bytes: try await reads.planMembers(plan, query: query))
        case let .planProcesses(plan): return Self.json(bytes: try await reads.planProcesses(plan, query: query))
        case .processes: return Self.json(bytes: try await reads.processes(query))
        case .agents: return Self.json(bytes: try await reads.agents(query))
        case .specifications: return Self.json(bytes: try await reads.specifications(query))
        case let .trace(id): return Self.json(bytes: try await reads.flow(id, backwards: true, query: query))
        case let .track(id): return Self.json(bytes: try await reads.flow(id, backwards: false, query: query))
        case let .proof(id): return Self.json(bytes: try await reads.proof(id))
        case let .planning(kind): return Self.json(bytes: try await reads.planning(kind, query))
        case .peers: return Self.json(bytes: try await reads.peers(query))
        case .sync: return Self.json(await reads.sync())
        case .stream: return await stream()
        case let .staticFile(path): return try staticFile(path)
        }
    }

    /// The request body, refused with 413 past ``PublishRequest/maximumBodySize``: by its
    /// declared length before reading anything, else as soon as the bytes pass the limit.
    private static func collectBody(_ request: Request) async throws -> [UInt8] {
        let limit = PublishRequest.maximumBodySize
        let tooLarge = APIError(413, "the body is over the limit of \(limit) bytes")
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw tooLarge }
        var bytes: [UInt8] = []
        for try await var buffer in request.body {
            guard bytes.count + buffer.readableBytes <= limit else { throw tooLarge }
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
        return bytes
    }

    private func stream() async -> Response {
        guard let (id, events) = hub.subscribe() else {
            return Self.error(APIError(503, "too many open event streams (\(EventHub.maximumSubscribers)); close one and retry"))
        }
        let hub = self.hub
        let first = ServerSentEvent(name: "sync", data: JSONText.string(await SyncStatus.current(of: context.node).json))
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer { hub.unsubscribe(id) }
            try await writer.write(ByteBuffer(string: ": vf event stream\n\n" + first.encoded))
            for await event in events { try await writer.write(ByteBuffer(string: event.encoded)) }
            try await writer.finish(nil)
        })
    }

    private func staticFile(_ path: String) throws -> Response {
        let file = try files.file(for: path)
        var headers = HTTPFields()
        headers[.contentType] = file.contentType
        // Not framed by other sites (clickjacking the forms while the page holds the token).
        headers[.contentSecurityPolicy] = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    static func json(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        json(bytes: Array(JSONText.data(value)), status: status)
    }

    /// A JSON answer already written.
    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ error: APIError) -> Response {
        json(["error": error.reason], status: HTTPResponse.Status(code: error.status))
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
