import VFLog
import XCTest
@testable import VFGraph
@testable import VFGraphStore
import VFJSON

/// What `vf publish` refuses before signing, and what it lets through.
final class PublishCheckTests: XCTestCase {
    func testRefusesMalformedUnknownAndUnauthorizedButPassesOtherJSON() {
        let net = Fixture()
        let farm = net.agent("farm"), mill = net.agent("mill")
        let wheat = net.raise(farm, "10", "kg", name: "wheat")
        var builder = GraphBuilder()
        builder.insert(net.entries)
        var millCheck = PublishCheck(builder: builder, author: mill.feed, headSequence: 0, timestamp: 1_800_000_000_000)

        func event(_ action: String, provider: Fixture.Agent, receiver: Fixture.Agent, _ fields: [JSONName: JSONValue]) -> [UInt8] {
            var json: [JSONName: JSONValue] = ["@type": "EconomicEvent", "action": .string(action),
                                             "provider": .string(provider.id), "receiver": .string(receiver.id)]
            json.merge(fields) { _, new in new }
            return JSONValue.object(json).serialized
        }

        XCTAssertEqual(millCheck.check(Array(#"{"@type":"vf:Contact","name":"x"}"#.utf8)), .notValueFlows)
        XCTAssertEqual(millCheck.check(Array(#"{"hello":"world"}"#.utf8)), .notValueFlows)
        guard case let .refused(unknown) = millCheck.check(event("teleport", provider: mill, receiver: mill, [:])) else {
            return XCTFail("an unknown action must be refused")
        }
        XCTAssertTrue(unknown.hasPrefix("unknown action \"teleport\""), unknown)
        guard case let .refused(reason) = millCheck.check(event("consume", provider: mill, receiver: mill,
                ["resourceInventoriedAs": .string(ResourceID(createdBy: EntryID(hash: .zero)).description), "resourceQuantity": qty("1", "kg")]))
        else { return XCTFail("an unknown resource must be refused") }
        XCTAssertTrue(reason.contains("not known"), reason)
        // The mill may not consume the farm's wheat.
        guard case let .refused(why) = millCheck.check(event("consume", provider: mill, receiver: mill,
                ["resourceInventoriedAs": ref(wheat), "resourceQuantity": qty("1", "kg")]))
        else { return XCTFail("consuming someone else's resource must be refused") }
        XCTAssertFalse(why.isEmpty)

        var farmCheck = PublishCheck(builder: builder, author: farm.feed, headSequence: 1, timestamp: 1_800_000_000_000)
        XCTAssertEqual(farmCheck.check(event("consume", provider: farm, receiver: farm,
                                             ["resourceInventoriedAs": ref(wheat), "resourceQuantity": qty("1", "kg")])), .accepted)
        XCTAssertEqual(farmCheck.check(Array(#"{"@type":"Process","name":"milling"}"#.utf8)), .accepted)
    }

    /// A misspelt property is refused by name, at the top level and inside a quantity or a new
    /// resource; JSON-LD keywords pass.
    func testRefusesPropertiesTheTypeLacks() {
        let net = Fixture()
        let farm = net.agent("farm")
        var builder = GraphBuilder()
        builder.insert(net.entries)
        func check(_ text: String) -> PublishVerdict {
            var check = PublishCheck(builder: builder, author: farm.feed, headSequence: 0, timestamp: 1_800_000_000_000)
            return check.check(Array(text.replacingOccurrences(of: "ME", with: farm.id).utf8))
        }
        let produce = #""@type":"EconomicEvent","action":"produce","provider":"ME","receiver":"ME""#
        XCTAssertEqual(check(#"{"@type":"Process","name":"milling","nmae":"x"}"#), .refused(#"Process has no property "nmae""#))
        XCTAssertEqual(check("{\(produce),\"resourceQuantity\":{\"hasNumericalValue\":\"1\",\"hasUnit\":\"kg\",\"unit\":\"kg\"},\"newInventoriedResource\":{\"name\":\"w\"}}"),
                       .refused(#"EconomicEvent has no property "resourceQuantity.unit""#))
        XCTAssertEqual(check("{\(produce),\"resourceQuantity\":{\"hasNumericalValue\":\"1\",\"hasUnit\":\"kg\"},\"newInventoriedResource\":{\"nam\":\"w\"}}"),
                       .refused(#"EconomicEvent has no property "newInventoriedResource.nam""#))
        XCTAssertEqual(check("{\"@context\":\"https://w3id.org/valueflows/ont/vf#\",\(produce),\"resourceQuantity\":{\"hasNumericalValue\":\"1\",\"hasUnit\":\"kg\"},\"newInventoriedResource\":{\"name\":\"w\"}}"),
                       .accepted)
    }
}
