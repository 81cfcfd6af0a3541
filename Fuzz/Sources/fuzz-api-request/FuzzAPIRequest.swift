import FuzzSupport
import VFAPI
import VFGraph
import VFLog
import VFJSON

/// The pure parts of the HTTP API that read a request: the route from the method and path,
/// ids in the path, the query string and its paging, the access policy (Host and
/// Authorization headers), static file paths, and the publish body.
///
/// The input is `method \n path \n query \n host \n authorization \n body`; missing lines are
/// absent headers. An accepted publish body must yield canonical JSON text of an object.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAPIRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput(data, size).bytes
    let parts = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 5, omittingEmptySubsequences: false)
    func line(_ n: Int) -> String? { n < parts.count ? String(decoding: parts[n], as: UTF8.self) : nil }
    let method = line(0) ?? "GET", path = line(1) ?? "/"
    let body = parts.count > 5 ? Array(parts[5]) : []

    let route = try? APIRoute.match(method: method, path: path).get()
    switch route {
    case let .feedEntries(feed)?: _ = try? FeedID(parsing: feed)
    case let .entry(id)?: _ = try? EntryID(parsing: id)
    case let .resource(id)?: _ = try? FlowStart.resourceID(id)
    // Looking the start up needs the tables; reading it does not.
    case let .trace(id)?, let .track(id)?: _ = try? FlowStart.resourceID(id); _ = try? EntryID(parsing: id); _ = try? ListingCursor.order(id)
    case let .staticFile(file)?:
        if let relative = StaticFiles.relativePath(file) {
            fuzzRequire(!relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }), "a static path never names a dot-file or steps up")
            _ = StaticFiles.contentType(forPath: relative)
        }
    default: break
    }

    let query = QueryParameters(line(2))
    if let page = try? query.entryPage() {
        fuzzRequire(page.from >= 1 && (1...QueryParameters.maximumLimit).contains(page.limit), "paging stays in bounds")
    }

    let host = line(3), authorization = line(4)
    for loopback in [true, false] {
        let policy = AccessPolicy(token: APIToken(text: "fuzz-token"), boundToLoopback: loopback)
        _ = policy.decide(.init(isWrite: route?.isWrite ?? true, isAPI: route?.isAPI ?? true,
                                host: host, authorization: authorization, queryToken: query["token"]))
    }
    if let host { _ = AccessPolicy.isLoopbackHostHeader(host); _ = AccessPolicy.isLoopbackAddress(host) }
    if let authorization { _ = AccessPolicy.bearerToken(authorization) }

    if let payload = try? PublishRequest.payload(from: body) {
        let value = try? JSONParser.parse(payload)
        fuzzRequire(value?.objectValue != nil, "a published payload is a JSON object")
        fuzzRequire(value?.serialized == payload, "a published payload is canonical text")
    }
    // The body alone, as most inputs will have no newline to reach it.
    _ = try? PublishRequest.payload(from: bytes)
    return 0
}
