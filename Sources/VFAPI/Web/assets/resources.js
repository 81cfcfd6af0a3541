// Resources: the resources with their onhand and accounting quantities, a page at a time and
// searchable by name; one resource with the events behind it.
import { api } from "./api.js";
import { h, clear, changeDetector } from "./dom.js";
import { agentEl, ensureNames, learnResourceNames, quantityText, shortId, statusEl, verifiedEl, processName, resourceName } from "./format.js";
import { moreButton, pager, searchBox } from "./paging.js";

const cell = (label, ...content) => h("td", { "data-label": label }, content);

const PAGE = 100;

export function renderResources(main, ctx) {
  const title = h("h1", { tabindex: "-1" }, "Resources");
  const body = h("div", { id: "resources" });
  const list = pager(api.resources, PAGE);
  const search = searchBox("resource-search", "Search by name", async (text) => {
    list.search(text);
    await ctx.run(load);
  });
  main.append(h("section", { class: "card" }, title, search, body));

  const changed = changeDetector();
  function render() {
    const resources = list.items;
    learnResourceNames(resources);
    if (!changed({ resources, more: list.more, query: list.query })) return;
    clear(body);
    if (resources.length === 0 && !list.more) {
      body.append(list.query ? h("p", { id: "no-match" }, `No resource is named like “${list.query}”.`)
        : h("p", {}, "No resources yet. ", h("a", { href: "#/record" }, "Record a produce event"), " to create one."));
      return;
    }
    body.append(h("table", { class: "table", id: "resource-table" },
      h("caption", { class: "visually-hidden" }, "Resources and their quantities"),
      h("thead", {}, h("tr", {},
        ["Resource", "Onhand", "Accounting", "Accountable", "Holder", "Location", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, resources.map((r) => h("tr", { dataset: { id: r.id } },
        h("th", { scope: "row", "data-label": "Resource" },
          h("a", { href: `#/resources/${encodeURIComponent(r.id)}`, class: "resource-link" }, r.name || "(unnamed)"),
          r.trackingIdentifier ? h("span", { class: "meta" }, ` ${r.trackingIdentifier}`) : null,
          r.negative ? h("span", { class: "badge negative", title: "More was taken out than was ever put in" }, "negative") : null),
        cell("Onhand", h("span", { class: "qty onhand" }, quantityText(r.onhandQuantity))),
        cell("Accounting", h("span", { class: "qty accounting" }, quantityText(r.accountingQuantity))),
        cell("Accountable", agentEl(r.primaryAccountable)),
        cell("Holder", agentEl(r.holder)),
        cell("Location", r.currentLocation || "—"),
        cell("", h("a", { href: `#/trace/${encodeURIComponent(r.id)}`, class: "trace-link", "aria-label": `Trace ${r.name || "resource"}` }, "Trace")))))),
      moreButton("resources-more", list, async () => { await list.loadMore(); render(); }, body, "#resource-table tbody tr"));
  }

  async function load() {
    await list.reload();
    render();
  }

  return { load, refresh: load, focusTarget: () => title };
}

export function renderResource(main, ctx, params) {
  const id = params.id;
  const title = h("h1", { tabindex: "-1" }, "Resource");
  const body = h("div", { id: "resource-detail" });
  main.append(h("p", {}, h("a", { href: "#/resources" }, "← All resources")), h("section", { class: "card" }, title, body));

  const changed = changeDetector();
  // The resource comes with each page of its events; the latest read is shown.
  let r = null;
  const eventPages = pager(async (page) => {
    const answer = await api.resource(id, page);
    r = answer.resource;
    return { items: answer.events, next: answer.next };
  }, PAGE);
  async function load() {
    await eventPages.reload();
    await render();
  }
  async function render() {
    const events = eventPages.items;
    learnResourceNames([r]);
    // The names of the processes and the other resources its events name, where not known yet.
    await ensureNames({
      processes: events.flatMap((e) => [e.inputOf, e.outputOf]),
      resources: events.flatMap((e) => [e.resourceInventoriedAs, e.toResourceInventoriedAs]),
    });
    if (!changed({ r, events })) return;
    title.textContent = r.name || "(unnamed resource)";
    clear(body).append(
      h("dl", { class: "facts" },
        r.negative ? [h("dt", {}, "Warning"), h("dd", { class: "negative", id: "detail-negative" },
          "Negative: more was taken out of this resource than was ever put in.")] : null,
        h("dt", {}, "Onhand"), h("dd", { class: "qty onhand", id: "detail-onhand" }, quantityText(r.onhandQuantity)),
        h("dt", {}, "Accounting"), h("dd", { class: "qty accounting", id: "detail-accounting" }, quantityText(r.accountingQuantity)),
        h("dt", {}, "Accountable"), h("dd", {}, agentEl(r.primaryAccountable)),
        h("dt", {}, "Holder"), h("dd", {}, agentEl(r.holder)),
        r.currentLocation ? [h("dt", {}, "Location"), h("dd", {}, r.currentLocation)] : null,
        r.trackingIdentifier ? [h("dt", {}, "Tracking"), h("dd", {}, r.trackingIdentifier)] : null,
        r.stage ? [h("dt", {}, "Stage"), h("dd", {}, r.stage)] : null,
        r.state ? [h("dt", {}, "State"), h("dd", {}, r.state)] : null,
        h("dt", {}, "Id"), h("dd", { class: "mono" }, r.id)),
      h("p", { class: "actions" },
        h("a", { href: `#/trace/${encodeURIComponent(r.id)}`, class: "button", id: "open-trace" }, "Trace where it came from"),
        " ",
        h("a", { href: `#/track/${encodeURIComponent(r.id)}`, class: "button secondary" }, "Track where it went")),
      h("h2", {}, "Events"),
      events.length === 0 ? h("p", {}, "No events.") :
        h("ol", { class: "entries", id: "resource-events" }, events.map((e) => h("li", { class: "entry" },
          h("div", { class: "entry-head" },
            h("span", { class: "action" }, e.action),
            h("span", { class: "qty" }, quantityText(e.resourceQuantity || e.effortQuantity)),
            statusEl(e.status, e.reason)),
          h("div", { class: "entry-body" },
            "from ", agentEl(e.provider), " to ", agentEl(e.receiver),
            e.inputOf ? [", input of ", processName(e.inputOf)] : null,
            e.outputOf ? [", output of ", processName(e.outputOf)] : null,
            e.resourceInventoriedAs && e.resourceInventoriedAs !== id
              ? [", from ", h("a", { href: `#/resources/${encodeURIComponent(e.resourceInventoriedAs)}` }, resourceName(e.resourceInventoriedAs))] : null,
            e.toResourceInventoriedAs && e.toResourceInventoriedAs !== id
              ? [", into ", h("a", { href: `#/resources/${encodeURIComponent(e.toResourceInventoriedAs)}` }, resourceName(e.toResourceInventoriedAs))] : null),
          e.reason ? h("div", { class: "reason" }, e.reason) : null,
          h("div", { class: "entry-foot" }, "signed by ", agentEl(e.author), ` #${e.sequence} `, verifiedEl(e.signatureVerified),
            " · ", h("code", { title: e.id }, shortId(e.id)))))),
      moreButton("resource-events-more", eventPages, async () => { await eventPages.loadMore(); await render(); }, body, "#resource-events li"));
  }

  return { load, refresh: load, focusTarget: () => title };
}
