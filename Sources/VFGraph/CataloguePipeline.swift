import Dispatch
import VFLog

/// Catalogues pages of log records into a derivation on other threads while the caller reads
/// the next page: each page is decoded on any core, then catalogued on one serial queue in
/// the order the pages were submitted, so the result is the same as cataloguing them in line.
///
/// Reading the log is SQLite work on the caller's thread; decoding payloads is pure work any
/// core can do; cataloguing is one table filled in order. Done one after the other, or the
/// last two on the reading thread, each core waited for the others much of the time.
package final class CataloguePipeline: @unchecked Sendable {
    // `derivation` is touched only by blocks on `queue`, and read by `finish` after waiting
    // for every one of them.
    private var derivation: Derivation
    private let queue = DispatchQueue(label: "vf.graph.catalogue")

    /// Takes over `derivation`, with room for `entries` entries: the caller should drop its own
    /// copy, or the first page copies every table of it. Reserving the room at once spares
    /// the tables their doublings, each a copy into memory the system must clear first.
    package init(_ derivation: Derivation, entries: Int = 0) {
        self.derivation = derivation
        self.derivation.reserveCapacity(entries: entries)
    }

    /// Starts decoding `records`, whose signatures the log verified when it stored them; they
    /// are catalogued once they and every page before them are.
    package func submit(_ records: [EntryRecord]) {
        let decoded = BackgroundValue { records.map { Derivation.PreparedEntry(GraphEntry($0, verified: true)) } }
        queue.async { [self] in
            derivation.catalogue(prepared: decoded.wait())
        }
    }

    /// Waits for every page, and gives back the derivation that catalogued them.
    package func finish() -> Derivation {
        queue.sync {}
        let result = derivation
        derivation = Derivation()
        return result
    }
}
