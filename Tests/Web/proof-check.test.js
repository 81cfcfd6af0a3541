// The proof checker of the web page (assets/proof-file.js, proof-check.js and what they use),
// run by node on a proof `vf prove` wrote (Fixtures/wheat-proof.json: a farm's feed of 34
// entries, a trace of 5 steps). Where a failure is expected, its text is the one
// `vf proof check` printed for the same file.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vf = require("./load.js")("blake2b.js", "base64.js", "json-profile.js", "lipmaa.js", "entry-codec.js",
  "ed25519.js", "proof-file.js", "proof-check.js");

const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, "Fixtures", "wheat-proof.json"), "utf8"));
const FARM = "@NuER3QNxmUg9DwyyDVh66yvQu8OVef+UsJ6vesPg0wg=.ed25519";
const entry = (sequence, id) => `entry ${FARM} #${sequence} (${id})`;
const unreached = (sequence, id) => `${entry(sequence, id)}: no chain of links from the head #34 reaches it, so it is not shown to be part of the feed`;

const copy = () => JSON.parse(JSON.stringify(FIXTURE));
const bytes = (value) => (value instanceof Uint8Array ? value : new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value)));

async function check(value, verifier = new vf.Ed25519Verifier()) {
  return vf.checkProof(vf.readProofFile(bytes(value)), { verifier });
}

function malformed(value) {
  try {
    vf.readProofFile(bytes(value));
  } catch (error) {
    if (error instanceof vf.ProofFileError) return error.message;
    throw error;
  }
  return null;
}

test("the proof vf prove wrote holds, with its claimed trace and signers", async () => {
  const report = await check(FIXTURE);
  assert.deepEqual(report.failures, []);
  assert.equal(report.holds, true);
  assert.equal(report.entryCount, 15);
  assert.deepEqual(report.steps.map((s) => [s.kind, s.name, s.summary, s.signerName ?? null]), [
    ["resource", "wheat at the mill", "30 onhand, 30 accounting kilogram", null],
    ["event", null, "transfer 30 kilogram", "Hillside Farm"],
    ["resource", "wheat", "70 onhand, 70 accounting kilogram", null],
    ["event", null, "produce 100 kilogram", "Hillside Farm"],
    ["process", "growing wheat", "", "Hillside Farm"],
  ]);
  assert.equal(report.steps[1].signer, FARM);
  assert.equal(report.steps[1].sequence, 19n);
});

test("a payload with one base64 character changed: its hash does not match", async () => {
  const proof = copy();
  const text = proof.entries[7][1];
  const i = text.length >> 1;
  proof.entries[7][1] = text.slice(0, i) + (text[i] === "B" ? "C" : "B") + text.slice(i + 1);
  const report = await check(proof);
  assert.equal(report.holds, false);
  assert.deepEqual(report.failures, [
    `${entry(18, "%onjwXiHR6WU2sywQDry9hIb2Ww16PQYjP5jrjxM7NS8=.vf1")}: payload hash does not match the entry`,
    // A trace step, whose payload now counts for nothing.
    "trace step %onjwXiHR6WU2sywQDry9hIb2Ww16PQYjP5jrjxM7NS8=.vf1 is not among the proof's entries with payloads",
  ]);
});

test("an entry dropped from the path: what it linked to is not reached", async () => {
  const proof = copy();
  proof.entries.splice(9, 1); // #20, through which the head's links reach #18 and #19
  assert.deepEqual((await check(proof)).failures, [
    unreached(18, "%onjwXiHR6WU2sywQDry9hIb2Ww16PQYjP5jrjxM7NS8=.vf1"),
    unreached(19, "%la9EhYqfoBbfp5kUO3TpxeAAHppkR6WY/+STJqT+6zo=.vf1"),
  ]);
});

test("the head dropped", async () => {
  const proof = copy();
  proof.entries.pop();
  assert.deepEqual((await check(proof)).failures, [`feed ${FARM}: its head, entry #34, is not in the proof (or is not valid)`]);
});

