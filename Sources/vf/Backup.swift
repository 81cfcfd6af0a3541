import ArgumentParser
import Foundation
import VFLog

/// How hard a backup's passphrase is to guess (docs/protocol.md, "Backup file").
enum BackupStrength: String, ExpressibleByArgument, CaseIterable {
    case moderate, interactive, minimum

    var derivation: BackupFile.KeyDerivation {
        switch self {
        case .moderate: .moderate
        case .interactive: .interactive
        case .minimum: .minimum
        }
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the secret key, sealed with a passphrase, and optionally this node's own feed, to a backup file.",
        discussion: """
            The key is sealed with Argon2id (libsodium's crypto_pwhash, MODERATE limits: 3 passes over 256 MiB) and \
            secretbox (docs/protocol.md, "Backup file"). The passphrase is asked on the terminal, or read from the first \
            line of --passphrase-file. With --feed, the node's own feed follows as a bundle. vf restore FILE makes a home \
            of it; the restored node stays locked until it has fetched its latest entries from a peer.
            """)

    @OptionGroup var options: HomeOptions
    @Option(help: ArgumentHelp("The backup file to write (mode 0600); refused if it exists.", valueName: "FILE")) var out: String
    @Flag(help: "Include this node's own feed (its entries and payloads).") var feed = false
    @Option(help: ArgumentHelp("Read the passphrase from the first line of this file instead of the terminal.", valueName: "FILE"))
    var passphraseFile: String?
    @Option(help: .hidden) var strength: BackupStrength = .moderate

    func run() throws {
        let home = options.resolved
        let key = try home.loadKey()
        guard !FileManager.default.fileExists(atPath: out) else { throw CLIError("\(out) exists; choose another name or remove it first") }
        var passphrase = try Passphrase.obtain(file: passphraseFile, prompt: "Passphrase for the backup: ", confirm: true, minimumLength: 8)
        defer { Sodium.wipe(&passphrase) }
        let sealed: [UInt8]
        do { sealed = try BackupFile.seal(key, passphrase: passphrase, derivation: strength.derivation, hasFeed: feed) } catch {
            throw CLIError("\(error)")
        }
        // A backup under its final name is always whole, and holds a secret: 0600.
        var entries: UInt64 = 0
        try WholeFile.write(out, mode: 0o600, existing: .refuse) { handle in
            try handle.write(contentsOf: sealed)
            if feed {
                let store = try home.openStore()
                try handle.write(contentsOf: BundleCodec.header)
                entries = try BundleWriting.writeFeed(key.feed, from: store, to: handle)
                try handle.write(contentsOf: BundleCodec.encodeEnd(count: entries))
            }
        }
        printErr("backed up \(key.feed) to \(out)" + (feed ? " with \(entries) entries of its feed" : " (the key only; add --feed for the feed's entries)")
                 + "; keep it and its passphrase apart")
    }
}
