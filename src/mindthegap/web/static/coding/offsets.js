/* Pure functions behind the coding workspace: positions, codebook search, margin marks, recently used codes.
 *
 * The store counts positions in Unicode code points (REFI-QDA does too); the browser's DOM and Range count
 * UTF-16 code units, which differ after any character outside the Basic Multilingual Plane (an emoji is one
 * code point but two units). Every conversion between the two goes through this file, which is tested by
 * node (tests/js/offsets.test.js, run from tests/test_coding_js.py) and in the browser test.
 * No DOM here: everything takes and returns plain values.
 */
(function (root) {
  "use strict";

  function isHigh(unit) { return unit >= 0xd800 && unit <= 0xdbff; }
  function isLow(unit) { return unit >= 0xdc00 && unit <= 0xdfff; }

  /* The code-point offset of UTF-16 offset `units` in `text`; between the halves of a pair it snaps back to
     the start of that character, so a span never covers half an emoji. */
  function toCodePoints(text, units) {
    var n = Math.max(0, Math.min(units, text.length));
    var points = 0;
    for (var i = 0; i < n; i++) {
      var c = text.charCodeAt(i);
      if (isHigh(c) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) {
        if (i + 1 === n) { return points; }  // between the halves
        i++;
      }
      points++;
    }
    return points;
  }

  /* The UTF-16 offset of code-point offset `points` in `text` (clamped to the text). */
  function toUnits(text, points) {
    var i = 0;
    for (var p = 0; p < points && i < text.length; p++) {
      var c = text.charCodeAt(i);
      i += (isHigh(c) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) ? 2 : 1;
    }
    return i;
  }

  /* Length of `text` in code points. */
  function length(text) { return toCodePoints(text, text.length); }

  /* text[start:end] in code points, as Python slices a str. */
  function slice(text, start, end) { return text.slice(toUnits(text, start), toUnits(text, end)); }

  /* Index of the last line starting at or before code point `point` (lineStarts sorted ascending). */
  function lineAt(lineStarts, point) {
    var lo = 0, hi = lineStarts.length - 1, found = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (lineStarts[mid] <= point) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  /* For margin marks: {lineIndex: [coding, ...]} for every line a coding overlaps. Lines are
     [start, end) in code points; a coding touching only a line's edge does not mark it. */
  function marksByLine(codings, lineStarts, lineEnds) {
    var out = {};
    codings.forEach(function (c) {
      for (var i = lineAt(lineStarts, c.start); i < lineStarts.length && lineStarts[i] < c.end; i++) {
        if (lineEnds[i] > c.start || lineStarts[i] === c.start) { (out[i] = out[i] || []).push(c); }
      }
    });
    return out;
  }

  /* Codes whose name, path or description contains every word of `query` (case-insensitive), in order. */
  function searchCodes(codes, query) {
    var words = String(query || "").toLocaleLowerCase("en-GB").split(/\s+/).filter(Boolean);
    if (!words.length) { return codes.slice(); }
    return codes.filter(function (code) {
      var hay = [code.path || code.name, code.description || ""].join(" ").toLocaleLowerCase("en-GB");
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    });
  }

  /* The recently used list with `guid` moved to the front, at most `max` long. */
  function recentlyUsed(recent, guid, max) {
    var out = [guid].concat(recent.filter(function (g) { return g !== guid; }));
    return out.slice(0, max || 9);
  }

  var api = { toCodePoints: toCodePoints, toUnits: toUnits, length: length, slice: slice, lineAt: lineAt,
              marksByLine: marksByLine, searchCodes: searchCodes, recentlyUsed: recentlyUsed };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; } else { root.MTGOffsets = api; }
})(this);
