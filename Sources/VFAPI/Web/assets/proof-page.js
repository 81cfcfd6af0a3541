// The "Check a proof" page (proof.html): a proof file chosen or dropped is read and checked
// here (proof-file.js, proof-check.js) and the verdict shown, with what is wrong and the claimed
// trace. Works opened from disk: no node, no network. Elements are built with the DOM API only,
// so nothing in a proof can become markup.
"use strict";
(function (vf) {
  const $ = (id) => document.getElementById(id);

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) if (value != null) el.setAttribute(key, String(value));
    for (const child of children) if (child != null && child !== false) el.append(child);
    return el;
  }

  const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  // A proof may hold 200,000 entries and claim a trace twice as long: the page shows the first
  // of each list, and says how many more `vf proof check` prints.
  const SHOWN = 2000;

  /// The first SHOWN of `items` made into list items by `make`, and a last one saying what is left.
  function firstOf(items, make, what) {
    const shown = items.slice(0, SHOWN).map(make);
    if (items.length > SHOWN) shown.push(h("li", { class: "more" }, `… and ${items.length - SHOWN} more ${what}; vf proof check FILE prints them all.`));
    return shown;
  }
  let generation = 0;

  async function checkFile(file) {
    const mine = ++generation;
    const result = $("proof-result"), status = $("proof-status");
    result.hidden = true;
    delete result.dataset.verdict;
    status.textContent = `Reading ${file.name}…`;
    let bytes = null, report = null, malformed = null, broken = null;
    const started = performance.now();
    let checkStarted = started;
    try {
      // A proof is at most 64 MiB: a larger file is refused before it is read.
      if (file.size > vf.proofMaximumSize) throw new vf.ProofFileError(`the file is ${file.size} bytes; a proof is at most ${vf.proofMaximumSize}`);
      bytes = new Uint8Array(await file.arrayBuffer());
      if (mine !== generation) return;
      status.textContent = `Checking ${file.name}…`;
      checkStarted = performance.now();
      const proof = vf.readProofFile(bytes);
      report = await vf.checkProof(proof, {
        verifier: new vf.Ed25519Verifier(),
        onProgress: (done, total) => { if (mine === generation && total > 4096) status.textContent = `Checking signatures: ${done} of ${total}…`; },
      });
      report.proof = proof;
    } catch (error) {
      // Anything but a malformed file is this page's fault, not the proof's: no verdict.
      if (error instanceof vf.ProofFileError) malformed = error.message;
      else broken = `${error.name}: ${error.message}`;
    }
    if (mine !== generation) return;
    const finished = performance.now();
    result.dataset.checkMs = (finished - checkStarted).toFixed(1);
    result.dataset.readMs = (checkStarted - started).toFixed(1);
    status.textContent = `Checked ${file.name} in ${Math.round(finished - checkStarted)} ms.`;
    show(file.name, report, malformed, broken);
  }

  function show(fileName, report, malformed, broken) {
    const result = $("proof-result"), verdict = $("verdict"), detail = $("verdict-detail");
    const failures = malformed ? [`${fileName} is not a well-formed proof: ${malformed}`] : broken ? [] : report.failures;
    const state = failures.length ? "fails" : !broken && report.signaturesChecked ? "holds" : "unknown";
    verdict.className = state;
    verdict.textContent = { holds: "✓ The proof holds", fails: "✗ The proof does not hold", unknown: "? The proof could not be checked" }[state];
    detail.replaceChildren();
    if (broken) detail.append(`This page failed while checking (${broken}). Check the file with `, h("code", {}, "vf proof check"), ".");
    if (report) {
      const { proof } = report;
      detail.append(`A proof of ${proof.subject.endsWith(".vf1res") ? "resource" : "event"} `, h("code", {}, proof.subject),
        `, made ${proof.provedAt}: ${count(report.entryCount, "entry", "entries")} from ${count(report.feedCount, "feed", "feeds")}. `);
      if (state === "holds") detail.append("Every signature, hash and link checks.");
      if (!report.signaturesChecked) {
        detail.append(h("strong", {}, "This browser cannot check Ed25519 signatures (its WebCrypto has no Ed25519), so the signatures were not checked. "),
          "Check the file with ", h("code", {}, "vf proof check"), " or in a browser that can.");
      }
      for (const feed of report.forkedFeeds) detail.append(h("span", { class: "notice" }, `Feed ${feed} is forked; the proof holds the two entries that show it. `));
    }
    $("failures").replaceChildren(...firstOf(failures, (f) => h("li", {}, f), "problems"));
    $("failures-part").hidden = failures.length === 0;
    $("proof-trace").replaceChildren(...(report ? firstOf(report.steps, step, "steps") : []));
    $("trace-part").hidden = !report || report.steps.length === 0;
    result.dataset.verdict = state;
    result.hidden = false;
    verdict.focus();
  }

  function step(s) {
    const lines = [h("span", { class: "kind" }, s.kind), " "];
    if (s.kind === "event") {
      lines.push(h("strong", {}, s.summary), " signed by ", h("span", { class: "agent" }, s.signerName ?? s.signer));
      if (s.signerName) lines.push(" ", h("code", {}, s.signer));
      lines.push(` #${s.sequence}`);
    } else if (s.kind === "process") {
      lines.push(h("strong", {}, s.name ?? "(unnamed)"), " recorded by ", h("span", { class: "agent" }, s.signerName ?? s.signer));
    } else if (s.kind === "resource") {
      if (s.name) lines.push(h("strong", {}, s.name), " ");
      lines.push(`claimed: ${s.summary}`);
    } else {
      lines.push(s.summary);
    }
    lines.push(h("code", { class: "item" }, s.item));
    return h("li", { "data-kind": s.kind }, ...lines);
  }

  function start() {
    const input = $("proof-file"), zone = $("drop-zone");
    input.addEventListener("change", () => { if (input.files.length) checkFile(input.files[0]); });
    // A file dropped anywhere on the page is checked; the browser must not open it instead.
    document.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
    document.addEventListener("dragleave", (event) => { if (!event.relatedTarget) zone.classList.remove("over"); });
    document.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("over");
      const file = event.dataTransfer?.files?.[0];
      if (file) checkFile(file);
    });
  }

  start();
})(globalThis.vf ??= {});
