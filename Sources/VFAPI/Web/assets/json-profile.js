// The strict JSON profile of docs/protocol.md §5, read in the browser: a proof file and every
// payload in it are read under it, as `vf proof check` reads them. JSON.parse will not do: it
// keeps the last of two members of one name, accepts lone surrogate escapes, and turns
// numbers into doubles.
//
// vf.parseJSONProfile(bytes) → the value, or throws vf.JSONProfileError(offset, reason). Objects
// are Maps (names compared as code points, as §5 says), arrays are Arrays, strings are
// strings, numbers are vf.JSONNumber holding the text written, and true, false and null are
// themselves. Linear in the input; at most 64 levels deep, so the recursion is bounded.
"use strict";
(function (vf) {
  const MAXIMUM_DEPTH = 64;

  class JSONProfileError extends Error {
    /// `offset`: the byte where reading stopped, counted from 0.
    constructor(offset, reason) {
      super(`invalid JSON at byte ${offset}: ${reason}`);
      this.offset = offset;
      this.reason = reason;
    }
  }

  /// A number, kept as the text written (§5 rule 5): valid at any size and precision.
  class JSONNumber {
    constructor(text) { this.text = text; }
  }

  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const encoder = new TextEncoder();

  // Sticky patterns: each matches at lastIndex or not at all.
  const WHITESPACE = /[ \t\n\r]*/y;
  const PLAIN = /[^"\\\u0000-\u001f]*/y;
  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const HEX4 = /[0-9a-fA-F]{4}/y;
  // The letters that may follow a backslash, besides u.
  const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

  /// The offset of the first byte of `bytes` that breaks UTF-8 (Unicode table 3-7); only
  /// computed once the decoder has refused them, to name where.
  function firstBadUTF8(bytes) {
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i];
      if (b < 0x80) { i += 1; continue; }
      let count, low = 0x80, high = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) count = 1;
      else if (b >= 0xe0 && b <= 0xef) { count = 2; if (b === 0xe0) low = 0xa0; if (b === 0xed) high = 0x9f; }
      else if (b >= 0xf0 && b <= 0xf4) { count = 3; if (b === 0xf0) low = 0x90; if (b === 0xf4) high = 0x8f; }
      else return i;
      for (let k = 1; k <= count; k++) {
        const c = bytes[i + k];
        if (c === undefined || c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return i;
      }
      i += count + 1;
    }
    return bytes.length;
  }

  class Reader {
    constructor(text, maximumValues) {
      this.text = text;
      this.i = 0;
      // How many more values may be made: a caller that knows the most its format holds
      // refuses a file of millions of tiny values before building them.
      this.budget = maximumValues;
    }

    fail(reason, at = this.i) {
      // Offsets count bytes, as the node's parser does: the UTF-8 length of what came before.
      throw new JSONProfileError(encoder.encode(this.text.slice(0, at)).length, reason);
    }

    space() {
      WHITESPACE.lastIndex = this.i;
      WHITESPACE.exec(this.text);
      this.i = WHITESPACE.lastIndex;
    }

    value(depth) {
      if (depth > MAXIMUM_DEPTH) this.fail(`nesting deeper than ${MAXIMUM_DEPTH} levels`);
      if (--this.budget < 0) this.fail("more values than the format allows");
      const c = this.text[this.i];
      switch (c) {
        case "{": return this.object(depth);
        case "[": return this.array(depth);
        case '"': return this.string();
        case "t": return this.literal("true", true);
        case "f": return this.literal("false", false);
        case "n": return this.literal("null", null);
        case undefined: return this.fail("unexpected end of input");
        default:
          if (c === "-" || (c >= "0" && c <= "9")) return this.number();
          return this.fail(`unexpected character ${describe(c)}`);
      }
    }

    literal(word, value) {
      if (!this.text.startsWith(word, this.i)) this.fail(`unexpected character ${describe(this.text[this.i])}`);
      this.i += word.length;
      return value;
    }

    number() {
      NUMBER.lastIndex = this.i;
      const match = NUMBER.exec(this.text);
      if (!match) this.fail("a number must have a digit after the minus sign");
      const end = NUMBER.lastIndex;
      // "01", "1.", "1e": the grammar stops early and what follows is not allowed there.
      const next = this.text[end];
      if (next !== undefined && /[0-9.eE+-]/.test(next)) this.fail("malformed number", end);
      this.i = end;
      return new JSONNumber(match[0]);
    }

    /// Checks a string under the profile, then makes it once: from a slice when it has no
    /// escape, else by JSON.parse of the checked text (concatenating escape by escape would
    /// keep millions of string pieces for a file of escapes).
    string() {
      const text = this.text;
      const start = this.i;
      let i = start + 1;
      let escapes = false;
      for (;;) {
        PLAIN.lastIndex = i;
        PLAIN.exec(text);
        i = PLAIN.lastIndex;
        const c = text.charCodeAt(i);
        if (c === 0x22) {
          this.i = i + 1;
          return escapes ? JSON.parse(text.slice(start, i + 1)) : text.slice(start + 1, i);
        }
        if (Number.isNaN(c)) this.fail("unterminated string", i);
        if (c < 0x20) this.fail("unescaped control character in a string", i);
        // A backslash.
        escapes = true;
        const e = text[i + 1];
        if (ESCAPES.has(e)) { i += 2; continue; }
        if (e !== "u") this.fail(`invalid escape \\${e === undefined ? "" : e}`, i);
        const unit = this.hex4(i + 2);
        i += 6;
        if (unit >= 0xdc00 && unit <= 0xdfff) this.fail("a low surrogate escape with no high surrogate before it", i - 6);
        if (unit >= 0xd800 && unit <= 0xdbff) {
          if (text[i] !== "\\" || text[i + 1] !== "u") this.fail("a high surrogate escape not followed by a low one", i - 6);
          const low = this.hex4(i + 2);
          if (low < 0xdc00 || low > 0xdfff) this.fail("a high surrogate escape not followed by a low one", i - 6);
          i += 6;
        }
      }
    }

    hex4(at) {
      HEX4.lastIndex = at;
      if (!HEX4.test(this.text)) this.fail("\\u must be followed by four hex digits", at - 2);
      return parseInt(this.text.slice(at, at + 4), 16);
    }

    array(depth) {
      const items = [];
      this.i += 1;
      this.space();
      if (this.text[this.i] === "]") { this.i += 1; return items; }
      for (;;) {
        this.space();
        items.push(this.value(depth + 1));
        this.space();
        const c = this.text[this.i];
        this.i += 1;
        if (c === "]") return items;
        if (c !== ",") this.fail(c === undefined ? "unexpected end of input" : `expected , or ] but found ${describe(c)}`, this.i - 1);
      }
    }

    object(depth) {
      const members = new Map();
      this.i += 1;
      this.space();
      if (this.text[this.i] === "}") { this.i += 1; return members; }
      for (;;) {
        this.space();
        if (this.text[this.i] !== '"') this.fail("expected a member name");
        const at = this.i;
        const name = this.string();
        if (members.has(name)) this.fail(`duplicate member name ${JSON.stringify(name)}`, at);
        this.space();
        if (this.text[this.i] !== ":") this.fail("expected : after a member name");
        this.i += 1;
        this.space();
        members.set(name, this.value(depth + 1));
        this.space();
        const c = this.text[this.i];
        this.i += 1;
        if (c === "}") return members;
        if (c !== ",") this.fail(c === undefined ? "unexpected end of input" : `expected , or } but found ${describe(c)}`, this.i - 1);
      }
    }
  }

  function describe(c) {
    if (c === undefined) return "end of input";
    const code = c.codePointAt(0);
    return code >= 0x21 && code < 0x7f ? `'${c}'` : `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  }

  /// Reads `bytes` (a Uint8Array) as one JSON text under the profile.
  /// `maximumValues`: the most values (each object, array, string, number or literal) it may hold.
  function parseJSONProfile(bytes, maximumValues = Infinity) {
    let text;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new JSONProfileError(firstBadUTF8(bytes), "not well-formed UTF-8");
    }
    const reader = new Reader(text, maximumValues);
    // A byte order mark is not whitespace: it is refused below as an unexpected character.
    reader.space();
    const value = reader.value(1);
    reader.space();
    if (reader.i !== text.length) reader.fail(`unexpected character ${describe(text[reader.i])} after the value`);
    return value;
  }

  vf.JSONProfileError = JSONProfileError;
  vf.JSONNumber = JSONNumber;
  vf.parseJSONProfile = parseJSONProfile;
})(globalThis.vf ??= {});
