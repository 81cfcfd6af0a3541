import ArgumentParser
import VFAPI
import VFGraph
import VFGraphStore
import VFLog

/// The board of offers and needs, the commitments and the claims: planning objects with how
/// far each has come, in id order, a page at a time (docs/protocol.md §16, "Planning and exchange").
struct PlanningListing {
    let kind: PlannedKind
    let filter: PlanningFilter
    let empty: String

    func print(_ options: HomeOptions, _ listing: ListingOptions) throws {
        let after = try parseCursor(listing.after, ListingCursor.entry)
        let reader = try GraphContext(options).reader()
        // Printed as read, so the whole listing may be scanned for the rows the filter keeps.
        try Listing(page: { try reader.progress(kind, filter, after: $0, limit: $1, scanLimit: .max).items }, cursor: \.planned.id,
                    json: GraphJSON.progress, text: GraphText.progress, empty: empty)
            .print(listing, after: after)
    }
}

struct Offers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the open offers: intents that name a provider and no receiver, not finished.",
        discussion: "Each line says what is offered, by whom, and how much of it is done or promised.")

    @OptionGroup var options: HomeOptions
    @OptionGroup var listing: ListingOptions

    func run() throws {
        try PlanningListing(kind: .intent, filter: .offers, empty: "no open offers").print(options, listing)
    }
}

struct Needs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the open needs: intents that name a receiver and no provider, not finished.")

    @OptionGroup var options: HomeOptions
    @OptionGroup var listing: ListingOptions

    func run() throws {
        try PlanningListing(kind: .intent, filter: .needs, empty: "no open needs").print(options, listing)
    }
}

struct Commitments: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the commitments, with how much of each is fulfilled.")

    @OptionGroup var options: HomeOptions
    @OptionGroup var listing: ListingOptions
    @Flag(help: "Only those not finished.") var open = false

    func run() throws {
        try PlanningListing(kind: .commitment, filter: open ? .open : .all, empty: "no commitments").print(options, listing)
    }
}

struct Agreements: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the agreements: their commitments, their parties, who of them has signed, and whether they are in force.")

    @OptionGroup var options: HomeOptions
    @OptionGroup var listing: ListingOptions

    func run() throws {
        let after = try parseCursor(listing.after, ListingCursor.entry)
        let reader = try GraphContext(options).reader()
        try Listing(
            page: { try reader.agreements(after: $0, limit: $1) },
            cursor: \.agreement.id, json: GraphJSON.agreement, text: GraphText.agreement, empty: "no agreements"
        ).print(listing, after: after)
    }
}

struct Claims: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the claims, with how much of each is settled.")

    @OptionGroup var options: HomeOptions
    @OptionGroup var listing: ListingOptions
    @Flag(help: "Only those not finished.") var open = false

    func run() throws {
        try PlanningListing(kind: .claim, filter: open ? .open : .all, empty: "no claims").print(options, listing)
    }
}

struct Plans: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the plans, each with the intents and commitments planned within it and how far they have come.")

    @OptionGroup var options: HomeOptions
    @OptionGroup var listing: ListingOptions

    func run() throws {
        let after = try parseCursor(listing.after, ListingCursor.entry)
        let reader = try GraphContext(options).reader()
        try Listing(page: { try reader.plans(after: $0, limit: $1) }, cursor: \.plan.id, json: GraphJSON.plan, text: GraphText.planWithMembers,
                    empty: "no plans", pageSize: EmbeddedList.nestedPage).print(listing, after: after)
    }
}

struct Agree: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign an agreement this node is a party to, by publishing an acceptance that names it.",
        discussion: """
            The agreement is in force once every provider and receiver of its commitments has signed it: its author by \
            publishing it, each other party with vf agree.
            """)

    @OptionGroup var options: HomeOptions
    @Argument(help: "The agreement's entry id, %….vf1.") var id: String

    func run() throws {
        let (agreementID, key, state) = try AgreementAnswer.load(id, options)
        guard state.parties.contains(key.feed) else {
            throw CLIError("this node (\(key.feed)) is not a provider or receiver of the agreement's commitments; nothing appended")
        }
        guard !state.signedBy.contains(key.feed) else { throw CLIError("this node has signed agreement \(agreementID) already; nothing appended") }
        if let withdrawn = state.withdrawnBy { throw CLIError("agreement \(agreementID) was withdrawn by \(withdrawn); nothing appended") }
        try AgreementAnswer.publish(#"{"@type":"Acceptance","accepts":"\#(agreementID)"}"#, options)
    }
}

struct Withdraw: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Withdraw an agreement before it is in force: one this node proposed, signed, or is asked to sign.",
        discussion: """
            A withdrawal by the agreement's author or by any party ends the agreement for everyone, unless the last \
            signature came before it (by the entries' claimed times): an agreement in force cannot be withdrawn.
            """)

    @OptionGroup var options: HomeOptions
    @Argument(help: "The agreement's entry id, %….vf1.") var id: String

    func run() throws {
        let (agreementID, key, state) = try AgreementAnswer.load(id, options)
        guard state.agreement.author == key.feed || state.parties.contains(key.feed) else {
            throw CLIError("this node (\(key.feed)) neither proposed agreement \(agreementID) nor is a party to it; nothing appended")
        }
        if let withdrawn = state.withdrawnBy { throw CLIError("agreement \(agreementID) was withdrawn already, by \(withdrawn); nothing appended") }
        guard !state.inForce else {
            throw CLIError("agreement \(agreementID) is in force: every party has signed it, and it can no longer be withdrawn; nothing appended")
        }
        try AgreementAnswer.publish(#"{"@type":"Withdrawal","withdraws":"\#(agreementID)"}"#, options)
    }
}

/// What `vf agree` and `vf withdraw` share: the agreement looked up with who has signed it,
/// and the answer published as this node's.
enum AgreementAnswer {
    static func load(_ text: String, _ options: HomeOptions) throws -> (id: EntryID, key: SigningKey, state: AgreementState) {
        let agreementID = try parseCursor(text, ListingCursor.entry)!
        let key = try options.resolved.loadKey()
        let reader = try GraphContext(options).reader()
        guard let agreement = try reader.planned(agreementID), agreement.payload.kind == .agreement else {
            throw CLIError("no agreement \(agreementID) in the graph")
        }
        return (agreementID, key, try reader.state(of: agreement))
    }

    static func publish(_ payload: String, _ options: HomeOptions) throws {
        try Publish.parse([payload, "--home", options.resolved.path]).run()
    }
}
