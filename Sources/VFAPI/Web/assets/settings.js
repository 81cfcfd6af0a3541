// Settings: the token that lets this page write, and this node's profile name.
import { api, getToken, setToken } from "./api.js";
import { h } from "./dom.js";

export function renderSettings(main, ctx) {
  const title = h("h1", { tabindex: "-1" }, "Settings");
  const token = h("input", { id: "token", name: "token", type: "password", autocomplete: "off", spellcheck: "false", value: getToken() });
  const tokenStatus = h("p", { class: "result", role: "status", id: "token-status" });
  const tokenForm = h("form", { class: "card", id: "token-form" },
    h("h2", {}, "Token"),
    h("p", {}, "Writing needs the node's token. On the node's machine run ", h("code", {}, "vf token"),
      " (with ", h("code", {}, "--home DIR"), " if you use one) and paste what it prints. ",
      "It stays in this browser only."),
    h("div", { class: "field" }, h("label", { for: "token" }, "Token"), token),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, "Save token"), " ",
      h("button", { type: "button", class: "secondary", onclick: () => { setToken(""); token.value = ""; tokenStatus.textContent = "Token forgotten."; } }, "Forget token")),
    tokenStatus);
  tokenForm.addEventListener("submit", (e) => {
    e.preventDefault();
    setToken(token.value.trim());
    tokenStatus.textContent = token.value.trim() ? "Token saved." : "Token cleared.";
    if (!ctx.node) { location.reload(); return; }
    ctx.reconnect();
  });

  const name = h("input", { id: "profile-name", name: "profile-name", type: "text", autocomplete: "organization" });
  const kind = h("select", { id: "profile-kind", name: "profile-kind" },
    h("option", { value: "Organization" }, "Organization"), h("option", { value: "Person" }, "Person"));
  const profileStatus = h("div", { class: "result", role: "status" });
  const profileError = h("div", { class: "error", role: "alert", hidden: true });
  const profileForm = h("form", { class: "card", id: "profile-form" },
    h("h2", {}, "Your name"),
    h("p", {}, "Peers see this name instead of your feed id. It is published as an entry in your feed."),
    h("div", { class: "row" },
      h("div", { class: "field" }, h("label", { for: "profile-name" }, "Name"), name),
      h("div", { class: "field" }, h("label", { for: "profile-kind" }, "Kind"), kind)),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Publish name")),
    profileError, profileStatus);
  profileForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    profileError.hidden = true;
    if (!name.value.trim()) { profileError.hidden = false; profileError.textContent = "Give a name."; name.focus(); return; }
    try {
      const entry = await api.publish({ "@type": kind.value, "@id": ctx.node.id, name: name.value.trim() });
      profileStatus.textContent = `Published as entry #${entry.sequence}.`;
      await ctx.refresh();
    } catch (err) {
      profileError.hidden = false;
      profileError.textContent = err.message;
    }
  });

  const nodeInfo = h("section", { class: "card" }, h("h2", {}, "This node"),
    h("dl", { class: "facts" },
      h("dt", {}, "Feed id"), h("dd", { class: "mono", id: "node-id" }, ctx.node?.id ?? "unknown"),
      h("dt", {}, "Network"), h("dd", {}, ctx.node?.network ?? "unknown"),
      h("dt", {}, "Peer address"), h("dd", { class: "mono" }, ctx.node?.peerAddress ?? "not listening")));

  main.append(h("div", {}, title, tokenForm, ctx.node ? [profileForm, nodeInfo] : null));
  return { load: async () => {}, refresh: async () => {}, focusTarget: () => title };
}
