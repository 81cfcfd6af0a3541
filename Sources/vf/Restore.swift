import ArgumentParser
import Foundation
import VFAPI
import VFLog
import VFPeer

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a home from a backup file written by vf backup: its identity, and its feed's entries if it holds them.",
        discussion: """
            The passphrase is asked on the terminal, or read from the first line of --passphrase-file. The whole file is \
            checked before anything is written. The restored node is locked: it refuses to sign its own feed (publish, \
            follow, API writes) until a sync (vf sync, vf serve) has fetched the feed's latest entries from a peer that holds \
            them, or you run vf unlock --i-have-the-latest-entries.
            """)

    @OptionGroup var options: HomeOptions
    @Argument(help: "The backup file.") var file: String
    @Option(help: ArgumentHelp("Read the passphrase from the first line of this file instead of the terminal.", valueName: "FILE"))
    var passphraseFile: String?
    @OptionGroup var network: NetworkOption

    func run() throws {
        let home = options.resolved
        let networkKey = try network.key()
        // A home with an identity is refused before the passphrase is asked, unless it was
        // restored and is still locked: restoring it again finishes a restore cut short.
        let locked: FeedID?
        do { locked = try home.lockedRestore() } catch { throw CLIError("\(error)") }
        if locked != nil, networkKey != nil, FileManager.default.fileExists(atPath: NetworkKey.path(home: home)) {
            throw CLIError("\(home.path) already has a network key, which is left as it is: restore it again without --network")
        }
        // One open file for the key and both passes over the feed: the file the key came from is
        // the file whose feed is checked and then ingested, even if its name is given to another.
        guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError("cannot open \(file)") }
        defer { try? handle.close() }
        let sealed: BackupFile.Sealed
        do {
            sealed = try BackupFile.readKeySection([UInt8]((try handle.read(upToCount: BackupFile.keySectionSize)) ?? Data()))
            // A backup without a feed ends with its key section: what follows is refused
            // before the passphrase is asked for (§18), counted, not read.
            if !sealed.hasFeed {
                var reader = BackupFeedReader(sealed, feed: nil)
                let end = try handle.seekToEnd()
                try reader.finish(notGiven: Int(clamping: end) - BackupFile.keySectionSize)
            }
        } catch let error as BackupFileError {
            throw CLIError("\(file): \(error)")
        }
        var passphrase = try Passphrase.obtain(file: passphraseFile, prompt: "Passphrase of \(file): ", confirm: false)
        defer { Sodium.wipe(&passphrase) }
        let key: SigningKey
        do { key = try sealed.open(passphrase: passphrase) } catch { throw CLIError("\(file): \(error)") }
        if let locked, locked != key.feed {
            throw CLIError("\(home.path) holds another identity, \(locked), restored and still locked; this backup is of \(key.feed)")
        }
        // Every record is read and verified once before the home exists (signatures, payloads,
        // links: what the store will check again), so a damaged file leaves nothing behind.
        var chain = FeedChainCheck()
        let held = try readFeed(handle, sealed, of: key.feed) { batch in
            for signed in batch {
                do { try chain.check(signed) } catch { throw CLIError("\(file): the backup's feed: \(error); nothing was written") }
            }
        }
        var stored = 0
        var holds: UInt64 = 0
        var refusals: [VerificationError] = []
        let resumed = try home.restore(key: key) { store in
            _ = try readFeed(handle, sealed, of: key.feed) { batch in
                let report = try store.ingest(batch)
                stored += report.stored.count
                refusals += report.rejected
            }
            holds = try store.head(of: key.feed)?.sequence ?? 0
        }
        try networkKey?.save(home: home)
        _ = try APIToken.loadOrCreate(in: home)
        print(key.feed)
        for refusal in refusals { printErr("REFUSED \(refusal)") }
        let done = resumed
            ? "restored \(key.feed) again into \(home.path), which held it restored and still locked: \(stored) more of the \(held) entries "
                + "of its feed the backup held were stored, and it holds the feed up to #\(holds). "
            : "restored \(key.feed) into \(home.path) with \(stored) of the \(held) entries of its feed the backup held. "
        printErr(done
                 + "Its feed is locked until this node has fetched the feed's latest entries from a peer (vf sync ADDRESS, or vf serve), "
                 + "or you run vf unlock --i-have-the-latest-entries.")
        if !refusals.isEmpty { throw ExitCode(1) }
    }

    /// Streams the records after the key section to `body` in batches, through
    /// ``BackupFeedReader``, which refuses damaged framing, a malformed entry, an entry of
    /// another feed, a truncated file and bytes after the end. Returns the number of records.
    private func readFeed(_ handle: FileHandle, _ sealed: BackupFile.Sealed, of feed: FeedID, _ body: ([SignedEntry]) throws -> Void) throws -> Int {
        try handle.seek(toOffset: UInt64(BackupFile.keySectionSize))
        var reader = BackupFeedReader(sealed, feed: feed)
        // Batches of at most 4,096 entries or 8 MiB: a file of 64 KiB payloads is not held whole.
        var batch: [SignedEntry] = []
        var batchBytes = 0
        do {
            while !reader.isEnded, let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                reader.append(chunk)
                while let signed = try reader.next() {
                    batch.append(signed)
                    batchBytes += signed.entry.encoded.count + (signed.payload?.count ?? 0)
                    if batch.count >= 4096 || batchBytes >= 8 << 20 {
                        try body(batch)
                        batch.removeAll(keepingCapacity: true)
                        batchBytes = 0
                    }
                }
            }
            // After the end, what follows is counted, not read.
            let position = try handle.offset()
            let end = try handle.seekToEnd()
            try reader.finish(notGiven: Int(clamping: end >= position ? end - position : 0))
        } catch let error as BackupFileError {
            throw CLIError("\(file): \(error)")
        }
        if !batch.isEmpty { try body(batch) }
        return reader.count
    }
}
