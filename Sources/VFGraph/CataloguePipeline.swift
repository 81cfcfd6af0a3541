import Dispatch
import VFLog

/// Catalogues pages of log records into a builder on other threads while the caller reads
/// the next page: each page is decoded on any core, then catalogued on one serial queue in
/// the order the pages were submitted, so the result is the same as cataloguing them in line.
///
/// Reading the log is SQLite work on the caller's thread; decoding payloads is pure work any
/// core can do; cataloguing is one table filled in order. Done one after the other, or the
/// last two on the reading thread, each core waited for the others much of the time.
package final class CataloguePipeline: @unchecked Sendable {
    // `builder` and `fresh` are touched only by blocks on `queue`, and read by `finish` after
    // waiting for every one of them.
    private var builder: GraphBuilder
    private var fresh: [GraphEntry] = []
    private let queue = DispatchQueue(label: "vf.graph.catalogue")

    /// Takes over `builder`: the caller should drop its own copy, or the first page copies
    /// every table of the builder.
    package init(_ builder: GraphBuilder) {
        self.builder = builder
    }

    /// Starts decoding `records`, whose signatures the log verified when it stored them; they
    /// are catalogued once they and every page before them are.
    package func submit(_ records: [EntryRecord]) {
        let decoded = BackgroundValue { records.map { Derivation.PreparedEntry(GraphEntry($0, verified: true)) } }
        queue.async { [self] in
            fresh += builder.catalogue(prepared: decoded.wait())
        }
    }

    /// Waits for every page, and gives back the builder and the entries it did not hold yet,
    /// for ``GraphBuilder/settle(_:)``.
    package func finish() -> (builder: GraphBuilder, fresh: [GraphEntry]) {
        queue.sync {}
        let result = (builder, fresh)
        builder = GraphBuilder()
        fresh = []
        return result
    }
}
