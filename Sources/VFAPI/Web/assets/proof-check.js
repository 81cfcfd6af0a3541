// Checks a read proof (proof-file.js) as docs/protocol.md §17 says, steps 2 to 4: each entry's
// signature and payload, each entry's feed listed and that feed's head there, and each entry
// reachable from its feed's head — with the words and in the order of `vf proof check`
// (Sources/VFProof/ProofCheck.swift). Step 5, deriving the trace and figures again, is the
// command line's: this shows the claimed trace, each event with its signer.
// Needs blake2b.js, base64.js, json-profile.js and ed25519.js.
"use strict";
(function (vf) {
  // Signatures checked at once: enough to keep WebCrypto busy, few enough to bound the promises held.
  const SIGNATURE_BATCH = 4096;
  const MAXIMUM_PAYLOAD = 65536;

  const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
  const hex = (bytes) => { let s = ""; for (const b of bytes) s += HEX[b]; return s; };
  const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const name = (e) => `entry ${e.authorText} #${e.sequence} (${e.idText})`;

  /// The payload read, {value}, or why it does not belong to the entry or breaks §5, {problem}.
  function readPayload(payload, entry) {
    if (payload.length !== entry.payloadSize) return { problem: `payload is ${payload.length} bytes but the entry claims ${entry.payloadSize}` };
    if (!sameBytes(vf.blake2b256(payload), entry.payloadHash)) return { problem: "payload hash does not match the entry" };
    if (payload.length > MAXIMUM_PAYLOAD) return { problem: `payload is ${payload.length} bytes, over the limit of ${MAXIMUM_PAYLOAD}` };
    let value;
    try {
      value = vf.parseJSONProfile(payload);
    } catch (error) {
      if (!(error instanceof vf.JSONProfileError)) throw error;
      return { problem: `payload is not JSON under the profile of protocol.md §5: at byte ${error.offset}, ${error.reason}` };
    }
    if (!(value instanceof Map)) return { problem: "payload is JSON but not an object" };
    return { value };
  }

  /// Checks `proof`. `verifier`: a vf.Ed25519Verifier; `onProgress(done, total)` is told how
  /// many signatures are checked. Resolves to the report (see the end of this function).
  async function checkProof(proof, { verifier, onProgress = () => {} }) {
    const failures = [];
    const authorKeys = new Map();
    const authorKey = (text, bytes) => {
      let key = authorKeys.get(text);
      if (key === undefined) { key = hex(bytes); authorKeys.set(text, key); }
      return key;
    };
    // The order of the file as §17 asks for it (author bytes, sequence, id), whatever order it came in.
    const entries = proof.entries.map((signed) => ({ ...signed, authorKey: authorKey(signed.entry.authorText, signed.entry.author) }));
    entries.sort((a, b) => compare(a.authorKey, b.authorKey) || compare(a.entry.sequence, b.entry.sequence)
      || compare(hex(a.entry.id), hex(b.entry.id)));
    const feeds = proof.feeds.map((f) => ({ ...f, authorKey: authorKey(f.authorText, f.author) }));
    feeds.sort((a, b) => compare(a.authorKey, b.authorKey));

    // 2. Each entry on its own.
    const signaturesChecked = verifier ? await verifier.available() : false;
    const signatureOK = new Array(entries.length).fill(true);
    if (signaturesChecked) {
      for (let start = 0; start < entries.length; start += SIGNATURE_BATCH) {
        const batch = entries.slice(start, start + SIGNATURE_BATCH).map(({ entry }) =>
          verifier.verify(entry.author, entry.authorText, entry.signature, entry.signed));
        (await Promise.all(batch)).forEach((ok, k) => { signatureOK[start + k] = ok; });
        onProgress(Math.min(start + SIGNATURE_BATCH, entries.length), entries.length);
      }
    }
    const valid = [];
    entries.forEach((signed, i) => {
      const { entry, payload } = signed;
      let reason = null, value = null;
      if (entry.payloadSize > MAXIMUM_PAYLOAD) reason = `entry claims a ${entry.payloadSize}-byte payload, over the limit of ${MAXIMUM_PAYLOAD}`;
      else if (!signatureOK[i]) reason = "signature does not verify";
      else if (payload) {
        const read = readPayload(payload, entry);
        reason = read.problem ?? null;
        value = read.value ?? null;
      }
      if (reason) failures.push(`${name(entry)}: ${reason}`);
      else valid.push({ entry, value });
    });

    // 3 and 4. Each entry in its feed's one history.
    const listed = new Set(feeds.map((f) => f.authorText));
    for (const { entry } of entries) {
      if (!listed.has(entry.authorText)) failures.push(`${name(entry)}: its feed is not listed in feeds`);
    }
    const byAuthor = new Map();
    for (const signed of valid) {
      const list = byAuthor.get(signed.entry.authorText);
      if (list) list.push(signed); else byAuthor.set(signed.entry.authorText, [signed]);
    }
    const forkedFeeds = [];
    for (const feed of feeds) {
      const own = (byAuthor.get(feed.authorText) || []).map((s) => s.entry);
      const bySequence = new Map();
      for (const e of own) {
        const list = bySequence.get(e.sequence);
        if (list) list.push(e); else bySequence.set(e.sequence, [e]);
      }
      const pairs = [...bySequence].filter(([, list]) => list.length > 1).map(([sequence]) => sequence).sort(compare);
      if (pairs.length) forkedFeeds.push(feed.authorText);
      if (feed.forked && !pairs.length) {
        failures.push(`feed ${feed.authorText} is said to be forked, but the proof holds no two entries of one sequence`);
      }
      if (!feed.forked && pairs.length) {
        failures.push(`feed ${feed.authorText} has two entries of sequence ${pairs[0]}: it is forked, but the proof says not`);
      }
      const heads = bySequence.get(feed.head);
      if (!heads) {
        failures.push(`feed ${feed.authorText}: its head, entry #${feed.head}, is not in the proof (or is not valid)`);
        continue;
      }
      for (const e of own) if (e.sequence > feed.head) failures.push(`${name(e)}: beyond the feed's head #${feed.head}`);
      // Everything reachable from the head by the links between entries of the proof.
      const byID = new Map();
      for (const e of own) if (!byID.has(e.idText)) byID.set(e.idText, e);
      const reached = new Set();
      const stack = [...heads];
      while (stack.length) {
        const e = stack.pop();
        if (reached.has(e.idText)) continue;
        reached.add(e.idText);
        for (const link of [e.backlinkText, e.lipmaaLinkText]) {
          const next = link && byID.get(link);
          if (next) stack.push(next);
        }
      }
      for (const e of own) {
        if (reached.has(e.idText) || e.sequence > feed.head) continue;
        // The other half of a fork proof is not in the head's history, by definition.
        if (feed.forked && bySequence.get(e.sequence).length > 1) continue;
        failures.push(`${name(e)}: no chain of links from the head #${feed.head} reaches it, so it is not shown to be part of the feed`);
      }
    }

    // A trace starts from its subject whatever holds it: the subject, and every event and
    // process the trace claims, must be entries of the proof with payloads (a resource: made
    // by one). Deriving the figures again is the command line's; this much needs no derivation.
    const withPayload = new Map(valid.filter((s) => s.value).map((s) => [s.entry.idText, s]));
    const made = new Set();
    const prefix = new TextEncoder().encode("vf-resource");
    for (const { entry, value } of withPayload.values()) {
      if (!(value.get("newInventoriedResource") instanceof Map)) continue;
      const input = new Uint8Array(prefix.length + 32);
      input.set(prefix);
      input.set(entry.id, prefix.length);
      made.add("%" + vf.encodeBase64(vf.blake2b256(input)) + ".vf1res");
    }
    const held = (item) => (item.endsWith(".vf1res") ? made.has(item) : withPayload.has(item));
    if (!held(proof.subject)) failures.push(`the subject ${proof.subject} does not derive from the proof's entries`);
    for (const item of proof.trace) {
      if (!item.endsWith(".vf1res") && !withPayload.has(item)) failures.push(`trace step ${item} is not among the proof's entries with payloads`);
    }
    if (proof.trace[0] !== proof.subject) failures.push(`the claimed trace does not start at the subject ${proof.subject}`);

    return {
      holds: failures.length === 0 && signaturesChecked,
      failures,
      signaturesChecked,
      forkedFeeds,
      entryCount: entries.length,
      feedCount: feeds.length,
      steps: claimedTrace(proof, valid),
    };
  }

  // MARK: the claimed trace, for people

  const text = (v) => (typeof v === "string" ? v : v instanceof vf.JSONNumber ? v.text : null);

  function quantity(q) {
    if (!(q instanceof Map)) return "";
    const value = text(q.get("hasNumericalValue")), unit = text(q.get("hasUnit"));
    return value === null ? "" : ` ${value}${unit === null ? "" : ` ${unit}`}`;
  }

  /// Each step of `claims.trace`, described from the valid entries that hold payloads (each
  /// {entry, value}, the payload read): an event's action, quantity and signer (with the
  /// signer's latest profile name), a process's name, a resource's claimed figures.
  function claimedTrace(proof, valid) {
    const payloads = new Map();
    const profiles = new Map();
    for (const { entry, value } of valid) {
      if (!value) continue;
      payloads.set(entry.idText, { entry, value });
      const type = value.get("@type");
      if ((type === "Person" || type === "Organization") && value.get("@id") === entry.authorText && typeof value.get("name") === "string") {
        const known = profiles.get(entry.authorText);
        if (!known || known.sequence < entry.sequence) profiles.set(entry.authorText, { sequence: entry.sequence, name: value.get("name") });
      }
    }
    const claims = new Map(proof.resources.map((r) => [r.id, r]));
    // A resource's name is given by the event that creates it: its id is
    // BLAKE2b-256("vf-resource" ‖ the event's id) (docs/protocol.md §16).
    const resourceNames = new Map();
    const prefix = new TextEncoder().encode("vf-resource");
    for (const item of proof.trace) {
      const found = payloads.get(item);
      const created = found?.value.get("newInventoriedResource");
      if (!(created instanceof Map) || typeof created.get("name") !== "string") continue;
      const input = new Uint8Array(prefix.length + 32);
      input.set(prefix);
      input.set(found.entry.id, prefix.length);
      resourceNames.set("%" + vf.encodeBase64(vf.blake2b256(input)) + ".vf1res", created.get("name"));
    }
    return proof.trace.map((item) => {
      if (item.endsWith(".vf1res")) {
        const claim = claims.get(item);
        const figures = claim ? `${claim.onhandQuantity} onhand, ${claim.accountingQuantity} accounting${claim.unit === null ? "" : ` ${claim.unit}`}` : "no figures claimed";
        return { item, kind: "resource", name: resourceNames.get(item) || null, summary: figures };
      }
      const found = payloads.get(item);
      if (!found) return { item, kind: "entry", name: null, summary: "not in the proof with a payload" };
      const { entry, value } = found;
      const signer = { signer: entry.authorText, signerName: profiles.get(entry.authorText)?.name ?? null, sequence: entry.sequence };
      if (value.get("@type") === "Process") return { item, kind: "process", name: text(value.get("name")), summary: "", ...signer };
      const action = text(value.get("action")) ?? "?";
      return { item, kind: "event", name: null, summary: action + (quantity(value.get("resourceQuantity")) || quantity(value.get("effortQuantity"))), ...signer };
    });
  }

  vf.checkProof = checkProof;
})(globalThis.vf ??= {});
