// Standard base64 (RFC 4648 §4, with padding), read strictly as docs/protocol.md §1 says: only
// the one canonical spelling of each byte string. No whitespace, no URL-safe alphabet, no
// missing padding, no non-zero bits in the unused part of the last character.
"use strict";
(function (vf) {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const VALUES = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

  function value(text, i) {
    const c = text.charCodeAt(i);
    return c < 128 ? VALUES[c] : -1;
  }

  /// The bytes `text` spells, as a Uint8Array, or null if it is not canonical base64.
  function decodeBase64(text) {
    if (typeof text !== "string" || text.length % 4 !== 0) return null;
    const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
    const out = new Uint8Array((text.length / 4) * 3 - padding);
    const whole = text.length - (padding ? 4 : 0);
    let o = 0;
    for (let i = 0; i < whole; i += 4) {
      const a = value(text, i), b = value(text, i + 1), c = value(text, i + 2), d = value(text, i + 3);
      if ((a | b | c | d) < 0) return null;
      const n = (a << 18) | (b << 12) | (c << 6) | d;
      out[o++] = n >>> 16; out[o++] = n >>> 8; out[o++] = n;
    }
    if (padding === 2) {
      const a = value(text, whole), b = value(text, whole + 1);
      if ((a | b) < 0 || (b & 0x0f) !== 0) return null;
      out[o] = (a << 2) | (b >>> 4);
    } else if (padding === 1) {
      const a = value(text, whole), b = value(text, whole + 1), c = value(text, whole + 2);
      if ((a | b | c) < 0 || (c & 0x03) !== 0) return null;
      out[o++] = (a << 2) | (b >>> 4); out[o] = ((b & 0x0f) << 4) | (c >>> 2);
    }
    return out;
  }

  /// The canonical base64 of `bytes`.
  function encodeBase64(bytes) {
    let out = "";
    let i = 0;
    for (; i + 3 <= bytes.length; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63] + ALPHABET[(n >>> 6) & 63] + ALPHABET[n & 63];
    }
    const left = bytes.length - i;
    if (left === 1) {
      const n = bytes[i] << 16;
      out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63] + "==";
    } else if (left === 2) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
      out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63] + ALPHABET[(n >>> 6) & 63] + "=";
    }
    return out;
  }

  vf.decodeBase64 = decodeBase64;
  vf.encodeBase64 = encodeBase64;
})(globalThis.vf ??= {});
