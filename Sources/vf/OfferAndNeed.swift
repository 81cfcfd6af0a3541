import ArgumentParser
import Foundation
import VFAPI
import VFGraph
import VFGraphStore
import VFJSON
import VFLog

/// What `vf offer` and `vf need` share: the intent's flow, and what is asked in return.
struct IntentOptions: ParsableArguments {
    @Argument(help: "How much: a decimal number.") var quantity: String
    @Argument(help: "Its unit, e.g. kg.") var unit: String
    @Option(help: "The VF action (transfer, work, deliverService, …).") var action = "transfer"
    @Option(help: ArgumentHelp("What kind of resource: a ResourceSpecification's entry id.", valueName: "ID")) var conformsTo: String?
    @Option(help: "A short name for it, shown on the board.") var name: String?
    @Option(help: "A note.") var note: String?
    @Option(help: ArgumentHelp("What is asked in return: QUANTITY UNIT (e.g. \"35 EUR\"), published as a reciprocal intent.", valueName: "QUANTITY UNIT"))
    var inReturn: String?
    @Flag(help: "Print {\"intent\", \"proposal\", \"reciprocal\"} as JSON.") var json = false

    /// An Intent payload of `action` with this node as provider (an offer) or receiver (a need).
    func intent(_ action: String, quantity: String, unit: String, me: FeedID, providing: Bool, name: String?, note: String?) throws -> [UInt8] {
        guard Action(rawValue: action) != nil else { throw ValidationError("unknown action \"\(action)\"") }
        let measureKey = Action(rawValue: action)!.behavior.eventQuantity.allowsResource ? "resourceQuantity" : "effortQuantity"
        var members: [JSONName: JSONValue] = [
            "@type": .string("Intent"), "action": .string(action), JSONName(providing ? "provider" : "receiver"): .string(me.description),
            JSONName(measureKey): .object(["hasNumericalValue": .string(quantity), "hasUnit": .string(unit)]),
        ]
        if let conformsTo { members["resourceConformsTo"] = .string(conformsTo) }
        if let name { members["name"] = .string(name) }
        if let note { members["note"] = .string(note) }
        return JSONValue.object(members).serialized
    }

    /// Publishes the intent, the one asked in return if any, and a proposal of both: each
    /// checked against the graph and applied as `vf publish` does.
    func publish(_ options: HomeOptions, providing: Bool) throws {
        let home = options.resolved
        let key = try home.loadKey()
        let context = try GraphContext(options)
        func published(_ payload: [UInt8]) throws -> EntryID {
            let (outcome, prepared) = try context.store.signAndPublish([payload], key: key, log: context.log)
            switch outcome {
            case .published: return prepared.entries[0].entry.id
            case let .refused(_, reason): throw CLIError("refused: \(reason)")
            case .notAllValueFlows: throw CLIError("refused: not a ValueFlows payload")
            }
        }
        // Everything checked that can be before anything is published, so a bad --in-return
        // leaves no intent behind without its proposal.
        var inReturnParts: (quantity: String, unit: String)?
        if let inReturn {
            let parts = inReturn.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, (try? ExactDecimal(parsing: String(parts[0]))) != nil else {
                throw ValidationError("--in-return takes QUANTITY UNIT, e.g. \"35 EUR\"")
            }
            inReturnParts = (String(parts[0]), String(parts[1]))
        }
        let intent = try published(try self.intent(action, quantity: quantity, unit: unit, me: key.feed, providing: providing,
                                                   name: name, note: note))
        var reciprocal: EntryID?
        if let inReturnParts {
            // What is asked in return flows the other way: this node receives it for an offer.
            reciprocal = try published(try self.intent("transfer", quantity: inReturnParts.quantity, unit: inReturnParts.unit, me: key.feed,
                                                       providing: !providing, name: nil, note: nil))
        }
        var proposal: [JSONName: JSONValue] = ["@type": .string("Proposal"), "purpose": .string(providing ? "offer" : "request"),
                                               "publishes": .array([.string(intent.description)])]
        if let reciprocal { proposal["reciprocal"] = .array([.string(reciprocal.description)]) }
        let proposalID = try published(JSONValue.object(proposal).serialized)
        if json {
            JSONOutput.print(["intent": intent.description, "proposal": proposalID.description, "reciprocal": reciprocal.map { $0.description as Any } ?? NSNull()])
        } else {
            print("intent \(intent)")
            if let reciprocal { print("in return \(reciprocal)") }
            print("proposal \(proposalID)")
        }
    }
}

struct Offer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Offer something: publish an intent with this node as provider, and a proposal of it.",
        discussion: "Example: vf offer 400 kg --name wheat --in-return \"35 EUR\". It shows on vf offers and the web page's board.")

    @OptionGroup var options: HomeOptions
    @OptionGroup var intent: IntentOptions

    func run() throws { try intent.publish(options, providing: true) }
}

struct Need: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask for something: publish an intent with this node as receiver, and a proposal of it.",
        discussion: "Example: vf need 400 kg --name \"wheat for milling\". It shows on vf needs and the web page's board.")

    @OptionGroup var options: HomeOptions
    @OptionGroup var intent: IntentOptions

    func run() throws { try intent.publish(options, providing: false) }
}
