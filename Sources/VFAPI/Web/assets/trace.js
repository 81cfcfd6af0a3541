// Trace and track drawn as a picture: the steps form a tree (each step names the one it was
// reached from), drawn top to bottom with children indented under their parent. Every event
// box carries its signer and its signature mark. The same steps follow as a text list, which
// is what a screen reader reads.
import { api } from "./api.js";
import { h, s, clear, changeDetector } from "./dom.js";
import { agentName, ensureNames, names, processName, quantityText, resourceName, shortId } from "./format.js";
import { moreButton, pager, searchBox } from "./paging.js";

const BOX_MAX = 340;
const BOX_MIN = 200;
const INDENT = 26;
const GAP = 14;
const PAD = 8;
const HEIGHT = { event: 66, resource: 50, process: 40 };

export function renderTracePicker(main, ctx) {
  const title = h("h1", { tabindex: "-1" }, "Trace");
  const body = h("div");
  const list = pager(api.resources, 100);
  const search = searchBox("trace-search", "Search resources by name", async (text) => {
    list.search(text);
    await ctx.run(load);
  });
  main.append(h("section", { class: "card" }, title,
    h("p", {}, "Choose a resource to see where it came from, every step with its signer."), search, body));
  const changed = changeDetector();
  function render() {
    const resources = list.items;
    if (!changed({ resources, more: list.more, query: list.query })) return;
    clear(body).append(resources.length === 0 && !list.more ? h("p", {}, list.query ? `No resource is named like “${list.query}”.` : "No resources yet.") : [
      h("ul", { class: "link-list", id: "trace-choices" }, resources.map((r) => h("li", {},
        h("a", { href: `#/trace/${encodeURIComponent(r.id)}` }, r.name || "(unnamed)"),
        h("span", { class: "meta" }, ` ${quantityText(r.onhandQuantity)} onhand`)))),
      moreButton("trace-more", list, async () => { await list.loadMore(); render(); }, body, "#trace-choices li"),
    ]);
  }
  async function load() {
    await list.reload();
    render();
  }
  return { load, refresh: load, focusTarget: () => title };
}

export function renderTrace(main, ctx, params, direction = "trace") {
  const id = params.id;
  const backwards = direction === "trace";
  const title = h("h1", { tabindex: "-1" }, backwards ? "Trace" : "Track");
  const picture = h("div", { class: "trace-picture", id: "trace-picture" });
  const list = h("div", { class: "trace-list" });
  main.append(
    h("section", { class: "card" }, title,
      h("p", { class: "hint" }, backwards
        ? "Where it came from, newest first: each step came from the steps indented under it. Arrows show the flow."
        : "Where it went: each step went into the steps indented under it. Arrows show the flow.",
        " ", h("a", { href: `#/${backwards ? "track" : "trace"}/${encodeURIComponent(id)}` }, backwards ? "Track instead" : "Trace instead")),
      picture),
    h("section", { class: "card" }, h("h2", {}, "Steps as text"), list));

  const changed = changeDetector();
  let drawn = null;
  let drawnWidth = 0;
  // Redrawn when the space changes (a phone turned sideways), at the new width.
  const onResize = () => {
    if (!picture.isConnected) { window.removeEventListener("resize", onResize); return; }
    if (drawn && Math.abs(picture.clientWidth - drawnWidth) > 20) { drawnWidth = picture.clientWidth; drawn(); }
  };
  window.addEventListener("resize", onResize);
  async function load() {
    drawnWidth = picture.clientWidth;
    const steps = await (backwards ? api.trace(id) : api.track(id));
    // The names of the resources and processes it passes through, where not known yet.
    await ensureNames({
      resources: steps.filter((st) => st.type === "resource").map((st) => st.id),
      processes: steps.filter((st) => st.type === "process").map((st) => st.id),
    });
    if (!changed(steps)) return;
    // Event quantities are not in the steps; read each event's entry (a trace is short).
    const details = new Map();
    await Promise.all(steps.filter((st) => st.type === "event").slice(0, 200).map(async (st) => {
      try { details.set(st.id, await api.entry(st.entryId || st.id)); } catch { /* drawn without its quantity */ }
    }));
    const startName = steps[0] ? label(steps[0], details).title : id;
    title.textContent = `${backwards ? "Trace" : "Track"}: ${startName}`;
    drawn = () => {
      const svg = draw(picture, steps, details, backwards, startName);
      clear(picture).append(svg);
      if (svg.querySelectorAll) fit(svg);
    };
    drawn();
    clear(list).append(textList(steps, details));
  }

  return { load, refresh: load, focusTarget: () => title };
}

/// The words of one step: a title line, a second line, and for events the signer.
function label(step, details) {
  if (step.type === "event") {
    const entry = details.get(step.id);
    const p = entry?.payload || {};
    const q = p.resourceQuantity || p.effortQuantity;
    return {
      title: `${step.action || p.action || "event"}${q ? " " + quantityText(q) : ""}`,
      line: `#${step.sequence} · ${shortId(step.entryId || step.id)}`,
      signer: step.author, verified: !!step.signatureVerified,
    };
  }
  if (step.type === "resource") return { title: resourceName(step.id), line: "resource" };
  return { title: processName(step.id), line: "process" };
}

