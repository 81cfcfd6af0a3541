import Foundation
import VFLog
@testable import VFGraphStore

/// The rich network's feeds in a log in `directory`, and a graph store brought up to date with it.
func richNode(in directory: String) throws -> (net: SignedNetwork, log: LogStore, store: GraphStore) {
    let net = try SignedNetwork.rich(path: directory + "/source.sqlite")
    let log = try LogStore(path: directory + "/log.sqlite")
    _ = try log.ingest(try net.feeds().flatMap { $0 })
    let store = try GraphStore(path: directory + "/graph.sqlite")
    try store.update(from: log)
    return (net, log, store)
}

/// The tables a fresh rebuild of `log` gives, in a new file in `directory`.
func rebuiltTables(of log: LogStore, in directory: String) throws -> [String: [[String]]] {
    let fresh = try GraphStore(path: directory + "/rebuilt-\(UUID().uuidString).sqlite")
    try fresh.rebuild(from: log)
    return try fresh.tableContents()
}
