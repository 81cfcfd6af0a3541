import XCTest
@testable import VFLog

/// The backup file codec (docs/protocol.md, "Backup file"): its test vector, and every way a
/// hostile or damaged file is refused before the passphrase is tried.
final class BackupFileTests: XCTestCase {
    private let passphrase = Array("correct horse battery staple".utf8)
    private let seed = Array(UInt8(0)..<32)
    private let salt = Array(UInt8(0)..<16)
    private let nonce = Array(UInt8(0)..<24)

    /// Computed independently by tools/backup_vector.py (libsodium through ctypes).
    private let vector = "76666261636b757000010200000000000000020000000004000000000102030405060708090a0b0c0d0e0f"
        + "000102030405060708090a0b0c0d0e0f1011121314151617526d77c2d4604b4435bb7fb848d50b0725e5ae08505de0761033e8"
        + "1eadc8d36af2341705e62057d6c160825cc0c2e57a00"

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    private func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    func testVector() throws {
        let key = SigningKey(seed: seed)
        let sealed = try BackupFile.seal(key, passphrase: passphrase, derivation: .interactive, hasFeed: false, salt: salt, nonce: nonce)
        XCTAssertEqual(sealed.count, BackupFile.keySectionSize)
        XCTAssertEqual(hex(sealed), vector)
        let (read, records) = try BackupFile.decode(bytes(vector))
        XCTAssertEqual(read.derivation, .interactive)
        XCTAssertFalse(read.hasFeed)
        XCTAssertTrue(records.isEmpty)
        XCTAssertEqual(try read.open(passphrase: passphrase).feed, key.feed)
    }

    func testTheLimitsAreLibsodiums() {
        XCTAssertEqual(BackupFile.KeyDerivation.moderate, .init(opslimit: 3, memlimit: 268_435_456))
        XCTAssertEqual(BackupFile.KeyDerivation.interactive, .init(opslimit: 2, memlimit: 67_108_864))
    }

    func testWrongPassphrase() throws {
        let (read, _) = try BackupFile.decode(bytes(vector))
        XCTAssertThrowsError(try read.open(passphrase: Array("correct horse battery stapler".utf8))) { error in
            XCTAssertEqual(error as? BackupFileError, .wrongPassphrase)
        }
    }

