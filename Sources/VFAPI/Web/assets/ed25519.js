// Ed25519 signatures checked through WebCrypto, with the verdicts of the node's libsodium
// (crypto_sign_verify_detached, docs/protocol.md §1). Browsers' Ed25519 accepts what libsodium
// refuses: a public key or an R of small order (with which signatures can be made without any
// secret key: a public key of order 1 accepts R = [S]B for every message), a public key that is
// not canonical, an S not below the group order. Those are refused here first, so that the page
// and `vf proof check` agree on every entry.
"use strict";
(function (vf) {
  // The encodings of the points of small order, compared with the sign bit cleared, as
  // libsodium's ge25519_has_small_order does: y = 0, 1, the two y of order 8, p − 1, and the
  // non-canonical p and p + 1. (Derived by multiplying points by the group order; 32 bytes,
  // little-endian.)
  const SMALL_ORDER = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  ].map((hex) => Uint8Array.from(hex.match(/../g), (b) => parseInt(b, 16)));

  const P = (1n << 255n) - 19n;
  const L = (1n << 252n) + 27742317777372353535851937790883648493n;

  function littleEndian(bytes) {
    let n = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
    return n;
  }

  function hasSmallOrder(point) {
    return SMALL_ORDER.some((bad) => {
      for (let i = 0; i < 31; i++) if (point[i] !== bad[i]) return false;
      return (point[31] & 0x7f) === bad[31];
    });
  }

  /// Whether libsodium would refuse the key or the signature before any arithmetic.
  function refusedOutright(publicKey, signature) {
    const y = littleEndian(publicKey) & ((1n << 255n) - 1n);
    return y >= P || hasSmallOrder(publicKey) || hasSmallOrder(signature.subarray(0, 32))
      || littleEndian(signature.subarray(32, 64)) >= L;
  }

  // RFC 8032 §7.1, test 1: a signature of the empty message that must verify.
  const PROBE_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  const PROBE_SIGNATURE = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
  const fromHex = (hex) => Uint8Array.from(hex.match(/../g), (b) => parseInt(b, 16));

  class Ed25519Verifier {
    constructor(subtle = globalThis.crypto?.subtle) {
      this.subtle = subtle;
      this.keys = new Map();
    }

    /// Whether this browser checks Ed25519 signatures (WebCrypto with Ed25519, verifying
    /// RFC 8032's first vector and refusing it altered).
    async available() {
      if (!this.subtle) return false;
      try {
        const key = await this.subtle.importKey("raw", fromHex(PROBE_KEY), { name: "Ed25519" }, false, ["verify"]);
        const signature = fromHex(PROBE_SIGNATURE);
        if (!(await this.subtle.verify("Ed25519", key, signature, new Uint8Array(0)))) return false;
        signature[0] ^= 1;
        return !(await this.subtle.verify("Ed25519", key, signature, new Uint8Array(0)));
      } catch {
        return false;
      }
    }

    /// Whether `signature` (64 bytes) by `publicKey` (32 bytes) verifies over `message`;
    /// `keyName` (the feed id text) names the key for reuse across entries of one feed.
    async verify(publicKey, keyName, signature, message) {
      if (publicKey.length !== 32 || signature.length !== 64 || refusedOutright(publicKey, signature)) return false;
      let key = this.keys.get(keyName);
      if (key === undefined) {
        key = this.subtle.importKey("raw", publicKey.slice(), { name: "Ed25519" }, false, ["verify"]).catch(() => null);
        this.keys.set(keyName, key);
      }
      const imported = await key;
      if (imported === null) return false;
      try {
        return await this.subtle.verify("Ed25519", imported, signature, message);
      } catch {
        return false;
      }
    }
  }

  vf.Ed25519Verifier = Ed25519Verifier;
})(globalThis.vf ??= {});
