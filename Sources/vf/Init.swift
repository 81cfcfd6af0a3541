import ArgumentParser
import VFAPI
import VFLog
import VFPeer

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the home, a new Ed25519 identity and an empty store.",
        discussion: "Refuses to touch a home that already has an identity.")

    @OptionGroup var options: HomeOptions
    @OptionGroup var network: NetworkOption

    func run() throws {
        let home = options.resolved
        let networkKey = try network.key()
        let key = try home.initialize()
        try networkKey?.save(home: home)
        _ = try APIToken.loadOrCreate(in: home)
        print(key.feed)
        printErr("initialised \(home.path); secret key in \(home.secretKeyPath) (mode 0600); HTTP API token in \(APIToken.path(in: home)) (vf token prints it)")
    }
}

struct WhoAmI: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Print this node's feed id.")

    @OptionGroup var options: HomeOptions
    @Flag(help: "Print {\"id\": …}.") var json = false

    func run() throws {
        let key = try options.resolved.loadKey()
        if json { JSONOutput.print(["id": key.feed.description]) } else { print(key.feed) }
    }
}

func printErr(_ text: String) {
    var stderr = StandardError()
    print(text, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleOutput.writeStderr(string)
    }
}