/// Boxes as wide as the space allows (so the picture is drawn at its real size on a phone),
/// never narrower than BOX_MIN: a deep trace scrolls sideways rather than shrinking its text.
function layout(steps, available) {
  const depth = new Map();
  for (const step of steps) {
    const d = step.parent != null && depth.has(step.parent) ? depth.get(step.parent) + 1 : 0;
    if (!depth.has(step.id)) depth.set(step.id, d);
  }
  const deepest = Math.max(0, ...depth.values());
  // A phone gives the boxes the room, not the indentation.
  const indent = available < 480 ? 16 : INDENT;
  const boxW = Math.round(Math.max(BOX_MIN, Math.min(BOX_MAX, available - 2 * PAD - deepest * indent)));
  depth.clear();
  let y = PAD;
  let maxDepth = 0;
  const boxes = steps.map((step) => {
    const d = step.parent != null && depth.has(step.parent) ? depth.get(step.parent) + 1 : 0;
    if (!depth.has(step.id)) depth.set(step.id, d);
    maxDepth = Math.max(maxDepth, d);
    const box = { step, x: PAD + d * indent, y, w: boxW, hgt: HEIGHT[step.type] || 44 };
    y += box.hgt + GAP;
    return box;
  });
  return { boxes, boxW, width: PAD * 2 + maxDepth * indent + boxW, height: Math.max(y - GAP + PAD, 40) };
}

function draw(picture, steps, details, backwards, startName) {
  if (steps.length === 0) return h("p", {}, "Nothing to draw: no steps.");
  const { boxes, boxW, width, height } = layout(steps, (picture.clientWidth || 340) - 2);
  const fitTo = boxW - 20;
  const byId = new Map(boxes.map((b) => [b.step.id, b]));
  const titleId = "trace-svg-title", descId = "trace-svg-desc";
  const events = steps.filter((st) => st.type === "event");
  const verified = events.filter((st) => st.signatureVerified).length;
  const svg = s("svg", {
    id: "trace-svg", role: "img", viewBox: `0 0 ${width} ${height}`, width, height,
    "aria-labelledby": `${titleId} ${descId}`, preserveAspectRatio: "xMinYMin meet",
  },
  s("title", { id: titleId }, `${backwards ? "Trace" : "Track"} of ${startName}`),
  s("desc", { id: descId }, `${steps.length} steps, ${events.length} events, ${verified} with verified signatures. The same steps are listed as text below the picture.`),
  s("defs", {}, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" },
    s("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }))));
  svg.style.width = `${width}px`;

  // Connectors first, under the boxes. Flow runs child -> parent in a trace, parent -> child in a track.
  for (const b of boxes) {
    const parent = b.step.parent != null ? byId.get(b.step.parent) : null;
    if (!parent) continue;
    const px = parent.x + 9, py = parent.y + parent.hgt, cy = b.y + b.hgt / 2;
    const d = backwards ? `M${b.x},${cy} H${px} V${py + 1}` : `M${px},${py} V${cy} H${b.x - 1}`;
    svg.append(s("path", { d, class: "link", "marker-end": "url(#arrow)" }));
  }

  for (const b of boxes) {
    const st = b.step;
    const l = label(st, details);
    const g = s("g", { class: `step ${st.type}`, transform: `translate(${b.x},${b.y})`, "data-type": st.type, "data-id": st.id });
    g.append(s("rect", { width: b.w, height: b.hgt, rx: st.type === "process" ? 18 : 6, class: "box" }));
    g.append(s("title", {}, st.type === "event"
      ? `${l.title}, signed by ${agentName(l.signer)}, ${l.verified ? "signature verified" : "signature NOT verified"}` : `${st.type} ${l.title}`));
    g.append(s("text", { x: 10, y: 19, class: "t1", "data-fit": fitTo }, l.title));
    if (st.type === "event") {
      g.append(s("text", { x: 10, y: 37, class: "t2 signer", "data-fit": fitTo }, "signed by ", s("tspan", { class: "who" }, agentName(l.signer))));
      g.append(s("text", { x: 10, y: 56, class: "t3" },
        s("tspan", { class: `mark ${l.verified ? "ok" : "bad"}` }, l.verified ? "✓ verified" : "✗ NOT verified"),
        ` · ${l.line}`));
    } else {
      g.append(s("text", { x: 10, y: 37, class: "t3" }, l.line));
    }
    svg.append(g);
  }
  return svg;
}

/// Shortens texts that overflow their box, measured once the picture is on the page. A
/// signer line gives up characters of the name, never the words "signed by".
function fit(svg) {
  for (const el of svg.querySelectorAll("text[data-fit]")) {
    const max = Number(el.dataset.fit);
    const target = el.querySelector(".who") || el;
    let text = target.textContent;
    while (text.length > 1 && el.getComputedTextLength() > max) {
      text = text.slice(0, -1);
      target.textContent = text.trimEnd() + "…";
    }
  }
}

function textList(steps, details) {
  const depth = new Map();
  return h("ol", { class: "steps", id: "trace-steps" }, steps.map((st) => {
    const d = st.parent != null && depth.has(st.parent) ? depth.get(st.parent) + 1 : 0;
    depth.set(st.id, d);
    const l = label(st, details);
    const link = st.type === "resource" ? `#/resources/${encodeURIComponent(st.id)}` : null;
    const li = h("li", { class: `step-item ${st.type}`, dataset: { depth: Math.min(d, 8) } },
      h("span", { class: "kind" }, st.type), " ",
      link ? h("a", { href: link }, l.title) : h("strong", {}, l.title),
      st.type === "event" ? [" — signed by ", h("span", { class: "agent", title: st.author }, agentName(st.author)), " ",
        h("span", { class: `mark ${l.verified ? "ok" : "bad"}` }, l.verified ? "✓ verified" : "✗ not verified"),
        ` (${l.line})`] : null);
    return li;
  }));
}

export { names };
