import ArgumentParser
import VFLog

@main
struct VF: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vf",
        abstract: "A peer-to-peer node for ValueFlows economic networks: signed feeds of economic events.",
        discussion: "The node's home defaults to $VF_HOME, else ~/.vf; every command takes --home DIR.",
        subcommands: [Init.self, WhoAmI.self, Publish.self, Log.self, Feeds.self, Verify.self, Export.self, Import.self,
                      Serve.self, Sync.self, Address.self, Connect.self, Peers.self, Follow.self, Unfollow.self, Block.self, Forget.self,
                      InviteCommand.self, Resources.self, ResourceCommand.self, Trace.self, Track.self, Processes.self, ProcessCommand.self,
                      Agents.self, Offer.self, Need.self, Offers.self, Needs.self, Commitments.self, Claims.self, ProgressCommand.self, Plans.self, PlanCommand.self, Agreements.self,
                      Agree.self, Withdraw.self, Prove.self, ProofCommand.self, GraphCommand.self, Token.self, Backup.self, Restore.self, Unlock.self]
    )
}

/// Options every command shares.
struct HomeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The node's home directory (default: $VF_HOME, else ~/.vf).", valueName: "DIR"))
    var home: String?

    var resolved: NodeHome { NodeHome.resolve(explicit: home) }
}

/// A failure the command reports in one line and exits non-zero for.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func parseFeedID(_ text: String) throws -> FeedID {
    do { return try FeedID(parsing: text) } catch { throw ValidationError("\(error)") }
}
