// A provenance proof file (docs/protocol.md §17), read: everything §17 calls malformed is
// refused, with the reason in the words of `vf proof check`. Every count and length is bounded
// before anything is built from it. Needs json-profile.js, base64.js and entry-codec.js.
"use strict";
(function (vf) {
  const MAXIMUM_SIZE = 64 << 20;
  const MAXIMUM_ENTRIES = 200000;
  // The most JSON values a proof holds: each entry an array of 2 (3 values), each feed an object
  // of 3 members (4), a trace of at most twice the entries (2 each), each resource claim an
  // object of 4 members (5), and a few at the top (as ProofFile.maximumValues). A file of
  // millions of tiny values is refused while it is read, before they are built.
  const MAXIMUM_VALUES = (3 + 4 + 2 + 5) * MAXIMUM_ENTRIES + 64;
  const VERSION = "1";
  // The longest base64 text of a payload of at most 65,536 bytes.
  const MAXIMUM_PAYLOAD_TEXT = Math.floor((65536 + 2) / 3) * 4;

  class ProofFileError extends Error {}
  const fail = (message) => { throw new ProofFileError(message); };

  /// An object's members, none but `allowed`.
  class Members {
    constructor(value, what, allowed) {
      if (!(value instanceof Map)) fail(`${what} is not an object`);
      for (const name of value.keys()) if (!allowed.includes(name)) fail(`${what} has an unknown member ${JSON.stringify(name)}`);
      this.members = value;
      this.what = what;
    }

    value(name) { return this.members.get(name); }

    string(name) {
      const v = this.members.get(name);
      if (typeof v !== "string") fail(`${this.what}.${name} is missing or not text`);
      return v;
    }

    array(name) {
      const v = this.members.get(name);
      if (!Array.isArray(v)) fail(`${this.what}.${name} is missing or not an array`);
      return v;
    }
  }

  /// The 32 bytes of `%<base64>.vf1`-like text with the given prefix and suffix, or null.
  function identifierBytes(text, prefix, suffix) {
    if (text.length !== prefix.length + 44 + suffix.length || !text.startsWith(prefix) || !text.endsWith(suffix)) return null;
    const bytes = vf.decodeBase64(text.slice(prefix.length, prefix.length + 44));
    return bytes && bytes.length === 32 ? bytes : null;
  }

  function feedID(text, what) {
    const bytes = identifierBytes(text, "@", ".ed25519");
    if (!bytes) fail(`${what}: not a feed id, @<base64 of 32 bytes>.ed25519: ${JSON.stringify(text)}`);
    return bytes;
  }

  /// A trace item: `%….vf1res` a resource, else an entry (an event or a process).
  function item(text, what) {
    if (text.endsWith("res")) {
      if (!identifierBytes(text, "%", ".vf1res")) fail(`${what}: not a resource id, %<base64 of 32 bytes>.vf1res: ${JSON.stringify(text)}`);
    } else if (!identifierBytes(text, "%", ".vf1")) {
      fail(`${what}: not an entry id, %<base64 of 32 bytes>.vf1: ${JSON.stringify(text)}`);
    }
    return text;
  }

  /// A date-time with a timezone, as the node reads one (e.g. 2024-05-01T09:30:00.000Z).
  function isDateTime(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/.exec(text);
    if (!m) return false;
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
    const offsetOK = m[7] === undefined || (Number(m[7]) <= 14 && Number(m[8]) < 60);
    return month >= 1 && month <= 12 && day >= 1 && day <= days && hour < 24 && minute < 60 && second < 60 && offsetOK;
  }

  /// Why a quantity's decimal text is refused, or null: ExactDecimal.read's grammar and limits,
  /// step for step (the exponent's value saturating at 1000, the range checked before zeros are
  /// dropped, at most 20 integer and 18 fractional digits once the exponent is applied and the
  /// zeros that do not count dropped), so the page and `vf proof check` agree.
  function decimalProblem(text) {
    const m = /^-?([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?)([0-9]+))?$/.exec(text);
    if (!m) return `${JSON.stringify(text)} is not a finite decimal number`;
    const digits = m[1] + (m[2] ?? "");
    const count = digits.length;
    let exponent = 0;
    for (const d of m[4] ?? "") if (exponent < 1000) exponent = exponent * 10 + (d.charCodeAt(0) - 48);
    if (m[3] === "-") exponent = -exponent;
    let point = m[1].length + exponent;
    let zerosBefore = 0;
    if (point < 0) { zerosBefore = -point; point = 0; }
    const tooLong = `${JSON.stringify(text)} has more than 20 integer digits`;
    if (point > zerosBefore + count && point - count > 21) return tooLong;
    const total = Math.max(zerosBefore + count, point);
    const digit = (k) => { const d = k - zerosBefore; return d >= 0 && d < count ? digits[d] : "0"; };
    let first = 0;
    while (first < point && digit(first) === "0") first += 1;
    let end = total;
    while (end > point && digit(end - 1) === "0") end -= 1;
    if (point - first > 20) return tooLong;
    if (end - point > 18) return `${JSON.stringify(text)} has more than 18 fractional digits`;
    return null;
  }

  /// Reads a proof file (a Uint8Array), or throws ProofFileError saying why it is malformed.
  function readProofFile(bytes) {
    if (bytes.length > MAXIMUM_SIZE) fail(`the file is ${bytes.length} bytes; a proof is at most ${MAXIMUM_SIZE}`);
    let json;
    try {
      json = vf.parseJSONProfile(bytes, MAXIMUM_VALUES);
    } catch (error) {
      if (error instanceof vf.JSONProfileError) fail(`not JSON: ${error.message}`);
      throw error;
    }
    const top = new Members(json, "the proof", ["vfProof", "subject", "provedAt", "feeds", "entries", "claims"]);
    const version = top.value("vfProof");
    if (!(version instanceof vf.JSONNumber) || version.text !== VERSION) fail(`vfProof is not ${VERSION}: this checker reads version ${VERSION}`);
    const subject = item(top.string("subject"), "subject");
    const provedAt = top.string("provedAt");
    if (!isDateTime(provedAt)) fail(`provedAt: ${JSON.stringify(provedAt)} is not a date-time with timezone, e.g. 2024-05-01T09:30:00Z`);

    const feedValues = top.array("feeds");
    if (feedValues.length > MAXIMUM_ENTRIES) fail(`more than ${MAXIMUM_ENTRIES} feeds`);
    const feeds = [];
    const listed = new Set();
    feedValues.forEach((value, i) => {
      const f = new Members(value, `feeds[${i}]`, ["author", "head", "forked"]);
      const author = feedID(f.string("author"), `feeds[${i}].author`);
      const head = f.value("head");
      if (!(head instanceof vf.JSONNumber) || !/^[0-9]{1,19}$/.test(head.text)
          || BigInt(head.text) < 1n || BigInt(head.text) > vf.entryMaximumSequence) {
        fail(`feeds[${i}].head is not a sequence number`);
      }
      const forked = f.value("forked");
      if (forked !== true && forked !== false) fail(`feeds[${i}].forked is not true or false`);
      const authorText = f.string("author");
      listed.add(authorText);
      feeds.push({ author, authorText, head: BigInt(head.text), forked });
    });
    if (listed.size !== feeds.length) fail("a feed is listed twice");

    const entryValues = top.array("entries");
    if (entryValues.length > MAXIMUM_ENTRIES) fail(`more than ${MAXIMUM_ENTRIES} entries`);
    const seen = new Map();
    const entries = entryValues.map((value, i) => {
      if (!Array.isArray(value) || value.length !== 2) fail(`entries[${i}] is not a pair [entry, payload]`);
      const [encodedText, payloadText] = value;
      // The longest entry is 213 bytes: 284 characters of base64.
      const encoded = typeof encodedText === "string" && encodedText.length <= 284 ? vf.decodeBase64(encodedText) : null;
      if (!encoded) fail(`entries[${i}]: the entry is not base64`);
      // Base64 is canonical (strict), so one entry has one text.
      if (seen.has(encodedText)) fail(`entries[${i}] repeats entries[${seen.get(encodedText)}]`);
      seen.set(encodedText, i);
      let entry;
      try {
        entry = vf.decodeEntry(encoded);
      } catch (error) {
        if (error instanceof vf.EntryDecodingError) fail(`entries[${i}]: ${error.message}`);
        throw error;
      }
      let payload = null;
      if (typeof payloadText === "string") {
        payload = payloadText.length <= MAXIMUM_PAYLOAD_TEXT ? vf.decodeBase64(payloadText) : null;
        if (!payload) fail(`entries[${i}]: the payload is not base64 of at most ${vf.payloadMaximumSize} bytes`);
      } else if (payloadText !== null) {
        fail(`entries[${i}]: the payload is neither base64 text nor null`);
      }
      return { entry, payload };
    });

    const claimsValue = top.value("claims");
    if (claimsValue === undefined) fail("the proof has no claims");
    const claims = new Members(claimsValue, "claims", ["trace", "resources"]);
    const traceValues = claims.array("trace");
    if (traceValues.length > MAXIMUM_ENTRIES * 2) fail("the claimed trace is longer than any proof holds");
    const trace = traceValues.map((value, i) => {
      if (typeof value !== "string") fail(`claims.trace[${i}] is not an id`);
      return item(value, `claims.trace[${i}]`);
    });
    const resourceValues = claims.array("resources");
    if (resourceValues.length > MAXIMUM_ENTRIES) fail(`more than ${MAXIMUM_ENTRIES} resource claims`);
    const resources = resourceValues.map((value, i) => {
      const r = new Members(value, `claims.resources[${i}]`, ["id", "unit", "accountingQuantity", "onhandQuantity"]);
      const id = r.string("id");
      if (!identifierBytes(id, "%", ".vf1res")) fail(`claims.resources[${i}]: not a resource id, %<base64 of 32 bytes>.vf1res: ${JSON.stringify(id)}`);
      const unit = r.value("unit");
      if (unit !== null && typeof unit !== "string") fail(`claims.resources[${i}].unit is neither text nor null`);
      const quantities = ["accountingQuantity", "onhandQuantity"].map((name) => {
        const text = r.string(name);
        const problem = decimalProblem(text);
        if (problem) fail(`claims.resources[${i}]: ${problem}`);
        return text;
      });
      return { id, unit, accountingQuantity: quantities[0], onhandQuantity: quantities[1] };
    });
    return { subject, provedAt, feeds, entries, trace, resources };
  }

  vf.ProofFileError = ProofFileError;
  vf.readProofFile = readProofFile;
  vf.proofMaximumSize = MAXIMUM_SIZE;
})(globalThis.vf ??= {});
