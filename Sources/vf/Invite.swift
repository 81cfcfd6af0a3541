import ArgumentParser
import Foundation
import VFLog
import VFPeer

struct InviteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Pub invites: let people who never meet replicate through an always-on node.",
        subcommands: [CreateInvite.self, AcceptInvite.self])
}

struct CreateInvite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Issue an invite code for this node; whoever redeems it is followed by this node.",
        discussion: "Run it on the pub, next to vf serve. Only a hash of the code's secret is stored, in HOME/peers.sqlite.")

    @OptionGroup var options: HomeOptions
    @Option(help: "How many times the code can be redeemed.") var uses = 1
    @Option(help: ArgumentHelp("The address invitees dial (default: the one vf serve wrote in HOME/address).",
                               valueName: "net:HOST:PORT~shs:KEY")) var address: String?

    func validate() throws {
        guard uses >= 1 else { throw ValidationError("--uses must be at least 1") }
    }

    func run() throws {
        let context = try NodeContext(options)
        let pub: MultiserverAddress
        if let address {
            pub = try parseAddress(address)
        } else if let bytes = try SmallFile.existing(context.addressFile) {
            pub = try parseAddress(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        } else {
            throw CLIError("no address to put in the invite: start vf serve (it writes \(context.addressFile)) or pass --address net:HOST:PORT~shs:KEY")
        }
        guard pub.feed == context.key.feed else { throw CLIError("the address \(pub) is not this node's: its key is not \(context.key.feed)") }
        let code = InviteCode.random(pub: pub)
        try context.peers.addInvite(secret: code.secret, uses: uses)
        print(code)
    }
}

struct AcceptInvite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Redeem an invite code: add and follow the pub, and sync with it once so it follows back.",
        discussion: "Prints what moved. Exits non-zero with the pub's reason if it refuses the code, or if the pub cannot be reached or the timeout passes first.")

    @OptionGroup var options: HomeOptions
    @Argument(help: "The code, vf-invite:net:HOST:PORT~shs:KEY:SECRET.") var code: String
    @Option(help: "Give up after this many seconds (more than 0, at most a week).") var timeout = TimeoutSeconds(60)
    @Flag(help: "Print the summary as JSON.") var json = false

    func run() async throws {
        let invite: InviteCode
        do { invite = try InviteCode(parsing: code) } catch { throw ValidationError("\(error)") }
        try await OneShotSync.run(try NodeContext(options), peer: invite.pub, json: json,
                                  headline: "joined through \(invite.pub.feed); ") { node in
            try await node.acceptInvite(invite, timeout: timeout.amount)
        }
    }
}
