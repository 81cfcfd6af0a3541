import VFGraph
import VFGraphStore
import VFLog
import VFPeer

/// What the API serves from: the running node and the stores of its home.
public struct APIContext: Sendable {
    /// The node; entries are published through it so connected peers get them at once.
    public let node: Node
    public let log: LogStore
    public let peers: PeerStore
    public let graph: any GraphSource
    /// This node's multiserver address, when it listens for peers.
    public var peerAddress: String?

    public init(node: Node, log: LogStore, peers: PeerStore, graph: any GraphSource, peerAddress: String?) {
        self.node = node
        self.log = log
        self.peers = peers
        self.graph = graph
        self.peerAddress = peerAddress
    }

    /// This node's feed.
    public var me: FeedID { node.key.feed }
    public var networkKey: NetworkKey { node.networkKey }
}
