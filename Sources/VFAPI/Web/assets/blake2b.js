// BLAKE2b with a 32-byte digest, no key, no salt, no personalisation (RFC 7693): the hash of
// docs/protocol.md §1, for entry ids and payload hashes. A classic script (the proof page runs
// from file://, where Chromium loads no modules); it defines vf.blake2b256(bytes) → 32 bytes,
// and vf.blake2b(bytes, size) for the other digest sizes (RFC 7693's own vectors are 64 bytes).
//
// Each 64-bit word is two 32-bit halves, low then high, in Uint32Arrays: JavaScript has no
// 64-bit integers but BigInt, which is far too slow for this.
"use strict";
(function (vf) {
  // The SHA-512 initial values (RFC 7693 §2.6), as low, high halves.
  const IV = new Uint32Array([
    0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
    0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
  ]);

  // The message word schedule (RFC 7693 §2.7); rounds 10 and 11 reuse rows 0 and 1. Stored
  // doubled, as offsets into the halves of m.
  const SIGMA = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
  ];
  const SCHEDULE = new Uint8Array(12 * 16);
  for (let r = 0; r < 12; r++) for (let i = 0; i < 16; i++) SCHEDULE[r * 16 + i] = SIGMA[r % 10][i] * 2;

  // Scratch space, reused: the hash is synchronous, so no two calls share it at once.
  const h = new Uint32Array(16);
  const v = new Uint32Array(32);
  const m = new Uint32Array(32);
  const last = new Uint8Array(128);

  // The mixing function G on words a, b, c, d (offsets of their low halves) with message words
  // at offsets x and y (RFC 7693 §3.1: rotations by 32, 24, 16 and 63).
  function mix(a, b, c, d, x, y) {
    let lo = v[a] + v[b];
    let hi = v[a + 1] + v[b + 1] + (lo > 0xffffffff ? 1 : 0);
    lo >>>= 0;
    let lo2 = lo + m[x];
    v[a] = lo2;
    v[a + 1] = hi + m[x + 1] + (lo2 > 0xffffffff ? 1 : 0);

    let xl = v[d] ^ v[a], xh = v[d + 1] ^ v[a + 1];
    v[d] = xh;
    v[d + 1] = xl;

    lo = v[c] + v[d];
    v[c + 1] = v[c + 1] + v[d + 1] + (lo > 0xffffffff ? 1 : 0);
    v[c] = lo;

    xl = v[b] ^ v[c]; xh = v[b + 1] ^ v[c + 1];
    v[b] = (xl >>> 24) | (xh << 8);
    v[b + 1] = (xh >>> 24) | (xl << 8);

    lo = v[a] + v[b];
    hi = v[a + 1] + v[b + 1] + (lo > 0xffffffff ? 1 : 0);
    lo >>>= 0;
    lo2 = lo + m[y];
    v[a] = lo2;
    v[a + 1] = hi + m[y + 1] + (lo2 > 0xffffffff ? 1 : 0);

    xl = v[d] ^ v[a]; xh = v[d + 1] ^ v[a + 1];
    v[d] = (xl >>> 16) | (xh << 16);
    v[d + 1] = (xh >>> 16) | (xl << 16);

    lo = v[c] + v[d];
    v[c + 1] = v[c + 1] + v[d + 1] + (lo > 0xffffffff ? 1 : 0);
    v[c] = lo;

    xl = v[b] ^ v[c]; xh = v[b + 1] ^ v[c + 1];
    v[b] = (xh >>> 31) | (xl << 1);
    v[b + 1] = (xl >>> 31) | (xh << 1);
  }

  // Compresses the 128-byte block of `block` at `at`, `count` bytes having been hashed so far
  // (this block included); `final` for the last block (RFC 7693 §3.2).
  function compress(block, at, count, final) {
    for (let i = 0; i < 32; i++) {
      const k = at + i * 4;
      m[i] = block[k] | (block[k + 1] << 8) | (block[k + 2] << 16) | (block[k + 3] << 24);
    }
    for (let i = 0; i < 16; i++) { v[i] = h[i]; v[i + 16] = IV[i]; }
    v[24] ^= count >>> 0;
    v[25] ^= Math.floor(count / 0x100000000);
    if (final) { v[28] = ~v[28]; v[29] = ~v[29]; }
    for (let r = 0; r < 12; r++) {
      const s = r * 16;
      mix(0, 8, 16, 24, SCHEDULE[s], SCHEDULE[s + 1]);
      mix(2, 10, 18, 26, SCHEDULE[s + 2], SCHEDULE[s + 3]);
      mix(4, 12, 20, 28, SCHEDULE[s + 4], SCHEDULE[s + 5]);
      mix(6, 14, 22, 30, SCHEDULE[s + 6], SCHEDULE[s + 7]);
      mix(0, 10, 20, 30, SCHEDULE[s + 8], SCHEDULE[s + 9]);
      mix(2, 12, 22, 24, SCHEDULE[s + 10], SCHEDULE[s + 11]);
      mix(4, 14, 16, 26, SCHEDULE[s + 12], SCHEDULE[s + 13]);
      mix(6, 8, 18, 28, SCHEDULE[s + 14], SCHEDULE[s + 15]);
    }
    for (let i = 0; i < 16; i++) h[i] ^= v[i] ^ v[i + 16];
  }

  /// BLAKE2b of `bytes` (a Uint8Array) with a digest of `size` bytes (1…64), unkeyed.
  function blake2b(bytes, size) {
    if (!Number.isInteger(size) || size < 1 || size > 64) throw new RangeError("BLAKE2b digests are 1 to 64 bytes");
    h.set(IV);
    h[0] ^= 0x01010000 | size; // parameter block: depth 1, fanout 1, no key, the digest size
    const n = bytes.length;
    let at = 0;
    // Every block but the last is compressed as it is; the last (possibly full, or empty for
    // empty input) is padded with zeros and flagged final.
    while (n - at > 128) {
      compress(bytes, at, at + 128, false);
      at += 128;
    }
    last.fill(0);
    last.set(bytes.subarray(at, n));
    compress(last, 0, n, true);
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = h[i >> 2] >>> (8 * (i & 3));
    return out;
  }

  /// BLAKE2b-256 of `bytes`: the protocol's hash.
  const blake2b256 = (bytes) => blake2b(bytes, 32);

  vf.blake2b = blake2b;
  vf.blake2b256 = blake2b256;
})(globalThis.vf ??= {});
