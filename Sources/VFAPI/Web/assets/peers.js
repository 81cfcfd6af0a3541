// Peers: who this node talks to, and a progress bar while a sync is under way.
import { api } from "./api.js";
import { h, clear, changeDetector } from "./dom.js";
import { agentEl, timeText } from "./format.js";
import { moreButton, pager } from "./paging.js";

/// Fetched over fetched plus still to fetch (the API counts what remains); full when idle.
export function syncFraction(sync) {
  if (!sync) return 0;
  const fetched = Number(sync.entriesFetched) || 0, remaining = Number(sync.entriesToFetch) || 0;
  if (fetched + remaining === 0) return sync.syncing ? 0 : 1;
  return Math.min(1, fetched / (fetched + remaining));
}

export function syncText(sync) {
  if (!sync) return "";
  if (!sync.syncing) return `${sync.connectedPeers} peer${sync.connectedPeers === 1 ? "" : "s"} connected; up to date`;
  return `syncing with ${sync.connectedPeers} peer${sync.connectedPeers === 1 ? "" : "s"}: ` +
    `${sync.entriesFetched} of ${Number(sync.entriesFetched) + Number(sync.entriesToFetch)} entries, ${sync.feedsToFetch} feed${sync.feedsToFetch === 1 ? "" : "s"} to fetch`;
}

export function renderPeers(main, ctx) {
  const title = h("h1", { tabindex: "-1" }, "Peers");
  const progress = h("progress", { id: "sync-progress", max: "1", value: "0" });
  const progressText = h("p", { id: "sync-text", class: "hint" });
  const body = h("div", { id: "peers" });
  const address = h("p", { class: "mono" });
  main.append(h("section", { class: "card" }, title,
    h("h2", {}, "This node"), address,
    h("div", { class: "field" }, h("label", { for: "sync-progress" }, "Sync progress"), progress, progressText),
    h("h2", {}, "Known peers"), body));

  function showSync(sync) {
    progress.value = syncFraction(sync);
    progress.setAttribute("aria-valuetext", syncText(sync));
    progressText.textContent = syncText(sync);
  }

  const changed = changeDetector();
  const list = pager(api.peers, 100);
  async function load() {
    const [, sync] = await Promise.all([list.reload(), api.sync()]);
    address.textContent = ctx.node?.peerAddress ? `Peer address: ${ctx.node.peerAddress}` : "Not listening for peers.";
    showSync(sync);
    if (!changed(list.items)) return;
    render();
  }
  function render() {
    const peers = list.items;
    clear(body).append(peers.length === 0
      ? h("p", {}, "No peers yet. Add one with ", h("code", {}, "vf connect ADDRESS"), ", or start nodes on the same LAN.")
      : h("ul", { class: "peer-list", id: "peer-list" }, peers.map((p) => h("li", { class: "peer" },
        h("span", { class: `dot ${p.connected ? "on" : "off"}`, "aria-hidden": "true" }),
        h("span", { class: "who" }, agentEl(p.id)),
        h("span", { class: "state" }, p.connected ? "connected" : "not connected"),
        p.address ? h("div", { class: "mono small" }, p.address) : null,
        h("div", { class: "small" }, p.lastSync ? `last sync ${timeText(p.lastSync)}` : "never synced"),
        p.lastError ? h("div", { class: "reason" }, p.lastError) : null))),
      moreButton("peers-more", list, async () => { await list.loadMore(); render(); }, body, "#peer-list li"));
  }

  return { load, refresh: load, onSync: showSync, focusTarget: () => title };
}
