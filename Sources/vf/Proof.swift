import ArgumentParser
import Foundation
import VFGraph
import VFGraphStore
import VFProof

/// `vf prove`: a provenance proof of a resource or an event, in one file anyone can check.
struct Prove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a provenance proof of a resource or an event: one file anyone can check offline with vf proof check or the web page.",
        discussion: "The file holds the signed entries the trace reaches and those its figures derive from, with the entries that tie each to its feed's head (docs/protocol.md §17).")

    @OptionGroup var options: HomeOptions
    @Argument(help: "A resource id (%….vf1res), or the entry id of an event.") var id: String
    @Option(help: "Where to write the proof.") var out: String

    func run() throws {
        let context = try GraphContext(options)
        let reader = try context.reader()
        let subject = try parseFlowItem(id, in: reader)
        let (proof, bytes): (ProofFile, [UInt8])
        do {
            (proof, bytes) = try ProofBuilder(reader: reader, log: context.log).proveEncoded(subject, at: Int64(Date().timeIntervalSince1970 * 1000))
        } catch let error as ProofError { throw CLIError(error.description) }
        try WholeFile.write(out, existing: .replace) { try $0.write(contentsOf: bytes) }
        print("wrote \(out): \(bytes.count) bytes, \(proof.entries.count) entries from \(proof.feeds.count) feed\(proof.feeds.count == 1 ? "" : "s"), a trace of \(proof.trace.count) steps")
    }
}

/// `vf proof check`: checks a proof with nothing but the file.
struct ProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof", abstract: "Provenance proofs.", subcommands: [ProofCheckCommand.self])
}

struct ProofCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a provenance proof offline: signatures, hashes, each entry's place in its feed, and the trace and figures derived again.",
        discussion: "Needs no home and no network. Exits 1 and says what is wrong if anything is.")

    @Argument(help: "The proof file.") var file: String

    func run() throws {
        // Read one byte past the limit, whatever the file is (a pipe, a device): never more.
        guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError("cannot read \(file)") }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: ProofFile.maximumSize + 1) ?? Data()
        guard data.count <= ProofFile.maximumSize else { throw CLIError("\(file) is over \(ProofFile.maximumSize) bytes, the most a proof holds") }
        let proof: ProofFile
        do { proof = try ProofFile.decode([UInt8](data)) } catch { throw CLIError("\(file) is not a well-formed proof: \(error)") }
        let report = ProofCheck.check(proof)
        print("proof of \(proof.subject), made \(DateTimeStamp.text(proof.provedAt)): \(proof.entries.count) entries from \(proof.feeds.count) feed\(proof.feeds.count == 1 ? "" : "s")")
        for feed in report.forkedFeeds { print("note: feed \(feed) is forked; the proof holds the two entries that show it") }
        for step in report.steps {
            var line = String(repeating: "  ", count: min(step.depth, 40)) + "\(step.kind) \(step.item)  \(step.summary)"
            if let signer = step.signer, step.kind == "event" {
                line += "  signed by \(signer)"
                if let name = step.signerName { line += " (\(name))" }
                if let sequence = step.sequence { line += " #\(sequence)" }
            }
            print(line)
        }
        if report.holds {
            print("the proof holds: every signature, hash and link checks, and the trace and its figures derive again")
        } else {
            for failure in report.failures { printErr("FAILED: \(failure)") }
            printErr("the proof does not hold: \(report.failures.count) problem\(report.failures.count == 1 ? "" : "s")")
            throw ExitCode(1)
        }
    }
}