    /// The first `count` entries of `key`'s feed, each with a small payload.
    private func feedOf(_ key: SigningKey, count: Int) -> [SignedEntry] {
        var signer = ChainSigner(key: key, previous: nil, known: [:])
        return (1...count).map { n -> SignedEntry in
            let payload = Array(#"{"n":\#(n)}"#.utf8)
            return SignedEntry(entry: signer.sign(payloadSize: UInt32(payload.count), payloadHash: Payload.hash(payload), timestamp: 1_767_225_600_000),
                               payload: payload)
        }
    }

    /// Sealed with the least limits, so the tests that open it run fast.
    private func quickBackup(feed: [SignedEntry]? = nil) throws -> (SigningKey, [UInt8]) {
        let key = SigningKey(seed: seed)
        var out = try BackupFile.seal(key, passphrase: passphrase, derivation: .minimum, hasFeed: feed != nil, salt: salt, nonce: nonce)
        if let feed {
            out += BundleCodec.header
            for signed in feed { out += BundleCodec.encodeRecord(signed) }
            out += BundleCodec.encodeEnd(count: UInt64(feed.count))
        }
        return (key, out)
    }

    func testEveryTruncationOfTheKeySectionIsNamed() throws {
        let (_, whole) = try quickBackup()
        for length in 0..<whole.count {
            XCTAssertThrowsError(try BackupFile.decode(Array(whole.prefix(length))), "length \(length)") { error in
                XCTAssertEqual(error as? BackupFileError, .truncated(length: length), "length \(length)")
            }
        }
        XCTAssertEqual(BackupFileError.truncated(length: 40).description,
                       "the backup is truncated: it ends after 40 bytes, inside its key section of 116 bytes")
    }

    func testFeedRoundTripAndItsTruncation() throws {
        let key = SigningKey(seed: seed)
        let entries = feedOf(key, count: 3)
        let (_, whole) = try quickBackup(feed: entries)
        let (sealed, records) = try BackupFile.decode(whole)
        XCTAssertTrue(sealed.hasFeed)
        XCTAssertEqual(records.map(\.entry.id), entries.map(\.entry.id))
        XCTAssertEqual(try sealed.open(passphrase: passphrase).feed, key.feed)

        XCTAssertThrowsError(try BackupFile.decode(Array(whole.dropLast(5)))) { error in
            XCTAssertEqual(error as? BackupFileError, .feed(.truncated(afterRecords: 3)))
        }
        XCTAssertThrowsError(try BackupFile.decode(whole + [0])) { error in
            XCTAssertEqual(error as? BackupFileError, .feed(.trailingBytes(1)))
        }
    }

    func testTheFeedReadsTheSameInChunksOfAnySizeAndRefusesAnotherFeedsEntry() throws {
        let key = SigningKey(seed: seed)
        let entries = feedOf(key, count: 4)
        let (_, whole) = try quickBackup(feed: entries)
        let sealed = try BackupFile.readKeySection(whole)
        let rest = Array(whole.dropFirst(BackupFile.keySectionSize))
        for size in [1, 2, 3, 7, 64, 1000, rest.count] {
            var reader = BackupFeedReader(sealed, feed: key.feed)
            var read: [EntryID] = []
            var offset = 0
            while offset < rest.count {
                reader.append(rest[offset..<min(offset + size, rest.count)])
                offset += size
                while let signed = try reader.next() { read.append(signed.entry.id) }
            }
            try reader.finish()
            XCTAssertEqual(read, entries.map(\.entry.id), "chunks of \(size)")
            XCTAssertEqual(reader.count, entries.count)
            XCTAssertTrue(reader.isEnded)
        }
        // Read as another identity's backup, the first record is refused, named.
        let other = SigningKey(seed: [UInt8](repeating: 9, count: 32)).feed
        XCTAssertThrowsError(try BackupFile.decode(whole, feed: other)) { error in
            XCTAssertEqual(error as? BackupFileError, .foreignEntry(record: 1, author: key.feed, feed: other))
        }
        // The third entry's first byte (its format) damaged: that record is refused, by number.
        // (Signatures and payload hashes are checked when the entries are stored, as any.)
        var damaged = whole
        let third = BackupFile.keySectionSize + BundleCodec.header.count
            + entries.prefix(2).map { BundleCodec.encodeRecord($0).count }.reduce(0, +)
        damaged[third + 4] ^= 0xFF
        XCTAssertThrowsError(try BackupFile.decode(damaged, feed: key.feed)) { error in
            guard case .malformedEntry(record: 3, _)? = error as? BackupFileError else { return XCTFail("\(error)") }
        }
        // A backup without a feed: any byte after its key section is too many.
        let (_, bare) = try quickBackup()
        var reader = BackupFeedReader(try BackupFile.readKeySection(bare), feed: key.feed)
        XCTAssertTrue(reader.isEnded)
        reader.append([1, 2, 3])
        XCTAssertNil(try reader.next())
        XCTAssertThrowsError(try reader.finish()) { error in XCTAssertEqual(error as? BackupFileError, .trailingBytes(3)) }
        XCTAssertThrowsError(try reader.finish(notGiven: 4)) { error in XCTAssertEqual(error as? BackupFileError, .trailingBytes(7)) }
        // After a whole feed, bytes counted in the file and not given are bytes after the end too.
        var longer = BackupFeedReader(sealed, feed: key.feed)
        longer.append(rest + [9, 9])
        while try longer.next() != nil {}
        XCTAssertThrowsError(try longer.finish(notGiven: 5)) { error in XCTAssertEqual(error as? BackupFileError, .feed(.trailingBytes(7))) }
        var exact = BackupFeedReader(sealed, feed: key.feed)
        exact.append(rest)
        while try exact.next() != nil {}
        XCTAssertThrowsError(try exact.finish(notGiven: 5)) { error in XCTAssertEqual(error as? BackupFileError, .feed(.trailingBytes(5))) }
        XCTAssertNoThrow(try exact.finish())
    }

    func testHostileKeySections() throws {
        let (_, whole) = try quickBackup()
        func refused(_ change: (inout [UInt8]) -> Void) -> BackupFileError? {
            var copy = whole
            change(&copy)
            do { _ = try BackupFile.decode(copy); return nil } catch { return error }
        }
        XCTAssertEqual(refused { $0[0] = UInt8(ascii: "V") }, .notABackup)
        XCTAssertEqual(refused { $0[9] = 2 }, .unsupportedVersion(2))
        XCTAssertEqual(refused { $0[10] = 1 }, .unsupportedAlgorithm(1))
        // opslimit 0, and one over the bound; memlimit 2^63 (a crafted file must not allocate it).
        XCTAssertEqual(refused { $0[18] = 0 }, .limitsOutOfRange(opslimit: 0, memlimit: 8192))
        XCTAssertEqual(refused { $0[18] = 17 }, .limitsOutOfRange(opslimit: 17, memlimit: 8192))
        XCTAssertEqual(refused { $0[19] = 0x80 }, .limitsOutOfRange(opslimit: 1, memlimit: 0x8000_0000_0000_2000))
        XCTAssertEqual(refused { $0[115] = 2 }, .badFeedFlag(2))
        XCTAssertEqual(refused { $0 += [0, 0] }, .trailingBytes(2))
        // A flipped bit of the box is found when it is opened, as a wrong passphrase would be.
        var damaged = whole
        damaged[80] ^= 1
        XCTAssertThrowsError(try BackupFile.decode(damaged).0.open(passphrase: passphrase)) { error in
            XCTAssertEqual(error as? BackupFileError, .wrongPassphrase)
        }
    }
}
