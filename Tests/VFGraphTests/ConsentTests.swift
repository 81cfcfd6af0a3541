import Foundation
import GRDB
import VFJSON
import VFLog
import VFTestSupport
import XCTest
@testable import VFGraph
@testable import VFGraphStore
@testable import VFProof

/// Consent (issue 13, docs/protocol.md §16): the mill proposes an agreement by which the farm
/// delivers 400 kg of wheat into the mill's own stock, at the mill's yard. Without the farm's
/// acceptance neither may change the other's resource; with it, events that fulfil the
/// commitment may, up to the 400 kg promised, and only the resources the commitment is about.
final class ConsentTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "vf-consent-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private struct Deal {
        let net: SignedNetwork
        let farmWheat: ResourceID, millWheat: ResourceID, farmOats: ResourceID
        let commitment: EntryID, agreement: EntryID
        /// The farm's delivery into the mill's stock, with the mill's yard as its location.
        let delivery: EntryID
        /// The mill's record of taking the rest out of the farm's stock.
        let pickup: EntryID
        /// 10 kg more than was promised, recorded by the mill.
        let beyond: EntryID
        /// Oats, which the commitment is not about, taken by the mill.
        let oats: EntryID
    }

    /// The deal, with times in ms from 2030-01-01 for the entries of the agreement.
    private func deal(_ name: String = "source") throws -> Deal {
        let net = try SignedNetwork(path: directory + "/\(name).sqlite")
        let farm = net.id("farm"), mill = net.id("mill")
        let spec = try net.post("mill", ["@type": "ResourceSpecification", "name": "wheat", "defaultUnitOfResource": "kg"])
        func stock(_ owner: String, _ amount: String, _ name: String, _ conformsTo: EntryID?) throws -> ResourceID {
            var fields: [JSONName: JSONValue] = ["resourceQuantity": qty(amount, "kg"), "newInventoriedResource": ["name": .string(name)],
                                                 "hasPointInTime": "2029-12-01T00:00:00Z"]
            if let conformsTo { fields["resourceConformsTo"] = ref(conformsTo) }
            return ResourceID(createdBy: try net.event("raise", provider: owner, fields))
        }
        let farmWheat = try stock("farm", "1000", "farm wheat", spec)
        let millWheat = try stock("mill", "100", "mill wheat", spec)
        let farmOats = try stock("farm", "500", "oats", nil)
        let commitment = try net.post("mill", ["@type": "Commitment", "action": "transfer", "provider": .string(farm), "receiver": .string(mill),
                                               "resourceConformsTo": ref(spec), "resourceQuantity": qty("400", "kg")])
        let agreement = try net.post("mill", ["@type": "Agreement", "name": "wheat into the mill's stock", "stipulates": ref(commitment)],
                                     at: Self.time(0))
        func transfer(by signer: String, _ amount: String, from: ResourceID, day: Int, _ extra: [JSONName: JSONValue] = [:]) throws -> EntryID {
            var fields: [JSONName: JSONValue] = ["resourceQuantity": qty(amount, "kg"), "resourceInventoriedAs": ref(from),
                                                 "toResourceInventoriedAs": ref(millWheat), "fulfills": ref(commitment),
                                                 "hasPointInTime": .string("2030-01-0\(day)T00:00:00Z")]
            fields.merge(extra) { _, new in new }
            return try net.event("transfer", by: signer, provider: "farm", receiver: "mill", fields)
        }
        let delivery = try transfer(by: "farm", "150", from: farmWheat, day: 2, ["toLocation": "mill yard"])
        let pickup = try transfer(by: "mill", "250", from: farmWheat, day: 3)
        let beyond = try transfer(by: "mill", "10", from: farmWheat, day: 4)
        let oats = try transfer(by: "mill", "5", from: farmOats, day: 5, ["toResourceInventoriedAs": ref(millWheat)])
        return Deal(net: net, farmWheat: farmWheat, millWheat: millWheat, farmOats: farmOats, commitment: commitment, agreement: agreement,
                    delivery: delivery, pickup: pickup, beyond: beyond, oats: oats)
    }

    private static func time(_ minutes: Int64) -> Int64 { 1_893_456_000_000 + minutes * 60_000 }

    /// The consent facts of the tables, telling `read` each entry they read from the log.
    private static func spying(_ db: Database, _ log: LogStore, _ read: @escaping (EntryID) -> Void) -> TableConsentFacts {
        let tables = TableConsentFacts(db: db, log: log)
        return TableConsentFacts(db: db, entry: { id in
            read(id)
            return try tables.entry(id)
        }, describedAgent: tables.describedAgent)
    }

    private func accept(_ d: Deal, by party: String = "farm", at minutes: Int64 = 10) throws {
        try d.net.post(party, ["@type": "Acceptance", "accepts": ref(d.agreement)], at: Self.time(minutes))
    }

    private func withdraw(_ d: Deal, by party: String = "mill", at minutes: Int64) throws {
        try d.net.post(party, ["@type": "Withdrawal", "withdraws": ref(d.agreement)], at: Self.time(minutes))
    }

    /// The tables kept up to date as the feeds arrive in one piece, and the reader.
    private func derived(_ d: Deal, _ name: String = "run") throws -> (store: GraphStore, reader: GraphReader, log: LogStore) {
        let log = try LogStore(path: directory + "/\(name)-log.sqlite")
        _ = try log.ingest(try d.net.feeds().flatMap { $0 })
        let store = try GraphStore(path: directory + "/\(name)-graph.sqlite")
        try store.update(from: log)
        return (store, store.reader(log: log), log)
    }

    private func statuses(_ d: Deal, _ reader: GraphReader) throws -> [String] {
        try [d.delivery, d.pickup, d.beyond, d.oats].map { try reader.status(of: $0)?.name ?? "none" }
    }

    func testWithoutTheOtherPartysSignatureNeitherMayChangeTheOthersResource() throws {
        let d = try deal()
        let (_, reader, _) = try derived(d)
        XCTAssertEqual(try statuses(d, reader), ["unauthorized", "unauthorized", "unauthorized", "unauthorized"])
        guard case let .unauthorized(reason)? = try reader.status(of: d.delivery) else { return XCTFail("delivery not unauthorized") }
        XCTAssertTrue(reason.contains("changes its location of resource \(d.millWheat)"), reason)
        XCTAssertEqual(try reader.resource(d.millWheat)?.accountingQuantity, dec("100"))
        XCTAssertFalse(try reader.state(of: XCTUnwrap(try reader.planned(d.agreement))).inForce)
    }

    func testAnAgreementInForceLetsItsFulfilmentsChangeWhatItsPartiesHoldUpToThePromisedQuantity() throws {
        let d = try deal()
        try accept(d)
        let (_, reader, _) = try derived(d)
        XCTAssertEqual(try statuses(d, reader), ["applied", "applied", "unauthorized", "unauthorized"],
                       "the delivery and the pickup make 400 kg; 10 kg more is beyond what was promised; oats are not wheat")
        let mill = try XCTUnwrap(try reader.resource(d.millWheat))
        XCTAssertEqual(mill.accountingQuantity, dec("500"), "100 + 150 + 250")
        XCTAssertEqual(mill.currentLocation, "mill yard")
        XCTAssertEqual(try reader.resource(d.farmWheat)?.onhandQuantity, dec("600"), "1000 − 150 − 250")
        XCTAssertEqual(try reader.resource(d.farmOats)?.onhandQuantity, dec("500"))
        let state = try reader.state(of: XCTUnwrap(try reader.planned(d.agreement)))
        XCTAssertTrue(state.inForce)
        XCTAssertEqual(state.inForceSince, Self.time(10))
        XCTAssertEqual(try reader.progress(of: XCTUnwrap(try reader.planned(d.commitment))).done, dec("400"))
    }

    func testAnAcceptanceBySomeoneWhoIsNotAPartyGivesNoConsent() throws {
        let d = try deal()
        try accept(d, by: "bakery")
        let (_, reader, _) = try derived(d)
        XCTAssertEqual(try statuses(d, reader), ["unauthorized", "unauthorized", "unauthorized", "unauthorized"])
        XCTAssertEqual(try reader.state(of: XCTUnwrap(try reader.planned(d.agreement))).signedBy, [d.net.key("mill").feed])
    }

    /// A withdrawal stated before the last signature ends the agreement for good; one after it
    /// is too late and changes nothing.
    func testAWithdrawalCountsOnlyBeforeTheAgreementIsInForce() throws {
        let early = try deal("early")
        try withdraw(early, at: 5)
        try accept(early, at: 10)
        let (_, before, _) = try derived(early, "early")
        let withdrawn = try before.state(of: XCTUnwrap(try before.planned(early.agreement)))
        XCTAssertFalse(withdrawn.inForce)
        XCTAssertEqual(withdrawn.withdrawnBy, early.net.key("mill").feed)
        XCTAssertEqual(try statuses(early, before), ["unauthorized", "unauthorized", "unauthorized", "unauthorized"])

        let late = try deal("late")
        try accept(late, at: 10)
        try withdraw(late, by: "farm", at: 20)
        try late.net.post("bakery", ["@type": "Withdrawal", "withdraws": ref(late.agreement)], at: Self.time(1))
        let (_, after, _) = try derived(late, "late")
        let kept = try after.state(of: XCTUnwrap(try after.planned(late.agreement)))
        XCTAssertTrue(kept.inForce, "the farm withdrew after signing; the bakery is no signer")
        XCTAssertNil(kept.withdrawnBy)
        XCTAssertEqual(try statuses(late, after), ["applied", "applied", "unauthorized", "unauthorized"])

        let declined = try deal("declined")
        try withdraw(declined, by: "farm", at: 3)
        let (_, third, _) = try derived(declined, "declined")
        XCTAssertEqual(try third.state(of: XCTUnwrap(try third.planned(declined.agreement))).withdrawnBy, declined.net.key("farm").feed,
                       "a party may decline before it signs")
    }

    /// The acceptance arriving after the events it gives consent to, a withdrawal, a party
    /// described by an entry that arrives late: whatever the order, the tables kept up to date
    /// equal a rebuild, and the statuses are those of the whole set.
    func testAnyArrivalOrderGivesTheTablesOfARebuild() throws {
        let d = try deal()
        try accept(d)
        // A second agreement whose provider is an agent the farm describes.
        let coop = try d.net.post("farm", ["@type": "Organization", "name": "farm coop"])
        let oatsDeal = try d.net.post("mill", ["@type": "Commitment", "action": "transfer", "provider": ref(coop),
                                               "receiver": .string(d.net.id("mill")), "resourceInventoriedAs": ref(d.farmOats),
                                               "resourceQuantity": qty("20", "kg")])
        let coopOats = try d.net.event("transfer", by: "mill", provider: "farm", receiver: "mill", [
            "provider": ref(coop), "resourceQuantity": qty("20", "kg"), "resourceInventoriedAs": ref(d.farmOats),
            "newInventoriedResource": ["name": "mill oats"], "fulfills": ref(oatsDeal), "hasPointInTime": "2030-01-06T00:00:00Z"])
        let second = try d.net.post("mill", ["@type": "Agreement", "stipulates": ref(oatsDeal)], at: Self.time(30))
        try d.net.post("farm", ["@type": "Acceptance", "accepts": ref(second)], at: Self.time(31))
        // A stranger's fulfilments, earlier and later than the parties', which are never consented.
        for day in ["01", "03", "07"] {
            try d.net.event("transfer", by: "bakery", provider: "farm", receiver: "mill", [
                "resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(d.farmWheat), "toResourceInventoriedAs": ref(d.millWheat),
                "fulfills": ref(d.commitment), "hasPointInTime": .string("2030-01-\(day)T12:00:00Z")])
        }
        try inShuffledBatches(try d.net.feeds(), rounds: 6, maximum: 2, seed: 14, in: directory) { _, reader, _, round in
            let now = try statuses(d, reader) + [try reader.status(of: coopOats)?.name ?? "none"]
            XCTAssertEqual(now, ["applied", "applied", "unauthorized", "unauthorized", "applied"], "round \(round)")
        }
    }

    /// Many small fulfilments of one commitment: consent runs out exactly at the promised
    /// quantity, in causal order, however the entries arrive, and the update equals a rebuild.
    func testConsentRunsOutAtThePromisedQuantityOverManyFulfilments() throws {
        let net = try SignedNetwork(path: directory + "/many.sqlite")
        let farm = net.id("farm"), mill = net.id("mill")
        let spec = try net.post("mill", ["@type": "ResourceSpecification", "name": "wheat", "defaultUnitOfResource": "kg"])
        let farmWheat = ResourceID(createdBy: try net.event("raise", provider: "farm", [
            "resourceQuantity": qty("1000", "kg"), "resourceConformsTo": ref(spec), "newInventoriedResource": ["name": "farm wheat"],
            "hasPointInTime": "2029-12-01T00:00:00Z"]))
        let commitment = try net.post("mill", ["@type": "Commitment", "action": "transfer", "provider": .string(farm), "receiver": .string(mill),
                                               "resourceConformsTo": ref(spec), "resourceQuantity": qty("100", "kg")])
        let agreement = try net.post("mill", ["@type": "Agreement", "stipulates": ref(commitment)], at: Self.time(0))
        try net.post("farm", ["@type": "Acceptance", "accepts": ref(agreement)], at: Self.time(1))
        var pickups: [EntryID] = []
        for n in 0..<150 {
            // The mill takes 1 kg at a time out of the farm's stock, each stated a minute apart.
            pickups.append(try net.event("transfer", by: "mill", provider: "farm", receiver: "mill", [
                "resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(farmWheat), "fulfills": ref(commitment),
                "newInventoriedResource": ["name": .string("sack \(n)")], "hasPointInTime": .string(DateTimeStamp.text(Self.time(10 + Int64(n))))]))
        }
        try inShuffledBatches(try net.feeds(), rounds: 2, maximum: 40, seed: 15, in: directory) { _, reader, _, round in
            let statuses = try pickups.map { try reader.status(of: $0)?.name ?? "none" }
            XCTAssertEqual(statuses, Array(repeating: "applied", count: 100) + Array(repeating: "unauthorized", count: 50), "round \(round)")
            XCTAssertEqual(try reader.resource(farmWheat)?.onhandQuantity, dec("900"), "round \(round)")
        }
    }

    /// Anyone may name the agreement and the commitment, as often as they like: deciding
    /// consent reads only what the parties signed, so a stranger's acceptance, withdrawal and
    /// fulfilments are never read for it (§16, "Consent"), and change nothing.
    func testStrangersAcceptancesWithdrawalsAndFulfilmentsAreNotReadForConsent() throws {
        let d = try deal()
        try accept(d)
        var strangers: Set<EntryID> = []
        strangers.insert(try d.net.post("bakery", ["@type": "Acceptance", "accepts": ref(d.agreement)], at: Self.time(11)))
        strangers.insert(try d.net.post("bakery", ["@type": "Withdrawal", "withdraws": ref(d.agreement)], at: Self.time(12)))
        for n in 0..<20 {
            strangers.insert(try d.net.event("transfer", by: "bakery", provider: "farm", receiver: "mill", [
                "resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(d.farmWheat), "toResourceInventoriedAs": ref(d.millWheat),
                "fulfills": ref(d.commitment), "hasPointInTime": .string("2030-01-01T00:\(10 + n):00Z")]))
        }
        let (store, reader, log) = try derived(d)
        XCTAssertEqual(try statuses(d, reader), ["applied", "applied", "unauthorized", "unauthorized"], "as without the bakery")
        let delivery = try XCTUnwrap(try reader.event(d.delivery))
        var asked: Set<EntryID> = []
        try store.read { db in
            let spy = Self.spying(db, log) { asked.insert($0) }
            let (agreement, at) = try XCTUnwrap(try spy.plannedEntry(d.agreement))
            XCTAssertTrue(try AgreementRule.state(of: agreement, timestamp: at, facts: spy).inForce)
            var judge = ConsentJudge(facts: spy)
            let grants = try judge.grants(for: d.delivery, delivery.payload, signer: d.net.key("farm").feed, order: try XCTUnwrap(delivery.order)) { id in
                asked.insert(id)
                return nil
            }
            XCTAssertEqual(grants.map(\.commitment), [d.commitment])
        }
        XCTAssertTrue(asked.contains(d.pickup), "the parties' fulfilments are read")
        XCTAssertEqual(asked.intersection(strangers), [], "the bakery's entries are not")
    }

    /// Anyone may publish agreements stipulating anyone's commitment: whether one in force
    /// stipulates it reads only those every party of the commitment published or accepted. A
    /// stranger's agreement both parties accepted is in force, and read.
    func testAStrangersAgreementsStipulatingACommitmentAreReadOnlyOnceEveryPartySignedThem() throws {
        let d = try deal()  // the mill's own agreement: the farm has not accepted it
        var strangers: Set<EntryID> = []
        for n in 0..<10 {
            let relation: JSONName = n % 2 == 0 ? "stipulates" : "stipulatesReciprocal"
            strangers.insert(try d.net.post("bakery", ["@type": "Agreement", relation: ref(d.commitment)], at: Self.time(20 + Int64(n))))
        }
        let halfSigned = try d.net.post("bakery", ["@type": "Agreement", "stipulates": ref(d.commitment)], at: Self.time(30))
        strangers.insert(halfSigned)
        try d.net.post("mill", ["@type": "Acceptance", "accepts": ref(halfSigned)], at: Self.time(31))

        // The derivation in memory decides as the tables do.
        func inMemory() throws -> [String] {
            let graph = Derivation.derive(try d.net.feeds().flatMap { $0 }.map { GraphEntry($0, verified: true) })
            return [d.delivery, d.pickup, d.beyond, d.oats].map { graph.status(of: $0)?.name ?? "none" }
        }
        func judge(_ name: String) throws -> (inForce: Bool, asked: Set<EntryID>) {
            let (store, _, log) = try derived(d, name)
            var asked: Set<EntryID> = []
            var inForce = false
            try store.read { db in
                let spy = Self.spying(db, log) { asked.insert($0) }
                let (commitment, _) = try XCTUnwrap(try TableConsentFacts(db: db, log: log).plannedEntry(d.commitment))
                inForce = try AgreementRule.isStipulatedInForce(commitment, facts: spy)
            }
            return (inForce, asked)
        }
        var (inForce, asked) = try judge("unsigned")
        XCTAssertFalse(inForce)
        XCTAssertEqual(asked.intersection(strangers), [], "no stranger's agreement is read")
        XCTAssertEqual(try statuses(d, derived(d, "unsigned-tables").reader), ["unauthorized", "unauthorized", "unauthorized", "unauthorized"])
        XCTAssertEqual(try inMemory(), ["unauthorized", "unauthorized", "unauthorized", "unauthorized"])

        // The farm signs the bakery's agreement too: it is in force, and it is read.
        try d.net.post("farm", ["@type": "Acceptance", "accepts": ref(halfSigned)], at: Self.time(32))
        (inForce, asked) = try judge("signed")
        XCTAssertTrue(inForce)
        XCTAssertEqual(asked.intersection(strangers), [halfSigned])
        XCTAssertEqual(try statuses(d, derived(d, "signed-tables").reader), ["applied", "applied", "unauthorized", "unauthorized"])
        XCTAssertEqual(try inMemory(), ["applied", "applied", "unauthorized", "unauthorized"])
    }

    /// The agreements stipulating a commitment that a party published or accepted are found
    /// by intersecting, in id order, what names the commitment with what the party accepted:
    /// the same ids as the derivation in memory, and work that does not grow with the
    /// agreements strangers publish stipulating it.
    func testTheAgreementsAPartySignedAreFoundWithoutPassingOverStrangersAgreements() throws {
        let d = try deal()
        let farm = d.net.key("farm").feed
        let other = try d.net.post("bakery", ["@type": "Commitment", "action": "work", "provider": .string(d.net.id("bakery")),
                                             "receiver": .string(d.net.id("farm")), "effortQuantity": qty("1", "hour")])
        var expected: Set<EntryID> = []
        // The farm's own agreements, and agreements the farm accepted: some stipulate the mill's
        // commitment, the rest the bakery's.
        for n in 0 ..< 2 { expected.insert(try d.net.post("farm", ["@type": "Agreement", "stipulates": ref(d.commitment)], at: Self.time(40 + Int64(n)))) }
        for n in 0 ..< 40 {
            let stipulated = n % 8 == 0 ? d.commitment : other
            let agreement = try d.net.post("bakery", ["@type": "Agreement", "stipulates": ref(stipulated)], at: Self.time(50 + Int64(n)))
            try d.net.post("farm", ["@type": "Acceptance", "accepts": ref(agreement)], at: Self.time(100 + Int64(n)))
            if stipulated == d.commitment { expected.insert(agreement) }
        }
        XCTAssertEqual(expected.count, 7)
        func spam(_ count: Int, from start: Int) throws {
            for n in start ..< start + count {
                try d.net.post("bakery", ["@type": "Agreement", "stipulates": ref(d.commitment)], at: Self.time(200 + Int64(n)))
            }
        }
        try spam(600, from: 0)
        func found(_ name: String) throws -> (ids: [EntryID], steps: Int, inMemory: [EntryID]) {
            let (store, _, _) = try derived(d, name)
            var inMemory = Derivation()
            inMemory.catalogue(try d.net.feeds().flatMap { $0 }.map { GraphEntry($0, verified: true) })
            let table = try store.read { db in try TableConsentFacts.sources(db, naming: d.commitment, by: .stipulates, publishedOrAcceptedBy: farm) }
            return (table.ids, table.steps, inMemory.sources(naming: d.commitment, by: .stipulates, publishedOrAcceptedBy: farm))
        }
        let some = try found("600")
        XCTAssertEqual(some.ids, expected.sorted())
        XCTAssertEqual(some.inMemory, some.ids, "the derivation in memory finds the same")
        try spam(600, from: 600)
        let more = try found("1200")
        XCTAssertEqual(more.ids, expected.sorted())
        XCTAssertEqual(more.inMemory, more.ids)
        // The intersection takes at most two seeks per agreement the farm accepted (40), each
        // some ten to twenty virtual-machine steps: 1,400 to 1,600 here (how many of those
        // seeks it needs depends on how the ids interleave), however many agreements strangers
        // publish. Reading the 600 more links alone would take some 1,800 steps more, and a
        // look at the index for each over 6,000.
        XCTAssertLessThan(some.steps, 2500)
        XCTAssertLessThan(more.steps, 2500)
        XCTAssertLessThan(more.steps, some.steps + 500, "\(some.steps) steps with 600 strangers' agreements, \(more.steps) with 1,200")

        // The rule asks only for those: the ids the facts give it do not include the strangers'.
        var derivation = Derivation()
        derivation.catalogue(try d.net.feeds().flatMap { $0 }.map { GraphEntry($0, verified: true) })
        let counting = CountingFacts(facts: derivation)
        let (commitment, _) = try XCTUnwrap(derivation.plannedEntry(d.commitment))
        XCTAssertEqual(Set(AgreementRule.signedByEveryParty(stipulating: commitment, facts: counting)), [],
                       "the mill signed none of the farm's or the bakery's agreements, and the farm not the mill's")
        XCTAssertLessThan(counting.given.value, 50, "ids the rule was given: the agreements the farm signed and the mill's own, not 1,200 strangers'")
    }

    /// The agreements every party signed, found from the first party's as v15 does, are those
    /// the rule of v14 found by passing over every agreement naming the commitment: in memory
    /// and from the tables, for both lists, whichever party is first, with agreements published
    /// by one party and accepted by the other, a stranger's signed by both, one, or neither, and
    /// one naming the commitment in both lists.
    func testTheAgreementsEveryPartySignedAreThoseTheRuleOfV14Found() throws {
        let d = try deal()
        let back = try d.net.post("farm", ["@type": "Commitment", "action": "transfer", "provider": .string(d.net.id("mill")), "receiver": .string(d.net.id("farm")),
                                          "resourceQuantity": qty("5", "kg")])
        var generator = SplitMix64(seed: 12)
        var minute: Int64 = 300
        for n in 0 ..< 80 {
            let author = ["farm", "mill", "bakery"][n % 3]
            let commitment = n % 4 == 3 ? back : d.commitment
            var agreement: [JSONName: JSONValue] = ["@type": "Agreement", "name": .string("deal \(n)")]
            switch n % 5 {
            case 0: agreement["stipulatesReciprocal"] = ref(commitment)
            case 1: agreement["stipulates"] = ref(commitment); agreement["stipulatesReciprocal"] = ref(commitment)
            default: agreement["stipulates"] = ref(commitment)
            }
            minute += 1
            let id = try d.net.post(author, .object(agreement), at: Self.time(minute))
            for party in ["farm", "mill"] where party != author && Bool.random(using: &generator) {
                minute += 1
                try d.net.post(party, ["@type": "Acceptance", "accepts": ref(id)], at: Self.time(minute))
            }
        }
        let (store, reader, log) = try derived(d)
        var derivation = Derivation()
        derivation.catalogue(try d.net.feeds().flatMap { $0 }.map { GraphEntry($0, verified: true) })
        var signedByBoth = 0
        for id in [d.commitment, back] {
            let (commitment, _) = try XCTUnwrap(derivation.plannedEntry(id))
            let before = Self.signedByEveryPartyAsInV14(commitment, facts: derivation)
            signedByBoth += before.count
            XCTAssertEqual(AgreementRule.signedByEveryParty(stipulating: commitment, facts: derivation), before, "in memory")
            XCTAssertEqual(try reader.consentReads(of: commitment).agreements, before, "from the tables")
            try store.read { db in
                XCTAssertEqual(try AgreementRule.signedByEveryParty(stipulating: commitment, facts: TableConsentFacts(db: db, log: log)), before)
            }
        }
        XCTAssertGreaterThan(signedByBoth, 10, "the case is not empty")
    }

    /// The rule of v14 and before: every agreement naming the commitment, in either list, kept
    /// when each party published or accepted it.
    private static func signedByEveryPartyAsInV14(_ commitment: GraphPlanned, facts: Derivation) -> [EntryID] {
        let (parties, unresolved) = AgreementRule.parties(of: [commitment], facts: facts)
        guard !unresolved else { return [] }
        var found: [EntryID] = [], seen: Set<EntryID> = []
        for relation in [PlanningRelation.stipulates, .stipulatesReciprocal] {
            candidates: for id in facts.sources(naming: commitment.id, by: relation, signedBy: nil) where seen.insert(id).inserted {
                for party in parties {
                    let published = facts.sources(naming: commitment.id, by: relation, signedBy: [party]).contains(id)
                    guard published || !facts.sources(naming: id, by: .accepts, signedBy: [party]).isEmpty else { continue candidates }
                }
                found.append(id)
            }
        }
        return found
    }

    /// How far a commitment has come counts only the applied events that fulfil it, and reads
    /// only those from the log: a stranger's events naming it, which do not apply, are not read
    /// (here their payloads are gone from the log, and the figure is still given).
    func testProgressReadsOnlyTheAppliedFulfilmentsFromTheLog() throws {
        let d = try deal()
        try accept(d)
        var strangers: [EntryID] = []
        for n in 0..<5 {
            strangers.append(try d.net.event("transfer", by: "bakery", provider: "farm", receiver: "mill", [
                "resourceQuantity": qty("1", "kg"), "resourceInventoriedAs": ref(d.farmWheat), "toResourceInventoriedAs": ref(d.millWheat),
                "fulfills": ref(d.commitment), "hasPointInTime": .string("2030-01-01T00:0\(n):00Z")]))
        }
        let (_, reader, log) = try derived(d)
        XCTAssertEqual(Set(try strangers.map { try reader.status(of: $0)?.name ?? "none" }), ["unauthorized"])
        for id in strangers { XCTAssertTrue(try log.dropPayload(of: id)) }
        let progress = try reader.progress(of: try XCTUnwrap(try reader.planned(d.commitment)))
        XCTAssertEqual(progress.done, dec("400"), "the delivery and the pickup")
        XCTAssertEqual(progress.events, [d.delivery, d.pickup])
    }

    /// A graph made by the previous schema (links without their authors) is derived again when
    /// it is opened: migration v9 empties the tables, and the next update gives a rebuild's rows.
    func testMigrationV9DerivesTheLinksAgainWithTheirAuthors() throws {
        let d = try deal()
        try accept(d)
        let (store, _, log) = try derived(d)
        let before = try store.tableContents()
        XCTAssertTrue(before["link"]!.contains { $0.contains("x'" + d.net.key("farm").feed.key.bytes.hexString + "'") }, "the acceptance's author")
        // Back to v8's table and record, as an older build left it.
        let queue = try DatabaseQueue(path: store.path)
        try queue.write { db in
            try db.execute(sql: """
                DROP TABLE link;
                CREATE TABLE link (target BLOB NOT NULL, relation INTEGER NOT NULL CHECK (relation BETWEEN 0 AND 14),
                                   source BLOB NOT NULL, PRIMARY KEY (target, relation, source)) WITHOUT ROWID;
                INSERT INTO link (target, relation, source) SELECT id, 0, id FROM planned;
                DELETE FROM grdb_migrations WHERE identifier LIKE 'v9%';
                """)
        }
        try queue.close()
        let reopened = try GraphStore(path: store.path)
        XCTAssertEqual(try reopened.cursors(), [:], "v9 emptied the tables")
        try reopened.update(from: log)
        assertSameTables(try reopened.tableContents(), before, "derived again")
        XCTAssertEqual(try statuses(d, reopened.reader(log: log)), ["applied", "applied", "unauthorized", "unauthorized"])
    }

    /// A proof of the mill's wheat holds the agreement, its signatures and the fulfilments that
    /// count, so the consent derives again offline; what a stranger names them with stays out.
    func testAProofThroughConsentHoldsWithoutStrangersEntries() throws {
        let d = try deal()
        try accept(d)
        try accept(d, by: "bakery", at: 11)
        try d.net.event("raise", provider: "bakery", ["resourceQuantity": qty("5", "kg"), "newInventoriedResource": ["name": "bakery wheat"],
                                                      "fulfills": ref(d.commitment)])
        // Agreements anyone may publish stipulating the commitment, one even accepted by the
        // mill: not signed by the farm, so the consent rule never reads them.
        let strangers = try (0..<8).map { n in
            try d.net.post("bakery", ["@type": "Agreement", n % 2 == 0 ? "stipulates" : "stipulatesReciprocal": ref(d.commitment)], at: Self.time(20 + Int64(n)))
        }
        try d.net.post("mill", ["@type": "Acceptance", "accepts": ref(strangers[0])], at: Self.time(30))
        let (_, reader, log) = try derived(d)
        let proof = try ProofBuilder(reader: reader, log: log).prove(.resource(d.millWheat), at: 0)
        XCTAssertEqual(ProofCheck.check(try ProofFile.decode(proof.encoded())).failures, [])
        XCTAssertEqual(proof.resources.first { $0.id == d.millWheat }?.accountingQuantity, dec("500"), "both consented transfers")
        XCTAssertFalse(proof.entries.contains { $0.entry.author == d.net.key("bakery").feed }, "the bakery is no party")
        XCTAssertTrue(proof.entries.contains { $0.entry.id == d.agreement }, "the agreement in force is held")
    }

    /// Publishing asks the same question: refused before the farm signs, accepted after.
    func testPublishingAFulfilmentIsRefusedWithoutConsentAndAcceptedWithIt() throws {
        let d = try deal()
        let (store, _, log) = try derived(d)
        let mill = d.net.key("mill")
        let take = #"{"@type":"EconomicEvent","action":"transfer","provider":"\#(d.net.id("farm"))","receiver":"\#(mill.feed)","resourceQuantity":{"hasNumericalValue":"1","hasUnit":"kg"},"resourceInventoriedAs":"\#(d.farmWheat)","toResourceInventoriedAs":"\#(d.millWheat)","fulfills":"\#(d.commitment)"}"#
        func verdict() throws -> PublishVerdict {
            try XCTUnwrap(try store.check([Array(take.utf8)], author: mill.feed, timestamp: 1_900_000_000_000, log: log).first)
        }
        guard case let .refused(reason) = try verdict() else { return XCTFail("accepted without consent") }
        XCTAssertTrue(reason.contains("decrements its accounting quantity"), reason)
        try accept(d)
        _ = try log.ingest(try d.net.feeds().flatMap { $0 })
        try store.update(from: log)
        // The earlier 400 kg took what was promised only if they applied; the cap counts
        // matching fulfilments in causal order, and this one comes after them all.
        guard case let .refused(beyond) = try verdict() else { return XCTFail("accepted beyond the promised quantity") }
        XCTAssertTrue(beyond.contains("decrements"), beyond)
    }
}

/// Consent facts that count the ids they give the rule.
private struct CountingFacts<Facts: ConsentFacts>: ConsentFacts {
    let facts: Facts
    let given = Counter()

    final class Counter { var value = 0 }

    func plannedEntry(_ id: EntryID) throws(Facts.Failure) -> (planned: GraphPlanned, timestamp: Int64)? { try facts.plannedEntry(id) }
    func sources(naming target: EntryID, by relation: PlanningRelation, signedBy authors: [FeedID]?) throws(Facts.Failure) -> [EntryID] {
        let ids = try facts.sources(naming: target, by: relation, signedBy: authors)
        given.value += ids.count
        return ids
    }
    func sources(naming target: EntryID, by relation: PlanningRelation, publishedOrAcceptedBy party: FeedID) throws(Facts.Failure) -> [EntryID] {
        let ids = try facts.sources(naming: target, by: relation, publishedOrAcceptedBy: party)
        given.value += ids.count
        return ids
    }
    func answeredBy(_ agent: AgentID) throws(Facts.Failure) -> FeedID? { try facts.answeredBy(agent) }
}
