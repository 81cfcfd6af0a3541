// Small DOM helpers. Elements are built with the DOM API only, never from HTML strings, so
// nothing a peer wrote can become markup, and nothing conflicts with the CSP.

/// h("a", {href: "#/x", class: "btn"}, "text", child…). `on*` attributes take functions;
/// `false`, `null` and `undefined` attributes and children are skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value == null) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === false || child == null) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/// Returns a function that says whether `data` differs from what it was last called with, so a
/// live refresh that changes nothing leaves the page (and the keyboard focus) alone.
export function changeDetector() {
  let last = null;
  return (data) => {
    const text = JSON.stringify(data);
    if (text === last) return false;
    last = text;
    return true;
  };
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}
