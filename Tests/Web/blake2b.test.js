// BLAKE2b (assets/blake2b.js) against RFC 7693's vector and against Python's hashlib.blake2b
// (digest_size=32) at the lengths around the 128-byte block boundary.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const vf = require("./load.js")("blake2b.js");

const hex = (bytes) => Buffer.from(bytes).toString("hex");
/// The test input of length n: byte i is (7i + 3) mod 256.
const input = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

test("RFC 7693 Appendix A: BLAKE2b-512 of \"abc\"", () => {
  assert.equal(hex(vf.blake2b(new TextEncoder().encode("abc"), 64)),
    "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1" +
    "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
});

test("BLAKE2b-256 of \"abc\" (b2sum -l 256)", () => {
  assert.equal(hex(vf.blake2b256(new TextEncoder().encode("abc"))),
    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
});

test("BLAKE2b-256 at the block boundaries (hashlib.blake2b, digest_size=32)", () => {
  const expected = {
    0: "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8",
    1: "e88bd757ad5b9bedf372d8d3f0cf6c962a469db61a265f6418e1ffed86da29ec",
    127: "c9ae3859964b35f04c54b36d33cf299d7290ee621005d28e51598a943560aaaa",
    128: "f0501d06597880592bc49234eef100ec1ff349058d0e9d9b753504e24af86dd6",
    129: "a34a4e1e03c541dfbf3099c4b6c143c022ced65c28bd7e8a10e0a098461aecf0",
    255: "f2d64a40e9412a3414161ff6250075225418fd7c271c1123e162e1bca0de9f93",
    256: "d93ebb9c802f5630ab22516fd82b6c21bc8bd551d531349b715f046ed11ed871",
    1000: "d62b6c768ce1afc8367e0498ab2f8e3f7c178c35b1429f14c4604b545d200f52",
  };
  for (const [n, want] of Object.entries(expected)) assert.equal(hex(vf.blake2b256(input(Number(n)))), want, `${n} bytes`);
});

test("BLAKE2b-256 of a mebibyte, and of a subarray (hashlib.blake2b)", () => {
  const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => i & 0xff);
  assert.equal(hex(vf.blake2b256(big)), "0f3f8fd232671ccf3fa0b0ddd0ee656d7d6cd1fb370d8eb61031e89da48d77ee");
  // A view into a larger buffer hashes only its own bytes.
  const padded = new Uint8Array(1010);
  padded.set(input(1000), 5);
  assert.equal(hex(vf.blake2b256(padded.subarray(5, 1005))), "d62b6c768ce1afc8367e0498ab2f8e3f7c178c35b1429f14c4604b545d200f52");
});

test("the digest size is checked", () => {
  assert.throws(() => vf.blake2b(new Uint8Array(0), 0), RangeError);
  assert.throws(() => vf.blake2b(new Uint8Array(0), 65), RangeError);
});
