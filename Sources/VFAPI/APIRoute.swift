import Foundation

/// The planning listings of the API (docs/api.md, "Planning and exchange").
public enum PlanningListingKind: String, Equatable, Sendable {
    case offers, needs, commitments, claims, agreements, plans
}

/// What a request asks for, read from its method and path. Pure.
///
/// Ids in paths are their text forms, percent-encoded or not: `%` starts every entry and
/// resource id and `/` appears in base64, so a segment is taken as it stands when it already
/// reads as an id, and percent-decoded otherwise.
public enum APIRoute: Equatable, Sendable {
    case node
    case feeds
    case feedEntries(feed: String)
    case entry(id: String)
    case publish
    case resources
    case resource(id: String)
    case processes
    case process(id: String)
    case agents
    case specifications
    case trace(id: String)
    case track(id: String)
    /// A provenance proof of a resource or an event (docs/protocol.md §17).
    case proof(id: String)
    /// Planning and exchange: open offers and needs, commitments, claims, agreements and plans.
    case planning(PlanningListingKind)
    /// How far one intent, commitment or claim has come, with the events that count, a page at a time.
    case progress(id: String)
    /// The commitments that promise an intent, a page at a time.
    case promisingCommitments(intent: String)
    /// The intents, commitments and claims planned as a process's inputs, or outputs, a page at a time.
    case plannedInputs(process: String)
    case plannedOutputs(process: String)
    /// A plan's members, or its processes, a page at a time.
    case planMembers(plan: String)
    case planProcesses(plan: String)
    case peers
    case sync
    case stream
    /// A file of the web page: `index.html` for `/`, else the path under the web root.
    case staticFile(path: String)

    /// Why a request has no route: unknown path (404) or a method the path does not take (405).
    public enum Failure: Error, Equatable, Sendable {
        case notFound(String)
        case methodNotAllowed(allowed: String)
    }

    /// Whether the route changes anything.
    public var isWrite: Bool { self == .publish }

    /// Whether the route is under `/api/`.
    public var isAPI: Bool {
        if case .staticFile = self { return false }
        return true
    }

    /// - Parameters:
    ///   - method: the HTTP method, upper case.
    ///   - path: the request path without the query, as sent (not yet percent-decoded).
    public static func match(method: String, path: String) -> Result<APIRoute, Failure> {
        guard path.hasPrefix("/api/") || path == "/api" else {
            guard method == "GET" else { return .failure(.methodNotAllowed(allowed: "GET")) }
            return .success(.staticFile(path: path == "/" ? "/index.html" : path))
        }
        let rest = String(path.dropFirst("/api/".count))
        let route: APIRoute?
        switch rest {
        case "node": route = .node
        case "feeds": route = .feeds
        case "entries": route = .publish
        case "resources": route = .resources
        case "processes": route = .processes
        case "agents": route = .agents
        case "specifications": route = .specifications
        case "offers": route = .planning(.offers)
        case "needs": route = .planning(.needs)
        case "commitments": route = .planning(.commitments)
        case "claims": route = .planning(.claims)
        case "agreements": route = .planning(.agreements)
        case "plans": route = .planning(.plans)
        case "peers": route = .peers
        case "sync": route = .sync
        case "stream": route = .stream
        default: route = parameterised(rest)
        }
        guard let route else { return .failure(.notFound("no such endpoint: \(path)")) }
        let expected = route == .publish ? "POST" : "GET"
        guard method == expected else { return .failure(.methodNotAllowed(allowed: expected)) }
        return .success(route)
    }

    private static func parameterised(_ rest: String) -> APIRoute? {
        // Sub-collections first: an id never ends in one of their names.
        for (prefix, suffix, make) in [("feeds/", "/entries", APIRoute.feedEntries), ("plans/", "/members", APIRoute.planMembers),
                                       ("progress/", "/commitments", APIRoute.promisingCommitments),
                                       ("processes/", "/planned-inputs", APIRoute.plannedInputs),
                                       ("processes/", "/planned-outputs", APIRoute.plannedOutputs),
                                       ("plans/", "/processes", APIRoute.planProcesses)] as [(String, String, (String) -> APIRoute)]
        where rest.hasPrefix(prefix) && rest.hasSuffix(suffix) && rest.count > prefix.count + suffix.count {
            return make(idText(String(rest.dropFirst(prefix.count).dropLast(suffix.count))))
        }
        for (prefix, make) in [("entries/", APIRoute.entry), ("resources/", APIRoute.resource), ("processes/", APIRoute.process),
                               ("progress/", APIRoute.progress),
                               ("trace/", APIRoute.trace), ("track/", APIRoute.track), ("proof/", APIRoute.proof)] as [(String, (String) -> APIRoute)] {
            if rest.hasPrefix(prefix), rest.count > prefix.count { return make(idText(String(rest.dropFirst(prefix.count)))) }
        }
        return nil
    }

    /// An id as the client sent it: kept when it already has an id's shape, else percent-decoded.
    static func idText(_ raw: String) -> String {
        if looksLikeID(raw) { return raw }
        return raw.removingPercentEncoding ?? raw
    }

    /// `@….ed25519`, `%….vf1` or `%….vf1res` with 44 base64 characters.
    static func looksLikeID(_ text: String) -> Bool {
        for (sigil, suffix) in [("@", ".ed25519"), ("%", ".vf1"), ("%", ".vf1res")] where text.hasPrefix(sigil) && text.hasSuffix(suffix) {
            if text.count == sigil.count + 44 + suffix.count { return true }
        }
        return false
    }
}
