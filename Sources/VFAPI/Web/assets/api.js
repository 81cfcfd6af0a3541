// The node's local HTTP API: reads, the one write (POST /api/entries), the token, and the
// server-sent event stream. Every failure becomes an ApiError carrying the server's reason.

const TOKEN_KEY = "vf.token";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/// Takes `#token=…` (or `#/view?…&token=…`) out of the address bar into localStorage, so the
/// token is not left in the history or in screenshots. Returns the route that remains.
export function adoptTokenFromFragment() {
  const hash = location.hash.replace(/^#/, "");
  const match = hash.match(/(?:^|[&?])token=([^&]*)/);
  if (!match) return;
  let token = "";
  try { token = decodeURIComponent(match[1]).trim(); } catch { token = ""; }
  // Any site can send the browser to this address with a fragment of its choosing: a token
  // that differs from the saved one replaces it only when the person says so.
  const saved = getToken();
  if (token && (!saved || saved === token || window.confirm("Replace the saved token with the one in this link?"))) setToken(token);
  let rest = hash.replace(match[0], "").replace(/^[&?]/, "");
  if (rest && !rest.startsWith("/")) rest = "";
  history.replaceState(null, "", location.pathname + location.search + (rest ? "#" + rest : "#/record"));
}

export function getToken() {
  try { return localStorage.getItem(TOKEN_KEY) || ""; } catch { return ""; }
}

export function setToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token.trim());
    else localStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: the token lives only as long as the page */ }
}

async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, `cannot reach the node (${error.message}); is vf serve running?`);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!response.ok) {
    const reason = data && typeof data.error === "string" ? data.error : text || response.statusText;
    throw new ApiError(response.status, reason);
  }
  return data;
}

const enc = encodeURIComponent;

/// "?after=…&limit=…&q=…" with the parameters that are set.
function pageQuery({ after, limit, q } = {}) {
  const parts = [];
  if (after) parts.push(`after=${enc(after)}`);
  if (limit) parts.push(`limit=${limit}`);
  if (q) parts.push(`q=${enc(q)}`);
  return parts.length ? "?" + parts.join("&") : "";
}

/// The largest page a listing answers.
export const MAX_PAGE = 1000;

// Listings answer a page at a time: {items: [...], next: cursor or null}; pass `next` back as
// `after` for the page that follows.
export const api = {
  node: () => request("GET", "/api/node"),
  feeds: (page) => request("GET", "/api/feeds" + pageQuery(page)),
  entries: (feed, from = 1, limit = 500) => request("GET", `/api/feeds/${enc(feed)}/entries?from=${from}&limit=${limit}`),
  entry: (id) => request("GET", `/api/entries/${enc(id)}`),
  publish: (payload) => request("POST", "/api/entries", { payload }),
  resources: (page) => request("GET", "/api/resources" + pageQuery(page)),
  // {resource, events: a page of its events in causal order, next}
  resource: (id, page) => request("GET", `/api/resources/${enc(id)}` + pageQuery(page)),
  processes: (page) => request("GET", "/api/processes" + pageQuery(page)),
  agents: (page) => request("GET", "/api/agents" + pageQuery(page)),
  specifications: (page) => request("GET", "/api/specifications" + pageQuery(page)),
  trace: (id) => request("GET", `/api/trace/${enc(id)}`),
  track: (id) => request("GET", `/api/track/${enc(id)}`),
  needs: (page) => request("GET", "/api/needs" + pageQuery(page)),
  offers: (page) => request("GET", "/api/offers" + pageQuery(page)),
  commitments: (page) => request("GET", "/api/commitments" + pageQuery(page)),
  agreements: (page) => request("GET", "/api/agreements" + pageQuery(page)),
  peers: (page) => request("GET", "/api/peers" + pageQuery(page)),
  sync: () => request("GET", "/api/sync"),
};

/// The first `max` items of a listing (at most one page of MAX_PAGE): what pickers and the
/// names the page shows are drawn from, however long the listing is.
export async function firstItems(list, max = MAX_PAGE) {
  return (await list({ limit: Math.min(max, MAX_PAGE) })).items || [];
}

/// Reads a whole feed, page by page, up to `max` entries.
export async function allEntries(feed, max = 5000) {
  const out = [];
  let from = 1;
  while (from != null && out.length < max) {
    const page = await api.entries(feed, from, 500);
    out.push(...(page.entries || []));
    if (page.next == null || page.next <= from) break;
    from = page.next;
  }
  return out;
}

/// Opens the live stream and calls `handlers[eventName](data)`; reconnects on its own
/// (EventSource does) and reports its state through `onState("live" | "reconnecting")`.
export function openStream(handlers, onState) {
  const token = getToken();
  const url = "/api/stream" + (token ? `?token=${enc(token)}` : "");
  const source = new EventSource(url);
  source.onopen = () => onState("live");
  source.onerror = () => onState(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
  for (const name of ["entry", "graph", "sync"]) {
    source.addEventListener(name, (event) => {
      let data = {};
      try { data = event.data ? JSON.parse(event.data) : {}; } catch { data = {}; }
      handlers[name]?.(data);
    });
  }
  return source;
}
