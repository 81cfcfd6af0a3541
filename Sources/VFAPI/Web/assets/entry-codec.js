// Entries (docs/protocol.md §3, format tag 0x01), decoded strictly: one byte string per entry,
// its length exactly the one its sequence number implies. Structure only; the signature, the
// payload and the links are the checker's. Needs blake2b.js, base64.js and lipmaa.js.
"use strict";
(function (vf) {
  const TAG = 0x01;
  const FIXED_HEADER = 1 + 32 + 8 + 8 + 4 + 32;
  const SIGNATURE = 64;
  const MAXIMUM_SEQUENCE = (1n << 63n) - 1n;
  const MAXIMUM_PAYLOAD = 65536;

  class EntryDecodingError extends Error {}

  /// The size of the encoding of entry number `sequence` (a range-checked BigInt).
  function encodedSize(sequence) {
    return FIXED_HEADER + (sequence > 1n ? 32 : 0) + (vf.hasDistinctLipmaaLink(sequence) ? 32 : 0) + SIGNATURE;
  }

  const feedText = (key) => "@" + vf.encodeBase64(key) + ".ed25519";
  const entryText = (hash) => "%" + vf.encodeBase64(hash) + ".vf1";

  /// Decodes the entry that occupies `bytes` (a Uint8Array) exactly, or throws
  /// EntryDecodingError saying why, in the node's words.
  function decodeEntry(bytes) {
    if (bytes.length < FIXED_HEADER + SIGNATURE) {
      throw new EntryDecodingError(`entry truncated: ${bytes.length} bytes, expected ${FIXED_HEADER + SIGNATURE}`);
    }
    if (bytes[0] !== TAG) throw new EntryDecodingError(`unknown entry format tag 0x${bytes[0].toString(16).padStart(2, "0")}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const sequence = view.getBigUint64(33);
    if (sequence === 0n) throw new EntryDecodingError("sequence number 0 (sequences start at 1)");
    if (sequence > MAXIMUM_SEQUENCE) {
      throw new EntryDecodingError(`sequence number ${sequence} is over the largest, ${MAXIMUM_SEQUENCE} (2^63 − 1)`);
    }
    const expected = encodedSize(sequence);
    if (bytes.length < expected) throw new EntryDecodingError(`entry truncated: ${bytes.length} bytes, expected ${expected}`);
    if (bytes.length > expected) throw new EntryDecodingError(`entry has trailing bytes: ${bytes.length} bytes, expected ${expected}`);
    let offset = FIXED_HEADER;
    let backlink = null, lipmaaLink = null;
    if (sequence > 1n) { backlink = bytes.subarray(offset, offset + 32); offset += 32; }
    if (vf.hasDistinctLipmaaLink(sequence)) lipmaaLink = bytes.subarray(offset, offset + 32);
    const author = bytes.subarray(1, 33);
    const id = vf.blake2b256(bytes);
    return {
      author,
      authorText: feedText(author),
      sequence,
      timestamp: view.getBigInt64(41),
      payloadSize: view.getUint32(49),
      payloadHash: bytes.subarray(53, 85),
      backlinkText: backlink && entryText(backlink),
      lipmaaLinkText: lipmaaLink && entryText(lipmaaLink),
      signed: bytes.subarray(0, bytes.length - SIGNATURE),
      signature: bytes.subarray(bytes.length - SIGNATURE),
      id,
      idText: entryText(id),
    };
  }

  vf.EntryDecodingError = EntryDecodingError;
  vf.decodeEntry = decodeEntry;
  vf.entryMaximumSequence = MAXIMUM_SEQUENCE;
  vf.payloadMaximumSize = MAXIMUM_PAYLOAD;
})(globalThis.vf ??= {});
