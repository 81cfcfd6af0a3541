import ArgumentParser
import VFAPI
import VFLog

struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the bearer token of this node's HTTP API.",
        discussion: "The token is in HOME/token (mode 0600); a home made before tokens existed gets one now. "
            + "Send it as Authorization: Bearer TOKEN to publish through the API, or open the page at http://HOST:PORT/#token=TOKEN.")

    @OptionGroup var options: HomeOptions

    func run() throws {
        let home = options.resolved
        // Only an initialised home gets a token: a typo in --home must not create a directory.
        _ = try home.loadKey()
        print(try APIToken.loadOrCreate(in: home))
    }
}
