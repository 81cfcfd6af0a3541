// The board: what people need and offer, what they committed to and how far it has come, and
// their agreements with who has signed. Respond to a need or an offer with a commitment, sign
// an agreement this node is a party to (docs/protocol.md §16, "Planning and exchange").
import { api, getToken } from "./api.js";
import { h, clear, changeDetector } from "./dom.js";
import { ACTIONS } from "./actions.js";
import { agentEl, quantityText, shortId } from "./format.js";
import { moreButton, pager } from "./paging.js";

const PAGE = 50;

/// "150 of 400 kg done", with what is promised for an intent.
function progressText(p) {
  const unit = p.quantity?.hasUnit ? ` ${p.quantity.hasUnit}` : "";
  const asked = p.quantity ? ` of ${p.quantity.hasNumericalValue}` : "";
  let text = `${p.done}${asked}${unit} done`;
  if (p.kind === "Intent") text += `, ${p.promised}${unit} promised`;
  return text;
}

/// One list of the board, a page at a time.
function section(heading, id, list, item, empty) {
  const body = h("div");
  const p = pager(list, PAGE);
  const changed = changeDetector();
  function render() {
    if (!changed({ items: p.items, more: p.more })) return;
    clear(body).append(p.items.length === 0 ? h("p", { id: `${id}-none`, class: "meta" }, empty)
      : h("ul", { class: "link-list", id: `${id}-list` }, p.items.map((x) => h("li", { dataset: { id: x.id } }, item(x)))),
      moreButton(`${id}-more`, p, async () => { await p.loadMore(); render(); }, body, `#${id}-list li`));
  }
  return {
    el: h("section", { class: "card" }, h("h2", {}, heading), body),
    async load() { await p.reload(); render(); },
  };
}

export function renderBoard(main, ctx) {
  const title = h("h1", { tabindex: "-1" }, "Board");
  const result = h("div", { id: "board-result", class: "result", role: "status", "aria-live": "polite" });
  const me = () => ctx.node?.id;

  async function publish(payload, what) {
    if (!getToken()) { result.textContent = "No token: run vf token on the node and paste it in Settings."; return; }
    try {
      const entry = await api.publish(payload);
      result.textContent = `${what}: entry #${entry.sequence} (${shortId(entry.id)}).`;
      await load();
    } catch (e) {
      result.textContent = `Not recorded: ${e.message}`;
    }
  }

  /// A commitment that answers an intent: this node provides what is needed, or receives what is offered.
  function commitTo(intent) {
    const payload = { "@type": "Commitment", action: intent.action, satisfies: [intent.id],
      provider: intent.provider || me(), receiver: intent.receiver || me() };
    // The action table says which quantity an action counts (the node's own, docs/protocol.md §16).
    if (intent.quantity) payload[ACTIONS[intent.action]?.quantity === "effort" ? "effortQuantity" : "resourceQuantity"] = intent.quantity;
    if (intent.resourceConformsTo) payload.resourceConformsTo = intent.resourceConformsTo;
    return publish(payload, "Committed");
  }

  const intentItem = (verb) => (p) => [
    h("span", { class: "intent" }, `${p.name || p.action} `, h("span", { class: "qty" }, quantityText(p.quantity))),
    h("span", { class: "meta" }, " · ", agentEl(p.provider || p.receiver), " · ", progressText(p)),
    (p.provider || p.receiver) !== me()
      ? h("button", { type: "button", class: "secondary small", "data-action": "commit", onclick: () => commitTo(p) }, verb) : null,
  ];

  const needs = section("Needs", "needs", api.needs, intentItem("Commit to provide"), "No open needs.");
  const offers = section("Offers", "offers", api.offers, intentItem("Commit to receive"), "No open offers.");
  const commitments = section("Commitments", "commitments", api.commitments, (p) => [
    h("span", {}, `${p.action} `, h("span", { class: "qty" }, quantityText(p.quantity)), " from ", agentEl(p.provider), " to ", agentEl(p.receiver)),
    h("span", { class: "meta" }, " · ", progressText(p), p.finished ? " · finished" : ""),
  ], "No commitments.");
  const agreements = section("Agreements", "agreements", api.agreements, (a) => {
    const waiting = a.parties.filter((f) => !a.signedBy.includes(f));
    return [
      h("span", {}, a.name || "(unnamed agreement)"),
      h("span", { class: "meta" }, ` · ${a.commitments.length} commitment${a.commitments.length === 1 ? "" : "s"} · signed by ${a.signedBy.length} of ${a.parties.length}`,
        a.withdrawnBy ? [" · withdrawn by ", agentEl(a.withdrawnBy)]
          : a.inForce ? ` · in force since ${a.inForceSince}` : [" · waiting for ", ...waiting.map((f) => agentEl(f))]),
      !a.withdrawnBy && waiting.includes(me())
        ? h("button", { type: "button", class: "secondary small", "data-action": "sign",
          onclick: () => publish({ "@type": "Acceptance", accepts: a.id }, "Signed") }, "Sign") : null,
      !a.withdrawnBy && !a.inForce && (a.author === me() || a.parties.includes(me()))
        ? h("button", { type: "button", class: "secondary small", "data-action": "withdraw",
          onclick: () => publish({ "@type": "Withdrawal", withdraws: a.id }, "Withdrawn") }, "Withdraw") : null,
    ];
  }, "No agreements.");

  main.append(h("section", { class: "card" }, title,
    h("p", { class: "hint" }, "What people need and offer, what they have committed to, and their agreements."), result),
    needs.el, offers.el, commitments.el, agreements.el);

  async function load() {
    await Promise.all([needs.load(), offers.load(), commitments.load(), agreements.load()]);
  }

  return { load, refresh: load, focusTarget: () => title };
}
