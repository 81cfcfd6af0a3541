// The page: hash routes to views, the names the views share, and live updates from the
// node's event stream (a new entry or graph change refreshes the view on screen).
import { adoptTokenFromFragment, api, firstItems, openStream } from "./api.js";
import { h, clear } from "./dom.js";
import { agentName, learnProcessNames, learnResourceNames, names } from "./format.js";
import { renderRecord } from "./record.js";
import { renderFeeds } from "./feeds.js";
import { renderResources, renderResource } from "./resources.js";
import { renderAgents, renderProcesses } from "./listings.js";
import { renderTrace, renderTracePicker } from "./trace.js";
import { renderPeers, syncFraction, syncText } from "./peers.js";
import { renderBoard } from "./board.js";
import { renderSettings } from "./settings.js";

const main = document.getElementById("main");
const live = document.getElementById("live");
const toasts = document.getElementById("toasts");

const ctx = {
  node: null,
  feeds: [],
  refresh: () => refreshNow(),
  reconnect: () => connect(),
  /// Runs a load of the view on screen as the first one ran: busy while it runs, its error shown.
  run: (fn) => runLoad(view, fn),
};

let view = null;
let viewName = "";
let stream = null;

/// "#/resources/%25abc" -> {name: "resources", arg: "%abc"}
function route() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [name, ...rest] = hash.split("/");
  const arg = rest.length ? decodeURIComponent(rest.join("/")) : null;
  return { name: name || "record", arg };
}

const VIEWS = {
  record: () => renderRecord(main, ctx),
  feeds: (arg) => renderFeeds(main, ctx, { feed: arg }),
  resources: (arg) => arg ? renderResource(main, ctx, { id: arg }) : renderResources(main, ctx),
  processes: () => renderProcesses(main, ctx),
  agents: () => renderAgents(main, ctx),
  trace: (arg) => arg ? renderTrace(main, ctx, { id: arg }, "trace") : renderTracePicker(main, ctx),
  track: (arg) => arg ? renderTrace(main, ctx, { id: arg }, "track") : renderTracePicker(main, ctx),
  board: () => renderBoard(main, ctx),
  peers: () => renderPeers(main, ctx),
  settings: () => renderSettings(main, ctx),
};

