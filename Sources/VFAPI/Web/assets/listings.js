// Processes and agents, each a page at a time; agents searchable by name.
import { api } from "./api.js";
import { h, clear, changeDetector } from "./dom.js";
import { agentEl, learnProcessNames, shortId } from "./format.js";
import { moreButton, pager, searchBox } from "./paging.js";

const PAGE = 100;

/// A card listing `list` a page at a time: `item` draws one, `empty` says there are none;
/// with `search`, a search box by name above it.
function listingView(main, ctx, { heading, id, list, item, empty, search, learn }) {
  const title = h("h1", { tabindex: "-1" }, heading);
  const body = h("div");
  const p = pager(list, PAGE);
  const box = search ? searchBox(`${id}-search`, "Search by name", async (text) => {
    p.search(text);
    await ctx.run(load);
  }) : null;
  main.append(h("section", { class: "card" }, title, box, body));

  const changed = changeDetector();
  function render() {
    learn?.(p.items);
    if (!changed({ items: p.items, more: p.more, query: p.query })) return;
    clear(body);
    if (p.items.length === 0 && !p.more) {
      body.append(h("p", { id: `${id}-none` }, p.query ? `None is named like “${p.query}”.` : empty));
      return;
    }
    body.append(
      p.items.length ? h("ul", { class: "link-list", id: `${id}-list` }, p.items.map((x) => h("li", { dataset: { id: x.id } }, item(x)))) : null,
      moreButton(`${id}-more`, p, async () => { await p.loadMore(); render(); }, body, `#${id}-list li`));
  }

  async function load() {
    await p.reload();
    render();
  }

  return { load, refresh: load, focusTarget: () => title };
}

// A listing's process carries its first inputs and outputs; `more…` says the list goes on.
function flowCount(ids, more, noun) {
  return more ? `${ids.length}+ ${noun}s` : `${ids.length} ${noun}${ids.length === 1 ? "" : "s"}`;
}

export function renderProcesses(main, ctx) {
  return listingView(main, ctx, {
    heading: "Processes", id: "processes", list: api.processes, learn: learnProcessNames,
    empty: "No processes yet.",
    item: (p) => [
      h("a", { href: `#/trace/${encodeURIComponent(p.id)}`, class: "process-link" }, p.name || "(unnamed process)"),
      h("span", { class: "meta" }, " by ", agentEl(p.author),
        ` · ${flowCount(p.inputs, p.moreInputs, "input")}, ${flowCount(p.outputs, p.moreOutputs, "output")}`,
        p.basedOn ? ` · ${p.basedOn}` : "", " · ",
        h("a", { href: `#/track/${encodeURIComponent(p.id)}` }, "track")),
    ],
  });
}

export function renderAgents(main, ctx) {
  return listingView(main, ctx, {
    heading: "Agents", id: "agents", list: api.agents, search: true,
    empty: "No agents yet: a feed becomes one when it takes part in an event or publishes a profile.",
    item: (a) => [
      a.id.startsWith("@")
        ? h("a", { href: `#/feeds/${encodeURIComponent(a.id)}`, class: "agent-name" }, a.name || "(no profile)")
        : h("span", { class: "agent-name" }, a.name || "(no profile)"),
      h("span", { class: "meta" }, a.type ? ` ${a.type}` : "", " · ", h("code", { title: a.id }, shortId(a.id)),
        a.id.startsWith("@") ? "" : [" · answered by ", agentEl(a.answeredBy)]),
    ],
  });
}
