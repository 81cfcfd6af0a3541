// Feeds: this node's feed and the others it holds, each entry with its signer, sequence,
// status and signature mark.
import { api, MAX_PAGE } from "./api.js";
import { h, clear, changeDetector } from "./dom.js";
import { agentEl, agentName, payloadSummary, shortId, statusEl, timeText, verifiedEl } from "./format.js";
import { moreButton, pager } from "./paging.js";

export function renderFeeds(main, ctx, params) {
  const title = h("h1", { tabindex: "-1" }, "Feeds");
  const list = h("ul", { class: "feed-list", id: "feed-list", "aria-label": "Feeds held by this node" });
  const entriesBox = h("section", { id: "entries", "aria-live": "polite" });
  main.append(h("div", { class: "split" },
    h("section", { class: "card" }, title,
      h("p", { class: "hint" }, "Every feed this node holds: its own, the ones it follows, and theirs."), list),
    entriesBox));

  let selected = params.feed || ctx.node?.id || null;

  const PAGE = 50;
  let shown = PAGE;
  const entriesChanged = changeDetector();
  // The newest `shown` entries: a feed may hold tens of thousands.
  async function loadEntries(head) {
    if (!selected) return;
    const from = Math.max(1, head - shown + 1);
    const entries = [];
    let next = from;
    while (next != null && next <= head) {
      const page = await api.entries(selected, next, Math.min(500, head - next + 1));
      entries.push(...(page.entries || []));
      if (page.next == null || page.next <= next) break;
      next = page.next;
    }
    if (!entriesChanged({ entries, from })) return;
    entries.sort((a, b) => b.sequence - a.sequence);
    clear(entriesBox).append(h("div", { class: "card" },
      h("h2", {}, "Entries of ", agentEl(selected)),
      h("p", { class: "hint mono", title: selected }, selected),
      entries.length === 0 ? h("p", {}, "No entries held for this feed yet.") :
        h("ol", { class: "entries", id: "entry-list", reversed: true },
          entries.map((e) => h("li", { class: "entry", dataset: { id: e.id, sequence: e.sequence } },
            h("div", { class: "entry-head" },
              h("span", { class: "seq" }, `#${e.sequence}`),
              h("span", { class: "by" }, "signed by ", agentEl(e.author)),
              verifiedEl(e.signatureVerified),
              statusEl(e.status, e.reason)),
            h("div", { class: "entry-body" }, e.forgotten ? "(payload forgotten on this node)" : payloadSummary(e.payload)),
            e.reason ? h("div", { class: "reason" }, e.reason) : null,
            h("div", { class: "entry-foot" },
              h("time", {}, timeText(e.timestamp)), " · ",
              h("code", { title: e.id }, shortId(e.id)),
              e.createdResource ? [" · ", h("a", { href: `#/resources/${encodeURIComponent(e.createdResource)}` }, "resource")] : null,
              e.status === "applied" && e.payload?.["@type"]?.endsWith("EconomicEvent")
                ? [" · ", h("a", { href: `#/trace/${encodeURIComponent(e.id)}` }, "trace")] : null)))),
      from > 1 ? h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", id: "older", onclick: async () => {
          shown += PAGE;
          await loadEntries(head);
          entriesBox.querySelector(`[data-sequence="${from - 1}"]`)?.setAttribute("tabindex", "-1");
          entriesBox.querySelector(`[data-sequence="${from - 1}"]`)?.focus();
        } }, `Show ${Math.min(PAGE, from - 1)} older`),
        h("span", { class: "meta" }, `showing ${entries.length} of ${head}`)) : null));
  }

  // Feeds a page at a time, in id order; the selected one is found even beyond those shown.
  const feedPages = pager(api.feeds, 200);
  const feedsChanged = changeDetector();
  function renderFeedList() {
    const feeds = [...feedPages.items];
    if (!feedsChanged({ feeds, more: feedPages.more })) return;
    feeds.sort((a, b) => (b.self ? 1 : 0) - (a.self ? 1 : 0) || agentName(a.author).localeCompare(agentName(b.author)));
    clear(list).append(...feeds.map((f) => h("li", {},
      h("a", {
        href: `#/feeds/${encodeURIComponent(f.author)}`, class: "feed-link",
        "aria-current": f.author === selected ? "true" : false,
      },
      h("span", { class: "name" }, agentName(f.author), f.self ? " — this node" : ""),
      h("span", { class: "meta" }, `${f.sequence} entr${f.sequence === 1 ? "y" : "ies"}`, f.forked ? " · FORKED" : "")))));
    if (feedPages.more) {
      list.append(h("li", {}, moreButton("feeds-more", feedPages, async () => { await feedPages.loadMore(); renderFeedList(); }, list, "a.feed-link")));
    }
  }

  /// The selected feed's head: among the feeds shown, else read a page at a time from its neighbourhood.
  async function headOf(feed) {
    const shown = feedPages.items.find((f) => f.author === feed);
    if (shown) return shown.sequence;
    let after = null;
    for (let requests = 0; requests < 20; requests++) {
      const page = await api.feeds({ after, limit: MAX_PAGE });
      const found = page.items.find((f) => f.author === feed);
      if (found) return found.sequence;
      if (!page.next) break;
      after = page.next;
    }
    return 0;
  }

  async function load() {
    await feedPages.reload();
    if (!selected && feedPages.items.length) selected = feedPages.items.find((f) => f.self)?.author ?? feedPages.items[0].author;
    renderFeedList();
    await loadEntries(await headOf(selected));
  }

  return { load, refresh: load, focusTarget: () => title };
}
