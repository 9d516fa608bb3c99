/* The coding workspace page: selection → code-point span → coding, margin marks, suggestions, memos.
 * Positions are converted only through MTGOffsets (offsets.js). Data reaches the page as JSON and is written
 * with textContent, never as markup, so a code name or memo holding "<script>" stays text.
 */
(function () {
  "use strict";
  var O = window.MTGOffsets;
  var state = JSON.parse(document.getElementById("state").textContent);
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var base = window.location.pathname.replace(/coding\/source\/.*$/, "coding/");
  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
                 "#7f7f7f", "#bcbd22"];
  var TEXT = state.text;
  var paras = Array.prototype.slice.call(document.querySelectorAll("#text p.turn"));
  var starts = paras.map(function (p) { return +p.dataset.start; });
  var ends = paras.map(function (p) { return +p.dataset.end; });
  var codes = state.codes, byGuid = {};
  codes.forEach(function (c, i) { c.colour = c.colour || PALETTE[i % PALETTE.length]; byGuid[c.guid] = c; });
  var codings = state.codings, version = state.version, selection = null, active = null, shownCode = null;
  var recentKey = "mtg-recent:" + base;
  var recent = [];
  try { recent = JSON.parse(window.localStorage.getItem(recentKey) || "[]").filter(function (g) { return byGuid[g]; }); } catch (e) { recent = []; }
  var status = document.getElementById("status");
  var highlights = window.CSS && CSS.highlights ? CSS.highlights : null;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function say(text, error) { status.textContent = text; status.className = error ? "status error" : "status"; }

  function post(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (data) { return { status: r.status, data: data }; }); });
  }

  /* -- positions ---------------------------------------------------------------------------------------- */
  function paraOf(node) {
    var e = node.nodeType === 1 ? node : node.parentElement;
    return e ? e.closest("p.turn") : null;
  }
  function pointOf(node, offset, atEnd) {
    var p = paraOf(node);
    if (!p) {  // a boundary between lines: the nearest line's start (or the previous line's end)
      var probe = node.nodeType === 1 && node.childNodes[offset] ? node.childNodes[offset] : node;
      var idx = paras.findIndex(function (q) {
        return probe.compareDocumentPosition(q) & (Node.DOCUMENT_POSITION_FOLLOWING | Node.DOCUMENT_POSITION_CONTAINED_BY);
      });
      if (idx < 0) { return ends[ends.length - 1]; }
      return atEnd && idx > 0 ? ends[idx - 1] : starts[idx];
    }
    var r = document.createRange();
    r.setStart(p, 0);
    r.setEnd(node, offset);
    return +p.dataset.start + O.toCodePoints(p.textContent, r.toString().length);
  }
  function locate(point) {  // code point → {node, offset} inside the line holding it
    var i = O.lineAt(starts, point), p = paras[i];
    var units = O.toUnits(p.textContent, Math.min(point, ends[i]) - starts[i]);
    var walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT), n;
    while ((n = walker.nextNode())) {
      if (units <= n.length) { return { node: n, offset: units }; }
      units -= n.length;
    }
    return { node: p, offset: p.childNodes.length };
  }
  function rangeOf(start, end) {
    var a = locate(start), b = locate(end), r = document.createRange();
    r.setStart(a.node, a.offset);
    r.setEnd(b.node, b.offset);
    return r;
  }
  function readSelection() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
    var r = sel.getRangeAt(0);
    if (!document.getElementById("text").contains(r.commonAncestorContainer)) { return; }
    var start = pointOf(r.startContainer, r.startOffset, false), end = pointOf(r.endContainer, r.endOffset, true);
    if (end <= start) { return; }
    selection = { start: start, end: end, quote: O.slice(TEXT, start, end) };
    if (highlights) { highlights.set("mtg-selection", new Highlight(rangeOf(start, end))); }
    var shown = selection.quote.length > 80 ? selection.quote.slice(0, 77) + "…" : selection.quote;
    say("Selected “" + shown + "” (" + start + "–" + end + "). Choose a code, or press 1–9.");
  }

  /* -- codebook ----------------------------------------------------------------------------------------- */
  function codeButton(code, label) {
    var b = el("button");
    b.type = "button";
    b.dataset.code = code.guid;
    var sw = el("span", null, "swatch");
    sw.style.background = code.colour;
    b.appendChild(sw);
    b.appendChild(document.createTextNode(label));
    b.title = code.path + (code.description ? " — " + code.description : "");
    b.addEventListener("click", function () { apply(code.guid); });
    b.addEventListener("focus", function () { showCode(code.guid); });
    b.addEventListener("mouseenter", function () { showCode(code.guid); });
    return b;
  }
  function drawTree(query) {
    var tree = document.getElementById("tree");
    tree.textContent = "";
    O.searchCodes(codes, query).forEach(function (code) {
      var li = el("li");
      li.style.paddingLeft = (query ? 0 : code.depth * 0.9) + "rem";
      li.appendChild(codeButton(code, query ? code.path : code.name));
      tree.appendChild(li);
    });
  }
  function drawRecent() {
    var list = document.getElementById("recent");
    list.textContent = "";
    recent.forEach(function (guid, i) {
      var li = el("li");
      li.appendChild(codeButton(byGuid[guid], (i + 1) + " " + byGuid[guid].name));
      list.appendChild(li);
    });
    var recode = document.getElementById("coding-recode");
    recode.textContent = "";
    codes.forEach(function (c) { var o = el("option", c.path); o.value = c.guid; recode.appendChild(o); });
  }
  function showCode(guid) {
    var code = byGuid[guid];
    if (!code) { return; }
    shownCode = guid;
    document.getElementById("code-panel").hidden = false;
    document.getElementById("code-name").textContent = code.path;
    document.getElementById("code-description").textContent = code.description || "No description yet.";
    document.getElementById("code-inclusion").textContent = code.inclusion || "—";
    document.getElementById("code-exclusion").textContent = code.exclusion || "—";
  }

  /* -- codings ------------------------------------------------------------------------------------------ */
  function human() { return codings.filter(function (c) { return c.status === "accepted"; }); }
  function drawMarks() {
    document.querySelectorAll("#text .gutter").forEach(function (g) { g.textContent = ""; });
    var marks = O.marksByLine(human(), starts, ends), gutters = document.querySelectorAll("#text .gutter");
    Object.keys(marks).forEach(function (i) {
      var frag = document.createDocumentFragment();
      marks[i].forEach(function (c) {
        var code = byGuid[c.code] || { name: "(merged code)", colour: "#999" };
        var m = el("span", null, "mark" + (c.mine ? " mine" : " theirs"));
        m.style.background = code.colour;
        m.title = code.name + " · " + c.coder;
        m.dataset.coding = c.id;
        m.addEventListener("click", function () { showCoding(c.id); });
        frag.appendChild(m);
      });
      gutters[i].appendChild(frag);
    });
    drawSuggestions();
  }
  function showCoding(id) {
    var c = codings.find(function (x) { return x.id === id; });
    if (!c) { return; }
    active = c;
    var code = byGuid[c.code] || { name: "(merged code)" };
    document.getElementById("coding-panel").hidden = false;
    document.getElementById("coding-code").textContent = code.path || code.name;
    document.getElementById("coding-coder").textContent = "by " + c.coder + " · " + c.start + "–" + c.end;
    document.getElementById("coding-quote").textContent = O.slice(TEXT, c.start, c.end);
    document.getElementById("coding-own").hidden = !c.mine;
    document.getElementById("coding-recode").value = c.code;
    showCode(c.code);
    if (highlights) { highlights.set("mtg-active", new Highlight(rangeOf(c.start, c.end))); }
    drawMemos();
  }
  function handle(res, ok) {
    if (res.status === 409) {
      say(res.data.error, true);
      return reload();
    }
    if (res.status >= 400) { say(res.data.error || "That did not work; nothing was changed.", true); return; }
    version = res.data.version;
    ok(res.data);
    drawMarks();
  }
  function reload() {
    return fetch(base + "source/" + encodeURIComponent(state.source) + "/codings", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { codings = data.codings; version = data.version; drawMarks(); });
  }
  function apply(guid) {
    if (!selection) { say("Select some text first, then choose the code.", true); return; }
    var code = byGuid[guid];
    return post(base + "source/" + encodeURIComponent(state.source) + "/codings",
      { code: guid, start: selection.start, end: selection.end, quote: selection.quote, version: version })
      .then(function (res) {
        handle(res, function (data) {
          codings.push(data.coding);
          recent = O.recentlyUsed(recent, guid, 9);
          try { window.localStorage.setItem(recentKey, JSON.stringify(recent)); } catch (e) { /* private mode */ }
          drawRecent();
          say("Coded “" + code.name + "” at " + data.coding.start + "–" + data.coding.end + ".");
        });
      });
  }
  function change(body, done) {
    if (!active || !active.mine) { return; }
    body.version = version;
    return post(base + "codings/" + active.id, body).then(function (res) { handle(res, done); });
  }
  document.getElementById("coding-remove").addEventListener("click", function () {
    var id = active && active.id;
    change({ action: "remove" }, function () {
      codings = codings.filter(function (c) { return c.id !== id; });
      document.getElementById("coding-panel").hidden = true;
      if (highlights) { highlights.delete("mtg-active"); }
      say("Coding removed.");
    });
  });
  document.getElementById("coding-move").addEventListener("click", function () {
    if (!selection) { say("Select the text the coding should cover first.", true); return; }
    change({ action: "change", start: selection.start, end: selection.end, quote: selection.quote }, replaced);
  });
  document.getElementById("coding-recode").addEventListener("change", function (e) {
    change({ action: "change", code: e.target.value }, replaced);
  });
  function replaced(data) {
    codings = codings.map(function (c) { return c.id === data.coding.id ? data.coding : c; });
    say("Coding changed.");
    showCoding(data.coding.id);
  }

  /* -- suggestions -------------------------------------------------------------------------------------- */
  var focusIndex = 0;
  function pending() { return codings.filter(function (c) { return c.status === "unreviewed"; }); }
  function drawSuggestions() {
    var list = document.getElementById("suggestions"), items = pending();
    list.textContent = "";
    if (!items.length) { list.appendChild(el("li", "None waiting.")); return; }
    focusIndex = Math.min(focusIndex, items.length - 1);
    items.forEach(function (c, i) {
      var code = byGuid[c.code] || { name: "(merged code)" };
      var li = el("li", null, i === focusIndex ? "focus" : "");
      li.id = "suggestion-" + c.id;
      li.appendChild(el("span", code.name + " · confidence " + (c.confidence === null ? "—" : c.confidence.toFixed(2)) + " "));
      [["accept", "Accept"], ["reject", "Reject"]].forEach(function (d) {
        var b = el("button", d[1]);
        b.type = "button";
        b.value = d[0];
        b.addEventListener("click", function () { review(c, d[0]); });
        li.appendChild(b);
      });
      li.addEventListener("mouseenter", function () { focusIndex = i; if (highlights) { highlights.set("mtg-active", new Highlight(rangeOf(c.start, c.end))); } });
      list.appendChild(li);
    });
  }
  function review(c, decision) {
    return post(base + "suggestions/" + c.id, { decision: decision }).then(function (res) {
      if (res.status >= 400) { say(res.data.error, true); return; }
      if (decision === "accept") { c.status = "accepted"; } else { codings = codings.filter(function (x) { return x.id !== c.id; }); }
      say("Suggestion " + decision + "ed: " + ((byGuid[c.code] || {}).name || "") + ".");
      drawMarks();
    });
  }

  /* -- memos -------------------------------------------------------------------------------------------- */
  function drawMemos() {
    var list = document.getElementById("memos"), wanted = [state.source];
    if (active) { wanted.push(active.guid); }
    if (shownCode) { wanted.push(shownCode); }
    list.textContent = "";
    state.memos.filter(function (m) { return wanted.indexOf(m.target) >= 0; }).forEach(function (m) {
      list.appendChild(el("li", m.author + ": " + m.text));
    });
  }
  document.getElementById("memo-save").addEventListener("click", function () {
    var on = document.getElementById("memo-on").value, box = document.getElementById("memo-text");
    var target = on === "source" ? state.source : on === "code" ? shownCode : active && active.guid;
    if (!target) { say("Choose a " + on + " first.", true); return; }
    post(base + "memos", { on: on, target: target, text: box.value }).then(function (res) {
      if (res.status >= 400) { say(res.data.error, true); return; }
      state.memos.push(res.data.memo);
      box.value = "";
      say("Memo saved.");
      drawMemos();
    });
  });

  /* -- keyboard ----------------------------------------------------------------------------------------- */
  var search = document.getElementById("code-search");
  search.addEventListener("input", function () { drawTree(search.value); });
  search.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      e.preventDefault();
      var found = O.searchCodes(codes, search.value);
      if (found.length) { apply(found[0].guid); }
    } else if (e.key === "Escape") { search.value = ""; drawTree(""); search.blur(); }
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT") || e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (e.key === "/") { e.preventDefault(); search.focus(); return; }
    if (/^[1-9]$/.test(e.key) && recent[+e.key - 1]) { e.preventDefault(); apply(recent[+e.key - 1]); return; }
    var items = pending();
    if ((e.key === "a" || e.key === "r") && items.length) { e.preventDefault(); review(items[focusIndex], e.key === "a" ? "accept" : "reject"); return; }
    if (e.key === "j" && items.length) { focusIndex = (focusIndex + 1) % items.length; drawSuggestions(); return; }
    if ((e.key === "Delete" || e.key === "Backspace") && active && active.mine) { e.preventDefault(); document.getElementById("coding-remove").click(); }
  });
  var textBox = document.getElementById("text");
  textBox.addEventListener("mouseup", readSelection);
  textBox.addEventListener("keyup", readSelection);
  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (sel && !sel.isCollapsed && sel.rangeCount && textBox.contains(sel.getRangeAt(0).commonAncestorContainer)) { readSelection(); }
  });

  drawTree("");
  drawRecent();
  drawMarks();
  drawMemos();
  window.MTGWorkspace = { ready: true, codings: function () { return codings; }, version: function () { return version; },
                          apply: apply, selection: function () { return selection; } };
  document.body.dataset.workspaceReady = "1";
})();
