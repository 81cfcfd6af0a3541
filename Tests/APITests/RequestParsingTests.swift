import VFAPI
import VFGraph
import VFGraphStore
import XCTest
import VFJSON

final class RequestParsingTests: XCTestCase {
    let entry = "%" + String(repeating: "A", count: 43) + "=.vf1"
    let feed = "@AB/+" + String(repeating: "A", count: 39) + "=.ed25519"

    func testRoutes() {
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/").get(), .staticFile(path: "/index.html"))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/assets/app.js").get(), .staticFile(path: "/assets/app.js"))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/feeds").get(), .feeds)
        XCTAssertEqual(try APIRoute.match(method: "POST", path: "/api/entries").get(), .publish)
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/entries/" + entry).get(), .entry(id: entry))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/entries/%25" + entry.dropFirst()).get(), .entry(id: entry))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/feeds/" + feed + "/entries").get(), .feedEntries(feed: feed))
        let encoded = feed.replacingOccurrences(of: "/", with: "%2F").replacingOccurrences(of: "+", with: "%2B")
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/feeds/" + encoded + "/entries").get(), .feedEntries(feed: feed))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/trace/x").get(), .trace(id: "x"))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/processes/%25" + entry.dropFirst()).get(), .process(id: entry))
        XCTAssertEqual(APIRoute.match(method: "GET", path: "/api/processes/"), .failure(.notFound("no such endpoint: /api/processes/")))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/progress/" + entry).get(), .progress(id: entry))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/progress/" + entry + "/commitments").get(), .promisingCommitments(intent: entry))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/processes/" + entry + "/planned-inputs").get(), .plannedInputs(process: entry))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/processes/" + entry + "/planned-outputs").get(), .plannedOutputs(process: entry))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/plans/" + entry + "/members").get(), .planMembers(plan: entry))
        let slashed = "%ab/" + String(repeating: "A", count: 40) + "=.vf1"
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/plans/" + slashed + "/members").get(), .planMembers(plan: slashed))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/plans/%25ab%2F" + String(repeating: "A", count: 40) + "=.vf1/processes").get(),
                       .planProcesses(plan: slashed))
        XCTAssertEqual(try APIRoute.match(method: "GET", path: "/api/plans/" + entry + "/processes").get(), .planProcesses(plan: entry))
        XCTAssertEqual(APIRoute.match(method: "GET", path: "/api/plans//members"), .failure(.notFound("no such endpoint: /api/plans//members")))
        XCTAssertEqual(APIRoute.match(method: "GET", path: "/api/nothing"), .failure(.notFound("no such endpoint: /api/nothing")))
        XCTAssertEqual(APIRoute.match(method: "DELETE", path: "/api/entries"), .failure(.methodNotAllowed(allowed: "POST")))
        XCTAssertEqual(APIRoute.match(method: "POST", path: "/api/feeds"), .failure(.methodNotAllowed(allowed: "GET")))
        XCTAssertEqual(APIRoute.match(method: "POST", path: "/"), .failure(.methodNotAllowed(allowed: "GET")))
        XCTAssertTrue(APIRoute.publish.isWrite)
        XCTAssertFalse(APIRoute.feeds.isWrite)
        XCTAssertFalse(APIRoute.staticFile(path: "/").isAPI)
    }

    func testEntryPages() throws {
        XCTAssertTrue(try QueryParameters(nil).entryPage() == (1, 100))
        XCTAssertTrue(try QueryParameters("from=7&limit=500").entryPage() == (7, 500))
        for bad in ["from=0", "from=-1", "from=x", "limit=0", "limit=501", "limit=1e3", "from=99999999999999999999"] {
            XCTAssertThrowsError(try QueryParameters(bad).entryPage(), bad) { error in
                XCTAssertEqual((error as? APIError)?.status, 400)
            }
        }
        XCTAssertEqual(QueryParameters("token=a%2Bb&x=1+2&token=second")["token"], "a+b")
        XCTAssertEqual(QueryParameters("token=a%2Bb&x=1+2")["x"], "1 2")
    }

    /// `q` is at most 200 characters and 800 bytes: one character of many combining marks is
    /// refused by its bytes.
    func testASearchIsBoundedInCharactersAndBytes() throws {
        let accented = "a" + String(repeating: "\u{301}", count: 400)
        XCTAssertEqual(accented.count, 1)
        for (query, refused) in [("q=" + String(repeating: "w", count: 200), false), ("q=" + String(repeating: "w", count: 201), true),
                                 ("q=" + String(repeating: "%C3%B6", count: 200), false),
                                 ("q=" + accented.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, true)] {
            do {
                let page = try QueryParameters(query).listingPage({ $0 }, searchable: true)
                XCTAssertFalse(refused, "\(query.prefix(40))… was read")
                XCTAssertNotNil(page.search)
            } catch {
                XCTAssertTrue(refused, "\(query.prefix(40))…: \(error)")
                XCTAssertEqual(error.status, 400)
            }
        }
    }

    /// A listing whose rows hold lists of lists takes a smaller page: at most its maximum, and that by default.
    func testAListingMayTakeASmallerPage() throws {
        XCTAssertEqual(try QueryParameters("").listingPage({ $0 }).limit, 100)
        XCTAssertEqual(try QueryParameters("").listingPage({ $0 }, maximum: 10).limit, 10)
        XCTAssertEqual(try QueryParameters("limit=7").listingPage({ $0 }, maximum: 10).limit, 7)
        XCTAssertThrowsError(try QueryParameters("limit=11").listingPage({ $0 }, maximum: 10)) { error in
            XCTAssertEqual((error as? APIError)?.status, 400)
        }
        XCTAssertEqual(try QueryParameters("limit=1000").listingPage({ $0 }).limit, 1000)
    }

    func testPublishEnvelope() throws {
        XCTAssertEqual(try PublishRequest.payload(from: Array(#"{"payload": {"b": 1.50, "a": "x"}}"#.utf8)), Array(#"{"a":"x","b":1.50}"#.utf8))
        let refusals = [
            #"{"payload": {"a": 1}"#: "malformed JSON",
            #"[1]"#: "must be a JSON object",
            #"{"payload": {"a": 1}, "extra": true}"#: "unknown field \"extra\"",
            #"{}"#: "missing field \"payload\"",
            #"{"payload": [1]}"#: "\"payload\" must be a JSON object",
            #"{"payload": {"a": 1, "a": 2}}"#: "duplicate",
            "": "malformed JSON",
        ]
        for (body, expected) in refusals {
            XCTAssertThrowsError(try PublishRequest.payload(from: Array(body.utf8)), body) { error in
                let error = error as? APIError
                XCTAssertEqual(error?.status, 400, body)
                XCTAssertTrue(error?.reason.contains(expected) == true, "\(body): \(error?.reason ?? "")")
            }
        }
    }

    func testUnknownValueFlowsProperties() throws {
        func unknown(_ text: String) throws -> String? { KnownProperties.firstUnknown(in: try JSONParser.parse(text)) }
        XCTAssertNil(try unknown(#"{"@context": "x", "@type": "EconomicEvent", "action": "produce", "resourceQuantity": {"hasNumericalValue": "1", "hasUnit": "kg"}}"#))
        XCTAssertEqual(try unknown(#"{"@type": "EconomicEvent", "action": "produce", "provder": "x"}"#), "provder")
        XCTAssertEqual(try unknown(#"{"@type": "vf:Process", "name": "p", "colour": "red"}"#), "colour")
        XCTAssertEqual(try unknown(#"{"@type": "EconomicEvent", "resourceQuantity": {"hasNumericalValue": "1", "unit": "kg"}}"#), "resourceQuantity.unit")
        XCTAssertEqual(try unknown(#"{"@type": "EconomicEvent", "newInventoriedResource": {"name": "a", "nmae": "b"}}"#), "newInventoriedResource.nmae")
        XCTAssertNil(try unknown(#"{"@type": "Note", "anything": 1}"#), "not a ValueFlows type: not ours to police")
        XCTAssertNil(try unknown(#"{"anything": 1}"#))
    }

    func testStaticPaths() {
        XCTAssertEqual(StaticFiles.relativePath("/index.html"), "index.html")
        XCTAssertEqual(StaticFiles.relativePath("/assets/app.js"), "assets/app.js")
        for bad in ["/../secret", "/assets/../../x", "/%2e%2e/x", "/assets/%2E%2E/%2E%2E/x", "//etc/passwd", "/.env", "/a\\..\\b", "/a/", "relative"] {
            XCTAssertNil(StaticFiles.relativePath(bad), bad)
        }
        XCTAssertEqual(StaticFiles.contentType(forPath: "a/app.JS"), "text/javascript; charset=utf-8")
        XCTAssertEqual(StaticFiles.contentType(forPath: "index.html"), "text/html; charset=utf-8")
        XCTAssertEqual(StaticFiles.contentType(forPath: "x.css"), "text/css; charset=utf-8")
        XCTAssertEqual(StaticFiles.contentType(forPath: "x.bin"), "application/octet-stream")
    }

    func testServerSentEventEncoding() {
        XCTAssertEqual(ServerSentEvent(name: "entry", data: #"{"a":1}"#).encoded, "event: entry\ndata: {\"a\":1}\n\n")
        XCTAssertEqual(ServerSentEvent(name: "x", data: "one\ntwo").encoded, "event: x\ndata: one\ndata: two\n\n")
        XCTAssertEqual(ServerSentEvent.comment("keep-alive").encoded, ": keep-alive\n\n")
    }

    func testServerURL() {
        XCTAssertEqual(APIServer.url(host: "127.0.0.1", port: 8650), "http://127.0.0.1:8650/")
        XCTAssertEqual(APIServer.url(host: "0.0.0.0", port: 1), "http://127.0.0.1:1/")
        XCTAssertEqual(APIServer.url(host: "::1", port: 2), "http://[::1]:2/")
    }
}
