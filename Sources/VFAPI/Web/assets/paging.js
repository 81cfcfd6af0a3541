// Long listings a page at a time: what is shown grows by a page when asked ("Show more"), a
// search by name starts again from the first page, and a live refresh reloads only as many
// items as are shown. A search reads a bounded number of rows per request on the node, so a
// page may come back short while `next` says there is more to search.
import { MAX_PAGE } from "./api.js";
import { h } from "./dom.js";

/// Requests one reload or "more" makes at most before it shows what it has.
const MAX_REQUESTS = 10;

/// A listing `list({after, limit, q})` shown `pageSize` items at a time.
export function pager(list, pageSize) {
  let items = [];
  let next = null;
  let wanted = pageSize;
  let query = "";

  /// Appends pages from `after` until `count` more items or the end (or MAX_REQUESTS).
  async function read(after, count) {
    const out = [];
    let cursor = after;
    let requests = 0;
    do {
      const page = await list({ after: cursor, limit: Math.min(MAX_PAGE, count - out.length), q: query });
      out.push(...(page.items || []));
      cursor = page.next ?? null;
      requests += 1;
    } while (cursor && out.length < count && requests < MAX_REQUESTS);
    return { out, cursor };
  }

  return {
    get items() { return items; },
    /// Whether more items may follow those shown.
    get more() { return next != null; },
    get query() { return query; },
    /// The first items again, as many as are shown (a live update, or a new search).
    async reload() {
      const { out, cursor } = await read(null, wanted);
      items = out;
      next = cursor;
    },
    /// A page more after those shown.
    async loadMore() {
      if (next == null) return;
      const { out, cursor } = await read(next, pageSize);
      items = items.concat(out);
      next = cursor;
      wanted = Math.max(pageSize, items.length);
    },
    /// Lists only items whose name contains `text` (all when empty), from the first page.
    search(text) {
      query = text.trim();
      wanted = pageSize;
    },
  };
}

/// A search box that calls `onSearch(text)` a moment after typing stops, and on Enter.
export function searchBox(id, label, onSearch) {
  const input = h("input", { id, type: "search", autocomplete: "off", spellcheck: "false", enterkeyhint: "search" });
  let timer = null;
  const fire = () => { clearTimeout(timer); timer = null; onSearch(input.value); };
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(fire, 300); });
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); fire(); } });
  return h("form", { class: "search", role: "search", onsubmit: (e) => { e.preventDefault(); fire(); } },
    h("label", { for: id }, label), input);
}

/// The "Show more" button under a listing, and how many items are shown; the button moves
/// focus to the first new item (`itemSelector` finds the items) once they are on the page.
export function moreButton(id, p, loadMore, container, itemSelector) {
  if (!p.more) return h("p", { class: "meta" }, p.items.length ? `${p.items.length} shown, all there are.` : "");
  return h("div", { class: "actions" },
    h("button", { type: "button", class: "secondary", id, onclick: async () => {
      const before = p.items.length;
      await loadMore();
      const first = container.querySelectorAll(itemSelector)[before];
      if (first) { first.setAttribute("tabindex", "-1"); first.focus(); }
    } }, p.query && p.items.length === 0 ? "Search further" : "Show more"),
    h("span", { class: "meta" }, ` ${p.items.length} shown`));
}
