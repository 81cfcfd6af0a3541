import Logging
import VFGraph
import VFGraphStore
import VFPeer

/// The running node keeps HOME/graph.sqlite current: the graph is brought up to date once at
/// start, then again after every advance of the feed heads (entries published, written by
/// another process, or received from peers), bursts coalesced, off the node's event loop.
func startLiveGraph(_ context: NodeContext, node: Node, logger: Logger) async throws -> LiveGraph {
    let live: LiveGraph
    do {
        live = try LiveGraph(store: try GraphStore(home: context.home), log: context.log) { error in
            logger.warning("graph.sqlite not updated: \(error)")
        }
    } catch {
        throw CLIError("cannot bring the graph up to date: \(error)")
    }
    await node.onHeadsAdvanced { _ in live.headsAdvanced() }
    return live
}
