// How ids, agents, quantities and times read on the page.
import { api } from "./api.js";
import { h } from "./dom.js";

/// What the page knows about names: this node, feeds' profile names, agents, processes, resources.
/// Filled from the first page of each listing and from what the views load; a view that shows
/// ids beyond those asks for their names (`ensureNames`).
export const names = {
  self: null,
  agents: new Map(),     // agent or feed id -> name
  processes: new Map(),  // process entry id -> name
  resources: new Map(),  // resource id -> name
};

/// Keeps the names of resources a view loaded.
export function learnResourceNames(resources) {
  for (const r of resources) names.resources.set(r.id, r.name || "(unnamed resource)");
}

/// Keeps the names of processes a view loaded.
export function learnProcessNames(processes) {
  for (const p of processes) names.processes.set(p.id, p.name || "(unnamed process)");
}

/// The names the page does not know yet of these processes and resources (ids; nulls are
/// skipped), each read by id: a resource from its own endpoint, a process from its entry.
/// At most `max` are asked for; the rest keep their short ids.
export async function ensureNames({ processes = [], resources = [] }, max = 50) {
  const unknown = (ids, map) => [...new Set(ids.filter((id) => id && !map.has(id)))];
  const wanted = [
    ...unknown(resources, names.resources).map((id) => async () => {
      const { resource } = await api.resource(id);
      learnResourceNames([resource]);
    }),
    ...unknown(processes, names.processes).map((id) => async () => {
      const entry = await api.entry(id);
      if (entry.payload) learnProcessNames([{ id, name: entry.payload.name }]);
    }),
  ].slice(0, max);
  await Promise.all(wanted.map((ask) => ask().catch(() => { /* shown by its short id */ })));
}

/// "@A6EHv/PO….ed25519" -> "A6EHv/PO": enough to tell ids apart at a glance.
export function shortId(id) {
  if (!id) return "";
  const body = id.replace(/^[@%]/, "").replace(/\.[a-z0-9]+$/, "");
  return body.slice(0, 8);
}

export function agentName(id) {
  if (!id) return "—";
  const name = names.agents.get(id);
  const me = id === names.self;
  if (name) return me ? `${name} (me)` : name;
  return me ? `me (${shortId(id)})` : `@${shortId(id)}…`;
}

/// An agent as text with its full id in a tooltip and for screen readers on demand.
export function agentEl(id) {
  return h("span", { class: "agent", title: id || "" }, agentName(id));
}

export function quantityText(q) {
  if (!q || q.hasNumericalValue == null) return "—";
  return `${q.hasNumericalValue} ${q.hasUnit ?? ""}`.trim();
}

export function timeText(ms) {
  if (ms == null) return "";
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
}

/// The signature mark: a word and a symbol, so it does not rely on colour alone.
export function verifiedEl(ok) {
  return ok
    ? h("span", { class: "mark ok", title: "Ed25519 signature verified" }, "✓ verified")
    : h("span", { class: "mark bad", title: "signature NOT verified" }, "✗ not verified");
}

export function statusEl(status, reason) {
  if (!status) return h("span", { class: "status other" }, "not ValueFlows");
  return h("span", { class: `status ${status}`, title: reason || "" }, status);
}

export function resourceName(id) {
  return names.resources.get(id) || `resource ${shortId(id)}…`;
}

export function processName(id) {
  return names.processes.get(id) || `process ${shortId(id)}…`;
}

/// A message from the node with the ids it names replaced by their names, where known.
export function humanize(message) {
  return String(message)
    .replace(/%[A-Za-z0-9+/]+=*\.vf1res/g, (id) => names.resources.has(id) ? `“${names.resources.get(id)}”` : id)
    .replace(/%[A-Za-z0-9+/]+=*\.vf1\b/g, (id) => names.processes.has(id) ? `process “${names.processes.get(id)}”` : id)
    .replace(/@[A-Za-z0-9+/]+=*\.ed25519/g, (id) => names.agents.has(id) ? agentName(id) : id);
}

/// A one-line summary of an entry's payload.
export function payloadSummary(payload) {
  if (!payload) return "(payload not held)";
  const type = String(payload["@type"] || "").replace(/^vf:/, "");
  switch (type) {
    case "EconomicEvent": {
      const q = payload.resourceQuantity || payload.effortQuantity;
      let text = `${payload.action}${q ? " " + quantityText(q) : ""}`;
      if (payload.newInventoriedResource?.name) text += ` of new “${payload.newInventoriedResource.name}”`;
      else if (payload.resourceInventoriedAs) text += ` of ${resourceName(payload.resourceInventoriedAs)}`;
      if (payload.receiver && payload.provider && payload.receiver !== payload.provider) text += ` to ${agentName(payload.receiver)}`;
      if (payload.inputOf) text += `, input of ${processName(payload.inputOf)}`;
      if (payload.outputOf) text += `, output of ${processName(payload.outputOf)}`;
      return text;
    }
    case "Process": return `process “${payload.name ?? ""}”`;
    case "Person": case "Organization": return `${type} “${payload.name ?? ""}”`;
    case "ResourceSpecification": return `resource specification “${payload.name ?? ""}”`;
    case "Contact":
      return `${payload.blocking ? "block" : payload.following ? "follow" : "unfollow"} ${agentName(payload.contact)}`;
    default:
      return type || "entry";
  }
}
