// Run by tests/test_coding_js.py with node's built-in test runner (no npm packages needed).
// Expected values are worked by hand, and checked against Python's own str indexing in test_coding_js.py.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const o = require("../../src/mindthegap/web/static/coding/offsets.js");

const TEXT = "Hi 😀 there 👩🏽‍⚕️ ok";  // 😀 is 1 code point, 2 units; 👩🏽‍⚕️ is 5 code points, 7 units

test("code points and units agree before the first emoji", () => {
  for (let i = 0; i <= 3; i++) { assert.equal(o.toCodePoints(TEXT, i), i); assert.equal(o.toUnits(TEXT, i), i); }
});

test("an emoji counts once in code points, twice in units", () => {
  assert.equal(o.toCodePoints(TEXT, 5), 4);   // after 😀
  assert.equal(o.toUnits(TEXT, 4), 5);
  assert.equal(o.length(TEXT), 19);            // 22 units − 1 (😀) − 2 (two astral code points in 👩🏽‍⚕️)
  assert.equal(TEXT.length, 22);
});

test("between the halves of a pair snaps to the start of the character", () => {
  assert.equal(o.toCodePoints(TEXT, 4), 3);
});

test("round trip at every code point", () => {
  for (let p = 0; p <= o.length(TEXT); p++) { assert.equal(o.toCodePoints(TEXT, o.toUnits(TEXT, p)), p); }
});

test("slice is Python's str slice", () => {
  assert.equal(o.slice(TEXT, 3, 4), "😀");
  assert.equal(o.slice(TEXT, 5, 10), "there");
  assert.equal(o.slice(TEXT, 11, 16), "👩🏽‍⚕️");
  assert.equal(o.slice(TEXT, 18, 19), "k");
});

test("a lone surrogate counts as one code point", () => {
  assert.equal(o.length("a\ud800b"), 3);
});

test("lineAt finds the line holding a position", () => {
  const starts = [0, 10, 25];
  assert.equal(o.lineAt(starts, 0), 0);
  assert.equal(o.lineAt(starts, 9), 0);
  assert.equal(o.lineAt(starts, 10), 1);
  assert.equal(o.lineAt(starts, 99), 2);
});

test("marksByLine marks each line a coding overlaps, not lines it only touches", () => {
  const starts = [0, 10, 25], ends = [9, 24, 40];
  const a = { id: 1, start: 2, end: 12 }, b = { id: 2, start: 30, end: 31 }, c = { id: 3, start: 9, end: 10 };
  const marks = o.marksByLine([a, b, c], starts, ends);
  assert.deepEqual(marks[0].map((x) => x.id), [1]);
  assert.deepEqual(marks[1].map((x) => x.id), [1]);
  assert.deepEqual(marks[2].map((x) => x.id), [2]);
});

test("searchCodes matches every word in path or description", () => {
  const codes = [
    { guid: "a", name: "Differentiation", path: "Coherence > Differentiation", description: "" },
    { guid: "b", name: "Initiation", path: "Cognitive participation > Initiation", description: "key people drive" },
  ];
  assert.deepEqual(o.searchCodes(codes, "coh diff").map((c) => c.guid), ["a"]);
  assert.deepEqual(o.searchCodes(codes, "PEOPLE").map((c) => c.guid), ["b"]);
  assert.equal(o.searchCodes(codes, "").length, 2);
  assert.equal(o.searchCodes(codes, "zzz").length, 0);
});

test("recentlyUsed moves a code to the front and keeps the list short", () => {
  assert.deepEqual(o.recentlyUsed(["a", "b", "c"], "c", 9), ["c", "a", "b"]);
  assert.deepEqual(o.recentlyUsed(["a", "b", "c"], "d", 3), ["d", "a", "b"]);
});
