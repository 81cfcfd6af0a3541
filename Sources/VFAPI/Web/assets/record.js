// Record: a form for an EconomicEvent that knows the VF actions. Choosing an action shows only
// the fields that action takes (from the action table); the payload is built from what shows.
import { ACTIONS, COMMON_ACTIONS, COMMON_UNITS, fieldsFor, effectText } from "./actions.js";
import { api, firstItems, getToken } from "./api.js";
import { h, clear, changeDetector } from "./dom.js";
import { agentName, humanize, quantityText, shortId, names } from "./format.js";

const NEW = "__new__";
const OTHER = "__other__";
const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const FEED_ID = /^@[A-Za-z0-9+/]{43}=\.ed25519$/;

function field(id, label, control, hint) {
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  return h("div", { class: "field", id: `${id}-field` },
    h("label", { for: id }, label),
    control,
    hint && h("p", { class: "hint", id: hintId }, hint));
}

function select(id, options = []) {
  return h("select", { id, name: id }, options);
}

function option(value, text, selected = false) {
  return h("option", { value, selected }, text);
}

/// Replaces a select's options but keeps its value when that value still exists.
function setOptions(sel, options, fallback) {
  const previous = sel.value;
  clear(sel).append(...options);
  const values = [...sel.options].map((o) => o.value);
  if (values.includes(previous)) sel.value = previous;
  else if (fallback != null && values.includes(fallback)) sel.value = fallback;
}

