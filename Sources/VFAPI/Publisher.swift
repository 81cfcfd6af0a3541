import Foundation
import VFGraph
import VFGraphStore
import VFLog
import VFPeer

/// `POST /api/entries`: the checks of `vf publish`, then an append through the node.
///
/// Publishes run one at a time, check and append together, so two requests can never both
/// pass a check made against the same state (two transfers of the same last kilogram).
final class Publisher: Sendable {
    private let context: APIContext
    private let lock = AsyncLock()

    init(context: APIContext) {
        self.context = context
    }

    /// Appends the payload of a request body and returns the new entry.
    /// - Throws: ``APIError`` 400 for a malformed body, 413 for an oversized payload, 422 for a
    ///   payload `vf publish` would refuse, 409 while the node's own feed is locked
    ///   (``OwnFeedLock``); nothing is appended then.
    func publish(body: [UInt8]) async throws -> SignedEntry {
        let (payload, allowNegative) = try PublishRequest.parse(body)
        do { try Payload.validate(payload) } catch {
            if case .tooLarge = error { throw APIError(413, "refused: \(error); nothing appended") }
            throw APIError.unprocessable("refused: \(error); nothing appended")
        }
        let context = self.context
        return try await lock.withLock {
            do {
                guard PublishVerdict.isValueFlows(payload) else { return try await context.node.publish(payload) }
                // Checked and applied in one fold: the check's transaction stores the entry.
                switch try await context.graph.publish(payload, key: context.node.key, allowNegative: allowNegative) {
                case let .published(signed):
                    try await context.node.published(signed)
                    return signed
                case let .refused(reason):
                    throw APIError.unprocessable("refused: \(reason); nothing appended")
                }
            } catch let error as AppendError {
                if case .locked = error { throw APIError(409, "\(error)") }
                throw error
            }
        }
    }
}
