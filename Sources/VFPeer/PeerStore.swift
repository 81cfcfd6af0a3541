import Foundation
import GRDB
import VFLog

/// The node's memory of its network, in `HOME/peers.sqlite`: known peers and how contact with
/// them went, the clocks last exchanged with each (for request skipping), the index of
/// contact entries (follows and blocks) derived from the log, and the invites this node issued.
public final class PeerStore: Sendable {
    let pool: DatabasePool

    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        pool = try DatabasePool.openShared(path: path, configuration: config)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: peers, clocks, contacts") { db in
            try db.execute(sql: """
                CREATE TABLE peer (
                    key BLOB PRIMARY KEY NOT NULL,
                    host TEXT NOT NULL,
                    port INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    addedAt INTEGER NOT NULL,
                    lastSeen INTEGER,
                    lastSync INTEGER,
                    failures INTEGER NOT NULL DEFAULT 0,
                    lastError TEXT,
                    connected INTEGER NOT NULL DEFAULT 0,
                    peerClock BLOB,
                    acknowledgedClock BLOB
                );
                CREATE TABLE contact (
                    author BLOB NOT NULL,
                    contact BLOB NOT NULL,
                    following INTEGER NOT NULL,
                    blocking INTEGER NOT NULL,
                    sequence INTEGER NOT NULL,
                    PRIMARY KEY (author, contact)
                );
                CREATE TABLE contactCursor (author BLOB PRIMARY KEY NOT NULL, sequence INTEGER NOT NULL);
                """)
        }
        migrator.registerMigration("v2: invites") { db in
            try db.execute(sql: """
                CREATE TABLE invite (
                    secretHash BLOB PRIMARY KEY NOT NULL,
                    usesLeft INTEGER NOT NULL,
                    createdAt INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3: strangers") { db in
            // Rows that anonymous handshakes left before strangers were told apart: never
            // synced, no address, and nothing the node follows can be told from them.
            try db.execute(sql: "DELETE FROM peer WHERE source = 'incoming' AND host = '' AND lastSync IS NULL")
        }
        migrator.registerMigration("v4: contact index row") { db in
            // The last row of the log's `entry` table the contact index has read: indexing
            // again reads only the feeds that moved after it, not every feed held.
            try db.execute(sql: "CREATE TABLE contactIndexRow (id INTEGER PRIMARY KEY CHECK (id = 1), entryRow INTEGER NOT NULL)")
        }
        try migrator.migrateShared(pool)
    }

    // MARK: peers

    public struct Peer: Sendable {
        public let feed: FeedID
        /// Where to dial it; nil for a peer met only through its own incoming connection.
        public let address: MultiserverAddress?
        public let source: String
        public let lastSeen: Int64?
        public let lastSync: Int64?
        public let failures: Int
        public let lastError: String?
        public let connected: Bool
    }

    /// Adds a peer, or updates its address if it is known: what the user says (`vf connect`,
    /// an invite) is trusted over anything else.
    public func addPeer(_ address: MultiserverAddress, source: String) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO peer (key, host, port, source, addedAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET host = excluded.host, port = excluded.port,
                    source = CASE WHEN peer.source IN ('incoming', 'stranger', 'lan') THEN excluded.source ELSE peer.source END
                """, arguments: [Data(address.feed.bytes), address.host, address.port, source, Self.now])
        }
    }

    /// What became of a LAN announcement (``addLANPeer(_:)``).
    public enum LANOutcome: Sendable, Equatable {
        case added
        /// A peer learned on the LAN moved, or one known only by its incoming connections
        /// now says where it listens.
        case updated
        /// The address is the one already held, or the peer was added by the user, whose
        /// address a datagram anyone on the network key can send must not replace.
        case unchanged
        /// The table already holds ``maximumLANPeers`` peers learned on the LAN.
        case tableFull
    }

    /// Peers learned from LAN announcements kept at once: on a public network key anyone on
    /// the LAN can announce any number of identities.
    public static let maximumLANPeers = 256

    /// Records an address announced on the local network, without ever replacing an address
    /// the user gave, and without growing the table past ``maximumLANPeers`` such peers.
    @discardableResult
    public func addLANPeer(_ address: MultiserverAddress) throws -> LANOutcome {
        try pool.write { db in
            let key = Data(address.feed.bytes)
            if let row = try Row.fetchOne(db, sql: "SELECT host, port, source FROM peer WHERE key = ?", arguments: [key]) {
                let source: String = row["source"], host: String = row["host"], port: Int = row["port"]
                guard source == "lan" || host.isEmpty, host != address.host || port != address.port else { return .unchanged }
                try db.execute(sql: "UPDATE peer SET host = ?, port = ?, source = 'lan' WHERE key = ?",
                               arguments: [address.host, address.port, key])
                return .updated
            }
            let held = try Int.fetchOne(db, sql: "SELECT count(*) FROM peer WHERE source = 'lan'") ?? 0
            guard held < Self.maximumLANPeers else { return .tableFull }
            try db.execute(sql: "INSERT INTO peer (key, host, port, source, addedAt) VALUES (?, ?, ?, 'lan', ?)",
                           arguments: [key, address.host, address.port, Self.now])
            return .added
        }
    }

    /// The peer table without its stored clocks. With `dialableOnly`, only peers with an
    /// address: what the node's poll needs, read several times a second.
    public func peers(dialableOnly: Bool = false) throws -> [Peer] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.peerColumns) FROM peer \(dialableOnly ? "WHERE host != ''" : "") ORDER BY addedAt
                """).compactMap(Self.peer)
        }
    }

    /// At most `limit` peers after `after`, in the order of their key bytes: a page of the
    /// table, which keyset paging walks without repeating or skipping a peer added meanwhile.
    public func peers(after: FeedID?, limit: Int) throws -> [Peer] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.peerColumns) FROM peer WHERE key > ? ORDER BY key LIMIT ?",
                             arguments: [Data(after?.bytes ?? []), max(0, limit)]).compactMap(Self.peer)
        }
    }

    private static let peerColumns = "key, host, port, source, lastSeen, lastSync, failures, lastError, connected"

    private static func peer(_ row: Row) -> Peer? {
        guard let feed = FeedID(bytes: [UInt8](row["key"] as Data)) else { return nil }
        return Peer(feed: feed, address: try? MultiserverAddress(host: row["host"], port: row["port"], feed: feed),
                    source: row["source"], lastSeen: row["lastSeen"], lastSync: row["lastSync"],
                    failures: row["failures"], lastError: row["lastError"], connected: row["connected"])
    }

    /// Records that a peer connected or disconnected. A peer met only through its own
    /// incoming connection gets a row without an address: `incoming` when the node knows it
    /// (it follows it), `stranger` otherwise; stranger rows expire (``pruneStrangers(now:)``).
    public func recordConnected(_ feed: FeedID, _ connected: Bool, known: Bool = true) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO peer (key, host, port, source, addedAt) VALUES (?, '', 0, ?, ?)",
                           arguments: [Data(feed.bytes), known ? "incoming" : "stranger", Self.now])
            if known {
                try db.execute(sql: "UPDATE peer SET source = 'incoming' WHERE key = ? AND source = 'stranger'", arguments: [Data(feed.bytes)])
            }
            try db.execute(sql: "UPDATE peer SET connected = ?, lastSeen = ?, failures = CASE WHEN ? THEN 0 ELSE failures END WHERE key = ?",
                           arguments: [connected, Self.now, connected, Data(feed.bytes)])
        }
    }

    /// How long a stranger's row outlives its last connection, and how many such rows are kept.
    public static let strangerRetention: Int64 = 7 * 24 * 3600 * 1000
    public static let maximumStrangers = 256

    /// Forgets strangers (peers met only through their own connections, never followed) not
    /// seen for ``strangerRetention``, and all but the ``maximumStrangers`` seen last, with
    /// their clocks: identities cost nothing to make, so their rows must not accumulate.
    /// Returns how many rows went.
    @discardableResult
    public func pruneStrangers(now: Int64? = nil) throws -> Int {
        let now = now ?? Self.now
        return try pool.write { db in
            try db.execute(sql: """
                DELETE FROM peer WHERE source = 'stranger' AND connected = 0 AND (coalesce(lastSeen, addedAt) < ? OR key NOT IN (
                    SELECT key FROM peer WHERE source = 'stranger' ORDER BY coalesce(lastSeen, addedAt) DESC LIMIT ?))
                """, arguments: [now - Self.strangerRetention, Self.maximumStrangers])
            return db.changesCount
        }
    }

    public func recordFailure(_ feed: FeedID, _ error: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE peer SET failures = failures + 1, lastError = ?, connected = 0 WHERE key = ?",
                           arguments: [error, Data(feed.bytes)])
        }
    }

    public func recordSync(_ feed: FeedID) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE peer SET lastSync = ? WHERE key = ?", arguments: [Self.now, Data(feed.bytes)])
        }
    }

    public func resetConnectedFlags() throws {
        try pool.write { db in try db.execute(sql: "UPDATE peer SET connected = 0") }
    }

    // MARK: clocks

    /// The clocks last exchanged with a peer: theirs as we reconstructed it, and ours as they confirmed it.
    public func clocks(for feed: FeedID) throws -> (peer: FeedClock?, acknowledged: FeedClock?) {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT peerClock, acknowledgedClock FROM peer WHERE key = ?", arguments: [Data(feed.bytes)]) else {
                return (nil, nil)
            }
            return ((row["peerClock"] as Data?).flatMap { FeedClock(encoded: [UInt8]($0)) }, (row["acknowledgedClock"] as Data?).flatMap { FeedClock(encoded: [UInt8]($0)) })
        }
    }

    /// Clocks of strangers larger than this are not remembered: a 1,000,000-feed clock is
    /// 40 MB, and identities are free. Such a stranger sends its clock in full next time.
    public static let maximumStrangerClockFeeds = 1_024

    /// Remembers a clock exchanged with a peer, unless the peer is a stranger and the clock is
    /// over ``maximumStrangerClockFeeds``; then forgets any clock held for it. Returns whether
    /// the clock was kept.
    @discardableResult
    public func rememberClock(_ clock: FeedClock, peer feed: FeedID, acknowledged: Bool, known: Bool = true) throws -> Bool {
        let column = acknowledged ? "acknowledgedClock" : "peerClock"
        let keep = known || clock.count <= Self.maximumStrangerClockFeeds
        try pool.write { db in
            // A peer met only through an incoming connection gets a row without an address to dial.
            try db.execute(sql: "INSERT OR IGNORE INTO peer (key, host, port, source, addedAt) VALUES (?, '', 0, ?, ?)",
                           arguments: [Data(feed.bytes), known ? "incoming" : "stranger", Self.now])
            try db.execute(sql: "UPDATE peer SET \(column) = ? WHERE key = ?",
                           arguments: [keep ? Data(clock.encoded) : nil, Data(feed.bytes)])
        }
        return keep
    }

    // MARK: contacts

    /// Reads the log's entries not yet indexed and records their contact payloads.
    /// Returns whether any contact changed.
    @discardableResult
    public func indexContacts(from log: LogStore) throws -> Bool {
        let indexedRow = try pool.read { db in try Int64.fetchOne(db, sql: "SELECT entryRow FROM contactIndexRow WHERE id = 1") }
        // Only the feeds that moved since the last row indexed; every feed the first time, or
        // when the log holds fewer rows than were indexed (it was replaced).
        let moved: [(author: FeedID, sequence: UInt64)]
        let lastRow: Int64
        let replaced = try indexedRow.map { try log.lastEntryRow() < $0 } ?? false
        if let indexedRow, !replaced {
            let advanced = try log.headsAdvanced(afterRow: indexedRow)
            moved = advanced.heads.map { ($0.key, $0.value) }
            lastRow = advanced.lastRow
        } else {
            // The row first: the feeds read after it hold at least every entry up to it.
            lastRow = try log.lastEntryRow()
            moved = try log.feeds().map { ($0.author, $0.sequence) }
        }
        let cursors = try contactCursors(of: moved.map(\.author))
        var found: [(author: FeedID, sequence: UInt64, contact: ContactPayload)] = []
        var read: [(author: FeedID, sequence: UInt64)] = []
        for head in moved where head.sequence > cursors[head.author] ?? 0 {
            // SQLite scans the payloads in C; only contact payloads come back to be parsed.
            for (sequence, payload) in try log.payloads(author: head.author, after: cursors[head.author] ?? 0, containing: ContactPayload.type) {
                if let contact = ContactPayload.parse(payload) { found.append((head.author, sequence, contact)) }
            }
            read.append(head)
        }
        // One transaction; cursors and the row only move forward, so a slower run that read
        // an older state cannot undo what a faster one recorded.
        try pool.write { db in
            for (author, sequence, contact) in found {
                try db.execute(sql: """
                    INSERT INTO contact (author, contact, following, blocking, sequence) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (author, contact) DO UPDATE SET following = excluded.following,
                        blocking = excluded.blocking, sequence = excluded.sequence
                    WHERE excluded.sequence > contact.sequence
                    """, arguments: [Data(author.bytes), Data(contact.contact.bytes), contact.following, contact.blocking, Int64(sequence)])
            }
            let cursor = try db.cachedStatement(sql: """
                INSERT INTO contactCursor (author, sequence) VALUES (?, ?)
                ON CONFLICT (author) DO UPDATE SET sequence = max(sequence, excluded.sequence)
                """)
            for (author, sequence) in read { try cursor.execute(arguments: [Data(author.bytes), Int64(sequence)]) }
            try db.execute(sql: """
                INSERT INTO contactIndexRow (id, entryRow) VALUES (1, ?)
                ON CONFLICT (id) DO UPDATE SET entryRow = CASE WHEN ? THEN excluded.entryRow ELSE max(entryRow, excluded.entryRow) END
                """, arguments: [lastRow, replaced])
        }
        return !found.isEmpty
    }

    /// Forgets the contacts `feed` published and how far they were read: for a feed whose
    /// entries the log deleted (`vf block --purge`). Were its entries held again, the index
    /// would read them from the start.
    public func forgetContacts(authoredBy feed: FeedID) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM contact WHERE author = ?", arguments: [Data(feed.bytes)])
            try db.execute(sql: "DELETE FROM contactCursor WHERE author = ?", arguments: [Data(feed.bytes)])
        }
    }

    /// How far the contact index has read each of `feeds`; absent: not at all.
    private func contactCursors(of feeds: [FeedID]) throws -> [FeedID: UInt64] {
        try pool.read { db in
            var result: [FeedID: UInt64] = [:]
            if feeds.count > 1_000 {
                for row in try Row.fetchAll(db, sql: "SELECT author, sequence FROM contactCursor") {
                    if let feed = FeedID(bytes: [UInt8](row[0] as Data)) { result[feed] = UInt64(row[1] as Int64) }
                }
            } else {
                let statement = try db.cachedStatement(sql: "SELECT sequence FROM contactCursor WHERE author = ?")
                for feed in feeds {
                    if let sequence = try Int64.fetchOne(statement, arguments: [Data(feed.bytes)]) { result[feed] = UInt64(sequence) }
                }
            }
            return result
        }
    }

    /// Every author's current follows, and the feeds `me` blocks.
    public func contacts(me: FeedID) throws -> (follows: [FeedID: Set<FeedID>], blocks: Set<FeedID>) {
        try pool.read { db in
            var follows: [FeedID: Set<FeedID>] = [:]
            var blocks: Set<FeedID> = []
            for row in try Row.fetchAll(db, sql: "SELECT author, contact, following, blocking FROM contact WHERE following = 1 OR blocking = 1") {
                guard let author = FeedID(bytes: [UInt8](row[0] as Data)), let contact = FeedID(bytes: [UInt8](row[1] as Data)) else { continue }
                if row[2] as Bool { follows[author, default: []].insert(contact) }
                if row[3] as Bool, author == me { blocks.insert(contact) }
            }
            return (follows, blocks)
        }
    }

    // MARK: invites

    /// Records an invite this node issued, good for `uses` redemptions. Only the BLAKE2b-256
    /// hash of the secret is stored: reading the table does not let anyone redeem.
    public func addInvite(secret: [UInt8], uses: Int) throws {
        precondition(uses > 0, "an invite is good for at least one use")
        try pool.write { db in
            try db.execute(sql: "INSERT INTO invite (secretHash, usesLeft, createdAt) VALUES (?, ?, ?)",
                           arguments: [Self.inviteHash(secret), uses, Self.now])
        }
    }

    /// Spends one use of the invite with this secret. Returns false if there is no such invite
    /// or it is used up. One conditional UPDATE, so concurrent redemptions (from this process
    /// or another) cannot spend the same last use twice.
    public func redeemInvite(secret: [UInt8]) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE invite SET usesLeft = usesLeft - 1 WHERE secretHash = ? AND usesLeft > 0",
                           arguments: [Self.inviteHash(secret)])
            return db.changesCount == 1
        }
    }

    /// Gives back a use spent by ``redeemInvite(secret:)``, when following the redeemer failed.
    public func refundInvite(secret: [UInt8]) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE invite SET usesLeft = usesLeft + 1 WHERE secretHash = ?", arguments: [Self.inviteHash(secret)])
        }
    }

    /// The uses left of the invite with this secret, or nil if there is none.
    public func inviteUsesLeft(secret: [UInt8]) throws -> Int? {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT usesLeft FROM invite WHERE secretHash = ?", arguments: [Self.inviteHash(secret)])
        }
    }

    static func inviteHash(_ secret: [UInt8]) -> Data {
        Data(Sodium.blake2b256(secret).bytes)
    }

    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
