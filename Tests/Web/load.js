// Loads the web page's classic scripts into this process, as the proof page's <script> tags do
// in a browser: each adds its functions to globalThis.vf.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const ASSETS = path.join(__dirname, "..", "..", "Sources", "VFAPI", "Web", "assets");

module.exports = function load(...names) {
  for (const name of names) {
    const file = path.join(ASSETS, name);
    vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file });
  }
  return globalThis.vf;
};