async function show(focus) {
  const { name, arg } = route();
  const make = VIEWS[name] || VIEWS.record;
  viewName = VIEWS[name] ? name : "record";
  for (const a of document.querySelectorAll("nav a")) {
    const current = a.dataset.view === viewName || (viewName === "track" && a.dataset.view === "trace");
    if (current) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  clear(main);
  document.body.dataset.view = viewName;
  const v = make(arg);
  view = v;
  document.title = `${viewName[0].toUpperCase()}${viewName.slice(1)} — vf`;
  await runLoad(v, v.load);
  if (focus && view === v) (v.focusTarget?.() || main).focus();
}

// Loads in progress: the page is busy until the last ends, so a refresh of the view left
// behind, ending while the new view still loads, does not say the new view is ready.
let loading = 0;

async function runLoad(v, fn) {
  loading += 1;
  main.setAttribute("aria-busy", "true");
  try {
    await fn();
    if (view === v) main.querySelector(".load-error")?.remove();
  } catch (error) {
    if (view !== v) return;
    main.querySelector(".load-error")?.remove();
    main.prepend(h("div", { class: "error load-error", role: "alert" }, `Could not load: ${error.message}`));
  } finally {
    loading -= 1;
    if (loading === 0) main.removeAttribute("aria-busy");
  }
}

/// The names the page shows for ids: the first page of each listing (a node may hold far more;
/// views ask for the names of others they show).
async function loadNames() {
  const [feeds, agents, processes, resources] = await Promise.all([
    firstItems(api.feeds), firstItems(api.agents), firstItems(api.processes), firstItems(api.resources),
  ]);
  ctx.feeds = feeds;
  names.agents.clear();
  for (const a of agents) if (a.name) names.agents.set(a.id, a.name);
  for (const f of feeds) if (f.name) names.agents.set(f.author, f.name);
  learnProcessNames(processes);
  learnResourceNames(resources);
  document.getElementById("node-name").textContent = agentName(ctx.node?.id);
}

/// A selector for the focused element, to find its replacement if a refresh rebuilds it.
function focusSelector() {
  const a = document.activeElement;
  if (!a || a === main || !main.contains(a)) return null;
  if (a.id) return `#${CSS.escape(a.id)}`;
  const href = a.getAttribute("href");
  return href ? `a[href="${CSS.escape(href)}"]` : null;
}

async function refreshNow() {
  try { await loadNames(); } catch { /* the view shows the error */ }
  const v = view;
  const focused = focusSelector();
  if (v?.refresh) await runLoad(v, v.refresh);
  if (focused && view === v && !main.contains(document.activeElement)) main.querySelector(focused)?.focus();
}

// Refreshes are throttled, not debounced: a sync delivering thousands of entries still updates
// the view every second or so, and never runs two refreshes at once.
let pending = null;
let running = false;
let again = false;
function scheduleRefresh() {
  if (pending) return;
  pending = setTimeout(async () => {
    if (running) { again = true; pending = null; return; }
    running = true;
    try { await refreshNow(); } finally {
      running = false;
      pending = null;
      if (again) { again = false; scheduleRefresh(); }
    }
  }, 400);
}

// Entries from others are announced in one toast, counted per author and updated in place at
// most once a second; during a sync the sync bar says it instead.
const arrivals = new Map();
let arrivalTimer = null;
let arrivalToast = null;
let syncing = false;
function announce(entry) {
  if (syncing) return;
  arrivals.set(entry.author, (arrivals.get(entry.author) || 0) + 1);
  if (arrivalTimer) return;
  arrivalTimer = setTimeout(() => {
    arrivalTimer = null;
    const parts = [...arrivals].map(([author, n]) => `${n === 1 ? "a new entry" : `${n} new entries`} from ${agentName(author)}`);
    const text = parts.join("; ").replace(/^./, (c) => c.toUpperCase());
    if (arrivalToast?.isConnected) arrivalToast.update(text);
    else arrivalToast = toast(text, () => arrivals.clear());
  }, 1000);
}

/// Shows a message for five seconds (from its last update); `onGone` runs when it goes.
function toast(text, onGone) {
  const t = h("div", { class: "toast" }, text);
  let timer = null;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { t.remove(); onGone?.(); }, 5000);
  };
  t.update = (next) => { t.textContent = next; arm(); };
  toasts.append(t);
  arm();
  while (toasts.children.length > 3) toasts.firstChild.remove();
  return t;
}

function showSync(sync) {
  syncing = !!sync.syncing;
  const bar = document.getElementById("syncbar");
  bar.hidden = !sync.syncing;
  const progress = document.getElementById("sync-progress-top");
  progress.value = syncFraction(sync);
  document.getElementById("sync-text-top").textContent = syncText(sync);
  // A restored node, or one whose log.sqlite lost entries, signs nothing until it has its feed back.
  document.getElementById("lockbar").hidden = !sync.ownFeedLock;
  document.getElementById("lock-text").textContent = sync.ownFeedLock || "";
  view?.onSync?.(sync);
}

function setLive(state) {
  live.dataset.state = state;
  live.textContent = { live: "● live", reconnecting: "○ reconnecting…", closed: "○ offline" }[state] || state;
}

function connect() {
  stream?.close();
  stream = openStream({
    entry: (entry) => {
      if (entry && entry.author && entry.author !== ctx.node?.id) announce(entry);
      scheduleRefresh();
    },
    graph: () => scheduleRefresh(),
    sync: (sync) => showSync(sync),
  }, setLive);
}

async function start() {
  adoptTokenFromFragment();
  try {
    ctx.node = await api.node();
    names.self = ctx.node.id;
  } catch (error) {
    clear(main).append(h("div", { class: "error", role: "alert" }, `Cannot reach the node: ${error.message}`));
    // A node serving beyond loopback wants the token for reads too: ask for it here.
    if (error.status === 401) renderSettings(main, ctx);
    return;
  }
  try { await loadNames(); } catch { /* views report their own errors */ }
  connect();
  api.sync().then(showSync).catch(() => {});
  window.addEventListener("hashchange", () => {
    adoptTokenFromFragment();
    show(true);
  });
  await show(false);
}

start();