test("a signature altered: refused, and what only it reached is unreached", async () => {
  const proof = copy();
  const encoded = vf.decodeBase64(proof.entries[2][0]);
  encoded[encoded.length - 5] ^= 1;
  proof.entries[2][0] = vf.encodeBase64(encoded);
  assert.deepEqual((await check(proof)).failures, [
    `${entry(13, "%12IvDn8IxiplJTKQ/kI9ZYr+Wio/lv/TuH/UumdD8eA=.vf1")}: signature does not verify`,
    unreached(1, "%u9MQwIzzxJ0Zkek+1aKH4RZCAT8hnZI2lIYXIKkokMY=.vf1"),
    unreached(4, "%EXsQ2QKK6ZpfBcFIX7OQBfq6Xp1u989OQgvcyPue+90=.vf1"),
  ]);
});

test("forks: said and not shown, shown and not said", async () => {
  const said = copy();
  said.feeds[0].forked = true;
  assert.deepEqual((await check(said)).failures, [`feed ${FARM} is said to be forked, but the proof holds no two entries of one sequence`]);
  // Fixtures/forked-proof.json: a feed whose key signed two entries #1, which the prover's node
  // holds as a fork proof (vf prove wrote it; vf proof check says it holds).
  const forked = JSON.parse(fs.readFileSync(path.join(__dirname, "Fixtures", "forked-proof.json"), "utf8"));
  assert.deepEqual((await check(forked)).failures, []);
  const author = forked.feeds[0].author;
  forked.feeds[0].forked = false;
  const failures = (await check(forked)).failures;
  assert.equal(failures[0], `feed ${author} has two entries of sequence 1: it is forked, but the proof says not`);
  // Not said to be forked, the half the head does not reach is not exempt either.
  assert.equal(failures.length, 2);
  assert.match(failures[1], /^entry @kXLx.* #1 \(%.*\): no chain of links from the head #2 reaches it/);
  // The same entry twice is no fork: the file is malformed.
  const repeated = copy();
  repeated.entries.splice(3, 0, repeated.entries[3]);
  assert.equal(malformed(JSON.stringify(repeated)), "entries[4] repeats entries[3]");
});

test("a proof with nothing in it does not hold: its subject and steps must be among its entries", async () => {
  const proof = copy();
  proof.feeds = [];
  proof.entries = [];
  proof.claims.trace = [proof.subject];
  proof.claims.resources = [];
  assert.deepEqual((await check(proof)).failures, [`the subject ${proof.subject} does not derive from the proof's entries`]);
  const event = FIXTURE.claims.trace.find((item) => !item.endsWith("res"));
  proof.subject = event;
  proof.claims.trace = [event];
  assert.deepEqual((await check(proof)).failures, [
    `the subject ${event} does not derive from the proof's entries`,
    `trace step ${event} is not among the proof's entries with payloads`,
  ]);
});

test("an entry of a feed not listed", async () => {
  const proof = copy();
  proof.feeds = [];
  const failures = (await check(proof)).failures;
  assert.equal(failures.length, 15);
  assert.ok(failures.every((f) => f.endsWith(": its feed is not listed in feeds")), failures[0]);
});

test("signatures are never passed unchecked: a browser without Ed25519 gets no verdict", async () => {
  const report = await check(FIXTURE, new vf.Ed25519Verifier({}));
  assert.equal(report.signaturesChecked, false);
  assert.equal(report.holds, false);
  assert.deepEqual(report.failures, []);
});

test("Ed25519 as libsodium decides: a signature any public key of order 1 'verifies' is refused", async () => {
  // A = the identity: [S]B = R + [k]A holds for R = B, S = 1, whatever the message.
  const identity = new Uint8Array(32); identity[0] = 1;
  const signature = new Uint8Array(64);
  signature.set(vf.decodeBase64("WGZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmY="), 0); // the base point B
  signature[32] = 1;
  const verifier = new vf.Ed25519Verifier();
  assert.equal(await verifier.available(), true);
  assert.equal(await verifier.verify(identity, "identity", signature, bytes("anything")), false);
  // A non-canonical S (S + L) of a good signature is refused too.
  const good = vf.decodeEntry(vf.decodeBase64(FIXTURE.entries[0][0]));
  assert.equal(await verifier.verify(good.author, good.authorText, good.signature, good.signed), true);
  const L = (1n << 252n) + 27742317777372353535851937790883648493n;
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(good.signature[i]);
  s += L;
  const bumped = good.signature.slice();
  for (let i = 32; i < 64; i++) { bumped[i] = Number(s & 0xffn); s >>= 8n; }
  assert.equal(await verifier.verify(good.author, good.authorText, bumped, good.signed), false);
});

test("malformed files, refused with the reason", () => {
  const cases = [
    [(p) => p, null],
    [(p) => JSON.stringify(p).replace('"vfProof":1', '"vfProof":1,"vfProof":1'), "duplicate member name"],
    [(p) => ({ ...p, extra: 1 }), 'the proof has an unknown member "extra"'],
    [(p) => ({ ...p, vfProof: 2 }), "vfProof is not 1"],
    [(p) => JSON.stringify(p).replace('"vfProof":1', '"vfProof":1.0'), "vfProof is not 1"],
    [(p) => ({ ...p, provedAt: "2026-02-30T00:00:00Z" }), "provedAt:"],
    [(p) => ({ ...p, subject: p.subject.replace(".vf1res", ".vf2") }), "subject: not an entry id"],
    [(p) => { p.feeds[0].head = 0; return p; }, "feeds[0].head is not a sequence number"],
    [(p) => { p.feeds[0].head = 9223372036854775808n; return p; }, "feeds[0].head is not a sequence number"],
    [(p) => { p.feeds.push(p.feeds[0]); return p; }, "a feed is listed twice"],
    [(p) => { p.entries[5][1] = p.entries[5][1].slice(0, -3) + "R=="; return p; }, "entries[5]: the payload is not base64"],
    [(p) => { p.entries[5][1] = p.entries[5][1].slice(0, -2); return p; }, "entries[5]: the payload is not base64"],
    [(p) => { p.entries[0][0] = p.entries[0][0].slice(0, -4); return p; }, "entries[0]: entry truncated: 147 bytes, expected 149"],
    [(p) => { p.entries[0] = [p.entries[0][0]]; return p; }, "entries[0] is not a pair [entry, payload]"],
    [(p) => { p.entries.push(p.entries[3]); return p; }, `entries[${FIXTURE.entries.length}] repeats entries[3]`],
    [(p) => { p.entries[0][1] = 7; return p; }, "entries[0]: the payload is neither base64 text nor null"],
    [(p) => { p.claims.trace.push(7); return p; }, "claims.trace[5] is not an id"],
    [(p) => { delete p.claims; return p; }, "the proof has no claims"],
    [(p) => { p.claims.resources[0].onhandQuantity = "lots"; return p; }, 'claims.resources[0]: "lots" is not a finite decimal number'],
    // The node's limits, in the words of vf proof check (ExactDecimal).
    [(p) => { p.claims.resources[0].onhandQuantity = "1e400"; return p; }, 'claims.resources[0]: "1e400" has more than 20 integer digits'],
    [(p) => { p.claims.resources[0].onhandQuantity = "1e-19"; return p; }, 'claims.resources[0]: "1e-19" has more than 18 fractional digits'],
    // As ExactDecimal reads them: the exponent's value, not its spelling; the range before zeros.
    [(p) => { p.claims.resources[0].onhandQuantity = "0e100"; return p; }, 'claims.resources[0]: "0e100" has more than 20 integer digits'],
    [(p) => { p.claims.resources[0].onhandQuantity = "1e0000001"; return p; }, null],
    [(p) => { p.claims.resources[0].onhandQuantity = "0.000e-30"; return p; }, null],
    [(p) => { p.claims.resources[0].onhandQuantity = "123456789012345678901234e-4"; return p; }, null],
  ];
  for (const [change, expected] of cases) {
    const value = change(copy());
    const text = typeof value === "string" ? value : JSON.stringify(value, (k, v) => (typeof v === "bigint" ? JSON.rawJSON?.(String(v)) ?? Number(v) : v));
    const message = malformed(text.replace('"head":9223372036854776000', '"head":9223372036854775808'));
    if (expected === null) assert.equal(message, null);
    else assert.ok(message?.includes(expected), `expected “${expected}”, got “${message}”`);
  }
});

test("entries decode exactly as §3 says", () => {
  const good = vf.decodeBase64(FIXTURE.entries[1][0]); // #4, both links
  assert.equal(vf.decodeEntry(good).sequence, 4n);
  const withSequence = (n) => { const b = good.slice(); new DataView(b.buffer).setBigUint64(33, n); return b; };
  assert.throws(() => vf.decodeEntry(withSequence(0n)), /sequence number 0 \(sequences start at 1\)/);
  assert.throws(() => vf.decodeEntry(withSequence(1n << 63n)), /sequence number 9223372036854775808 is over the largest, 9223372036854775807/);
  assert.throws(() => vf.decodeEntry(withSequence(2n)), /entry has trailing bytes: 213 bytes, expected 181/);
  const tagged = good.slice(); tagged[0] = 2;
  assert.throws(() => vf.decodeEntry(tagged), /unknown entry format tag 0x02/);
});

test("bounds: more than 200,000 entries, or a file over 64 MiB", () => {
  const many = copy();
  many.entries = new Array(200001).fill(null);
  assert.match(malformed(many), /more than 200000 entries/);
  assert.match(malformed(new Uint8Array(64 * 1024 * 1024 + 1).fill(0x20)), /the file is 67108865 bytes; a proof is at most 67108864/);
  // Millions of tiny values are refused while they are read, not after they are built.
  const zeros = '{"vfProof":1,"entries":[' + "0,".repeat(3000100) + "0]}";
  assert.match(malformed(Buffer.from(zeros)), /more values than the format allows/);
});

test("strings with escapes read as JSON reads them", () => {
  const parse = (text) => vf.parseJSONProfile(bytes(text));
  assert.equal(parse('"a\\n\\u00e9\\ud83d\\ude00\\/\\"b"'), "a\n\u00e9\ud83d\ude00/\"b");
  assert.equal(parse('"plain"'), "plain");
  assert.equal(parse('"' + "\\n".repeat(100000) + '"').length, 100000);
  assert.throws(() => parse('"\\x"'), /invalid escape \\x/);
});

test("the JSON profile: the payload vectors' verdicts, and its own rules", () => {
  const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "VFLogTests", "Fixtures", "payload-vectors.json"), "utf8")).vectors;
  for (const v of vectors) {
    const payload = Uint8Array.from(Buffer.from(v.hex, "hex"));
    let verdict;
    try { verdict = payload.length <= 65536 && vf.parseJSONProfile(payload) instanceof Map; } catch (error) {
      assert.ok(error instanceof vf.JSONProfileError, `${v.name}: ${error}`);
      verdict = false;
    }
    assert.equal(verdict, v.valid, `${v.name}: ${v.why}`);
  }
  const parse = (text) => vf.parseJSONProfile(bytes(text));
  assert.equal(parse('{"n": 1e400}').get("n").text, "1e400");
  assert.throws(() => parse('"\\ud800"'), /high surrogate/);
  assert.throws(() => parse("\ufeff{}"), /unexpected character U\+FEFF/);
  assert.throws(() => parse('{"a": 1, "\\u0061": 2}'), /invalid JSON at byte 9: duplicate member name "a"/);
  assert.doesNotThrow(() => parse("[".repeat(63) + "1" + "]".repeat(63)));
  assert.throws(() => parse("[".repeat(64) + "1" + "]".repeat(64)), /deeper than 64/);
  assert.throws(() => vf.parseJSONProfile(Uint8Array.of(0x22, 0xc0, 0xaf, 0x22)), /invalid JSON at byte 1: not well-formed UTF-8/);
});