export function renderRecord(main, ctx) {
  const form = h("form", { id: "event-form", class: "card", novalidate: true, "aria-labelledby": "record-title" });
  const error = h("div", { id: "form-error", class: "error", role: "alert", hidden: true });
  const result = h("div", { id: "form-result", class: "result", role: "status", "aria-live": "polite" });

  // Action.
  const action = select("action", [
    h("optgroup", { label: "Common" }, COMMON_ACTIONS.map((a) => option(a, ACTIONS[a].label, a === "produce"))),
    h("optgroup", { label: "Other VF 1.0 actions" },
      Object.keys(ACTIONS).filter((a) => !COMMON_ACTIONS.includes(a)).map((a) => option(a, ACTIONS[a].label))),
  ]);
  const actionHelp = h("p", { class: "hint", id: "action-hint" });
  action.setAttribute("aria-describedby", "action-hint");

  // Process.
  const process = select("process");
  const processName = h("input", { id: "new-process-name", name: "new-process-name", type: "text", autocomplete: "off", placeholder: "e.g. milling" });
  const processLabel = h("label", { for: "process" }, "Process");

  // Resource (the one the event acts on) and, for transfers and moves, the one it goes to.
  const resource = select("resource");
  const resourceName = h("input", { id: "new-resource-name", name: "new-resource-name", type: "text", autocomplete: "off", placeholder: "e.g. wheat" });
  const tracking = h("input", { id: "new-resource-tracking", name: "new-resource-tracking", type: "text", autocomplete: "off", placeholder: "optional, e.g. W-2026-1" });
  const toResource = select("to-resource");
  const toResourceName = h("input", { id: "to-resource-name", name: "to-resource-name", type: "text", autocomplete: "off", placeholder: "e.g. wheat at the mill" });

  // Quantities.
  const quantity = h("input", { id: "quantity", name: "quantity", type: "text", inputmode: "decimal", autocomplete: "off", placeholder: "e.g. 100" });
  const unit = select("unit", [...COMMON_UNITS.map((u) => option(u, u)), option(OTHER, "other…")]);
  const unitOther = h("input", { id: "unit-other", name: "unit-other", type: "text", autocomplete: "off", placeholder: "unit name" });
  const effort = h("input", { id: "effort", name: "effort", type: "text", inputmode: "decimal", autocomplete: "off", placeholder: "e.g. 6" });
  const effortUnit = select("effort-unit", ["hour", "minute", "day"].map((u) => option(u, u, u === "hour")));
  const conformsTo = select("conforms-to");

  // Agents and the rest.
  const provider = select("provider");
  const receiver = select("receiver");
  const receiverOther = h("input", { id: "receiver-other", name: "receiver-other", type: "text", autocomplete: "off", spellcheck: "false", placeholder: "@….ed25519" });
  const toLocation = h("input", { id: "to-location", name: "to-location", type: "text", autocomplete: "off" });
  const note = h("input", { id: "note", name: "note", type: "text", autocomplete: "off" });
  const submit = h("button", { type: "submit", id: "submit-event", class: "primary" }, "Record event");

  const group = (id, ...children) => h("div", { class: "group", id }, children);
  const parts = {
    process: group("process-group",
      h("div", { class: "field" }, processLabel, process),
      field("new-process-name", "New process name", processName)),
    resource: group("resource-group",
      field("resource", "Resource", resource),
      field("new-resource-name", "New resource name", resourceName),
      field("new-resource-tracking", "Tracking identifier", tracking)),
    toResource: group("to-resource-group",
      field("to-resource", "Into resource", toResource, "Where the quantity goes: none, a new resource for the receiver, or one that exists."),
      field("to-resource-name", "New resource name", toResourceName)),
    quantity: group("quantity-group",
      h("div", { class: "row" }, field("quantity", "Quantity", quantity), field("unit", "Unit", unit)),
      field("unit-other", "Other unit", unitOther)),
    effort: group("effort-group",
      h("div", { class: "row" }, field("effort", "Effort", effort), field("effort-unit", "Effort unit", effortUnit)),
      field("conforms-to", "Kind of work (resource specification)", conformsTo)),
    agents: group("agents-group",
      h("div", { class: "row wide" }, field("provider", "Provider", provider), field("receiver", "Receiver", receiver)),
      field("receiver-other", "Receiver feed id", receiverOther, "The other agent's feed id: they can print it with vf whoami.")),
    location: group("location-group", field("to-location", "To location", toLocation)),
  };

  const tokenNote = h("p", { class: "notice", id: "token-notice", hidden: !!getToken() },
    "To record events this page needs the node's token. Run ", h("code", {}, "vf token"),
    " on the node's machine and paste it in ", h("a", { href: "#/settings" }, "Settings"),
    ", or open the link ", h("code", {}, "vf serve"), " prints.");

  form.append(
    h("h1", { id: "record-title", tabindex: "-1" }, "Record an event"),
    tokenNote,
    field("action", "Action", action), actionHelp,
    parts.process, parts.resource, parts.toResource, parts.quantity, parts.effort, parts.agents, parts.location,
    field("note", "Note", note),
    h("div", { class: "actions" }, submit),
    error, result);
  main.append(form);

  let data = { resources: [], processes: [], agents: [], specs: [] };

  const show = (el, on) => { el.hidden = !on; };
  const fieldOf = (id) => form.querySelector(`#${id}-field`);

  function update() {
    const name = action.value;
    const f = fieldsFor(name);
    actionHelp.textContent = effectText(name);
    show(parts.process, f.inputOf || f.outputOf);
    processLabel.textContent = f.outputOf && !f.inputOf ? "Output of process" : f.inputOf && !f.outputOf ? "Input of process" : "Process";
    show(fieldOf("new-process-name"), process.value === NEW);

    show(parts.resource, f.resource);
    refillResources();
    const creating = f.resourceMayBeNew && resource.value === NEW;
    show(fieldOf("new-resource-name"), creating);
    show(fieldOf("new-resource-tracking"), creating);
    show(parts.toResource, f.toResource);
    show(fieldOf("to-resource-name"), f.toResource && toResource.value === NEW);

    show(parts.quantity, f.resourceQuantity);
    show(fieldOf("unit-other"), unit.value === OTHER);
    show(parts.effort, f.effortQuantity);
    show(fieldOf("conforms-to"), f.conformsTo && conformsTo.options.length > 1);
    show(fieldOf("receiver-other"), receiver.value === OTHER);
    show(parts.location, f.toLocation);
    parts.agents.classList.toggle("prominent", f.receiverProminent);
    parts.location.classList.toggle("prominent", f.locationProminent);
  }

  function resourceOption(r) {
    const label = `${r.name || "(unnamed)"} — ${quantityText(r.onhandQuantity)} onhand, ${agentName(r.primaryAccountable)}`;
    return option(r.id, label);
  }

  /// This node's resources first (the ones it may change), then everyone else's.
  function groupedResources() {
    const me = ctx.node?.id;
    const mine = data.resources.filter((r) => r.primaryAccountable === me || r.holder === me);
    const others = data.resources.filter((r) => !mine.includes(r));
    return [
      mine.length ? h("optgroup", { label: "Yours" }, mine.map(resourceOption)) : null,
      others.length ? h("optgroup", { label: "Others'" }, others.map(resourceOption)) : null,
    ].filter(Boolean);
  }

  function refillResources() {
    const f = fieldsFor(action.value);
    const first = f.resourceMayBeNew ? [option(NEW, "+ new resource…")]
      : f.resourceRequired ? [option("", "choose a resource…")] : [option("", "— none —")];
    setOptions(resource, [...first, ...groupedResources()], first[0].value);
    setOptions(toResource, [option("", "— none —"), option(NEW, "+ new resource for the receiver…"), ...groupedResources()], "");
  }

  function refillPickers() {
    setOptions(process, [option("", "— none —"), option(NEW, "+ new process…"),
      ...data.processes.map((p) => option(p.id, `${p.name || "(unnamed)"} — ${agentName(p.author)}`))], "");
    const agents = new Map();
    if (ctx.node) agents.set(ctx.node.id, agentName(ctx.node.id));
    for (const f of data.feeds || []) agents.set(f.author, agentName(f.author));
    for (const a of data.agents) if (!agents.has(a.id)) agents.set(a.id, a.name || agentName(a.id));
    const agentOptions = [...agents].map(([id, label]) => option(id, label));
    setOptions(provider, agentOptions.map((o) => o.cloneNode(true)), ctx.node?.id);
    setOptions(receiver, [...agentOptions, option(OTHER, "other agent (feed id)…")], ctx.node?.id);
    setOptions(conformsTo, [option("", "— none —"), ...data.specs.map((sp) => option(sp.id, sp.name || shortId(sp.id)))], "");
    refillResources();
  }

  function selectedResource() {
    return data.resources.find((r) => r.id === resource.value);
  }

  function preselectUnit() {
    const r = selectedResource();
    const u = r?.unit || r?.onhandQuantity?.hasUnit || r?.accountingQuantity?.hasUnit;
    if (!u) return;
    if (COMMON_UNITS.includes(u)) unit.value = u;
    else { unit.value = OTHER; unitOther.value = u; }
  }

  action.addEventListener("change", () => { update(); preselectUnit(); });
  process.addEventListener("change", update);
  resource.addEventListener("change", () => { preselectUnit(); update(); });
  toResource.addEventListener("change", update);
  unit.addEventListener("change", update);
  receiver.addEventListener("change", update);
  conformsTo.addEventListener("change", update);

  function fail(message, focus) {
    error.hidden = false;
    error.textContent = message;
    result.textContent = "";
    if (focus) focus.focus();
    else error.scrollIntoView({ block: "nearest" });
    return null;
  }

  /// Builds the payload from the visible fields, or reports the first problem and returns null.
  function payload(processId) {
    const name = action.value;
    const f = fieldsFor(name);
    const me = ctx.node?.id;
    const p = { "@type": "EconomicEvent", action: name };
    p.provider = provider.value || me;
    if (receiver.value === OTHER) {
      const other = receiverOther.value.trim();
      if (!FEED_ID.test(other)) return fail("The receiver's feed id should look like @… (44 characters) .ed25519.", receiverOther);
      p.receiver = other;
    } else {
      p.receiver = receiver.value || me;
    }
    if (f.resourceQuantity) {
      const value = quantity.value.trim();
      const u = unit.value === OTHER ? unitOther.value.trim() : unit.value;
      if (value || ACTIONS[name].quantity !== "both") {
        if (!DECIMAL.test(value)) return fail("Quantity must be a number such as 100 or 2.5.", quantity);
        if (!u) return fail("Give the unit.", unitOther);
        p.resourceQuantity = { hasNumericalValue: value, hasUnit: u };
      }
    }
    if (f.effortQuantity) {
      const value = effort.value.trim();
      if (value || name === "work") {
        if (!DECIMAL.test(value)) return fail("Effort must be a number such as 6 or 1.5.", effort);
        p.effortQuantity = { hasNumericalValue: value, hasUnit: effortUnit.value };
      }
      if (f.conformsTo && conformsTo.value) p.resourceConformsTo = conformsTo.value;
    }
    if (f.resource) {
      if (f.resourceMayBeNew && resource.value === NEW) {
        const nr = {};
        if (resourceName.value.trim()) nr.name = resourceName.value.trim();
        else return fail("Name the new resource.", resourceName);
        if (tracking.value.trim()) nr.trackingIdentifier = tracking.value.trim();
        p.newInventoriedResource = nr;
      } else if (resource.value) {
        p.resourceInventoriedAs = resource.value;
      } else if (f.resourceRequired) {
        return fail(`Choose the resource to ${ACTIONS[name].label}.`, resource);
      }
    }
    if (f.toResource) {
      if (toResource.value === NEW) {
        const n = toResourceName.value.trim();
        if (!n) return fail("Name the new resource, or choose none.", toResourceName);
        p.newInventoriedResource = { name: n };
      } else if (toResource.value) {
        p.toResourceInventoriedAs = toResource.value;
      }
    }
    if (processId) {
      if (f.outputOf && !f.inputOf) p.outputOf = processId; else p.inputOf = processId;
    }
    if (f.toLocation && toLocation.value.trim()) p.toLocation = toLocation.value.trim();
    if (note.value.trim()) p.note = note.value.trim();
    return p;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    result.textContent = "";
    if (!getToken()) return fail("No token: run vf token on the node and paste it in Settings.", null);
    const f = fieldsFor(action.value);
    if ((f.inputOf || f.outputOf) && process.value === NEW && !processName.value.trim()) return fail("Name the new process.", processName);
    // Check the event before publishing a new process for it.
    if (!payload("%placeholder")) return;
    submit.disabled = true;
    submit.textContent = "Recording…";
    try {
      let processId = (f.inputOf || f.outputOf) ? process.value : "";
      let createdProcess = null;
      if (processId === NEW) {
        const entry = await api.publish({ "@type": "Process", name: processName.value.trim() });
        processId = entry.id;
        createdProcess = entry;
        names.processes.set(entry.id, processName.value.trim());
      }
      const p = payload(processId);
      if (!p) return;
      let entry;
      try {
        entry = await api.publish(p);
      } catch (e) {
        if (createdProcess) {
          data.processes.push({ id: createdProcess.id, name: processName.value.trim(), author: ctx.node?.id });
          refillPickers();
          process.value = createdProcess.id;
          update();
        }
        throw e;
      }
      result.replaceChildren(
        h("span", {}, `Recorded ${ACTIONS[p.action].label} as entry #${entry.sequence} (`, h("code", {}, shortId(entry.id)), ")",
          entry.status && entry.status !== "applied" ? ` — status ${entry.status}${entry.reason ? ": " + entry.reason : ""}` : "", ". "),
        entry.createdResource ? h("a", { href: `#/resources/${encodeURIComponent(entry.createdResource)}` }, "See the new resource") : null,
        entry.createdResource ? " · " : null,
        h("a", { href: "#/resources" }, "All resources"));
      result.scrollIntoView({ block: "nearest" });
      quantity.value = ""; effort.value = ""; resourceName.value = ""; tracking.value = "";
      toResourceName.value = ""; note.value = ""; processName.value = "";
      await ctx.refresh();
    } catch (e) {
      const hint = e.status === 401 ? " The token is missing or wrong: check it in Settings." : "";
      fail(`${humanize(e.message)}${hint}`, null);
    } finally {
      submit.disabled = false;
      submit.textContent = "Record event";
    }
  });

  const changed = changeDetector();
  async function load() {
    // The first page of each: a picker of more than a thousand choices would be no help.
    const [resources, processes, agents, specs] = await Promise.all([
      firstItems(api.resources), firstItems(api.processes), firstItems(api.agents), firstItems(api.specifications).catch(() => []),
    ]);
    const next = { resources, processes, agents, specs, feeds: ctx.feeds || [] };
    if (!changed(next)) return;
    data = next;
    refillPickers();
    update();
  }

  update();
  return {
    load,
    refresh: load,
    focusTarget: () => form.querySelector("h1"),
  };
}
