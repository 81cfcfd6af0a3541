// Lipmaa links (docs/protocol.md §4): which earlier entry each entry also links to. BigInt
// throughout, since sequences go up to 2^63 − 1 and the computation needs 65 bits beyond
// (3^40 − 1)/2; callers range-check a sequence before asking.
"use strict";
(function (vf) {
  /// lipmaa(n) for a BigInt n ≥ 1; 0n means no link.
  function lipmaa(n) {
    let m = 1n, po3 = 3n, x = n;
    while (m < n) {
      po3 *= 3n;
      m = (po3 - 1n) / 2n;
    }
    po3 /= 3n;
    if (m !== n) {
      while (x !== 0n) {
        m = (po3 - 1n) / 2n;
        po3 /= 3n;
        x %= m;
      }
      if (m !== po3) po3 = m;
    }
    return n - po3;
  }

  /// Whether entry n carries a lipmaa link apart from its backlink.
  function hasDistinctLipmaaLink(n) {
    return n > 1n && lipmaa(n) !== n - 1n;
  }

  vf.lipmaa = lipmaa;
  vf.hasDistinctLipmaaLink = hasDistinctLipmaaLink;
})(globalThis.vf ??= {});
