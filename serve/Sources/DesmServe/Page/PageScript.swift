extension Page {
    static let script = #"""
"use strict";
const SCORERS = ["bm25", "in-out", "in-in", "mixture", "mixture:in-in", "out-out", "out-in"];
const $ = (id) => document.getElementById(id);
const state = { q: "", k: 10, cosines: [] };

function option(select, value) {
  for (const s of SCORERS) {
    const o = document.createElement("option");
    o.value = s; o.textContent = s; if (s === value) o.selected = true;
    select.appendChild(o);
  }
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function api(path) {
  const r = await fetch(path, { headers: { "Accept": "application/json" } });
  let body;
  try { body = await r.json(); } catch (e) { throw new Error(r.status + " " + r.statusText); }
  if (!r.ok) throw new Error(body.error || (r.status + " " + r.statusText));
  return body;
}

function status(text, error) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

/// Shades every word span of the page on one scale: from the median cosine of the words
/// shown (unshaded, and every word below it) to the highest (darkest).
function shadeAll() {
  const spans = [...document.querySelectorAll("span.w[data-cosine]")];
  if (!spans.length) { $("legend").hidden = true; return; }
  const values = spans.map((s) => Number(s.dataset.cosine)).sort((a, b) => a - b);
  const lo = values[Math.floor((values.length - 1) / 2)], hi = values[values.length - 1];
  const span = hi > lo ? hi - lo : 1;
  spans.forEach((s) => {
    const t = Math.max(0, (Number(s.dataset.cosine) - lo) / span);
    s.style.backgroundColor = t > 0 ? "rgba(var(--shade), " + (0.8 * t).toFixed(3) + ")" : "";
  });
  $("legend-lo").textContent = "median " + lo.toFixed(3);
  $("legend-hi").textContent = hi.toFixed(3);
  $("legend").hidden = false;
}

function renderText(container, doc) {
  for (const seg of doc.segments) {
    if (seg.word === undefined || seg.word === null) { container.appendChild(document.createTextNode(seg.text)); continue; }
    const s = el("span", "w" + (seg.queryWord ? " query" : ""), seg.text);
    s.dataset.word = seg.word;
    if (typeof seg.cosine === "number") {
      s.dataset.cosine = String(seg.cosine);
      s.title = seg.word + ": cos " + seg.cosine.toFixed(4);
    }
    container.appendChild(s);
  }
}

async function fillColumn(side) {
  const col = $("col-" + side), scorer = $(side).value;
  col.replaceChildren(el("h2", null, scorer));
  col.dataset.scorer = scorer;
  if (!state.q) return;
  const params = new URLSearchParams({ q: state.q, scorer: scorer, k: String(state.k) });
  if (scorer.startsWith("mixture")) { params.set("norm", "zscore"); params.set("alpha", "0.5"); }
  const result = await api("/api/search?" + params);
  const h = col.querySelector("h2");
  h.append(" ", el("span", "tag", result.tag + " · " + result.results.length + " results"));
  for (const n of result.notes) col.appendChild(el("p", "note", n));
  const list = el("ol", "results");
  col.appendChild(list);
  const docs = await Promise.all(result.results.map((hit) =>
    api("/api/document/" + encodeURIComponent(hit.docno) + "?" + new URLSearchParams({ q: state.q }))));
  result.results.forEach((hit, i) => {
    const li = el("li", "result");
    li.dataset.docno = hit.docno;
    const head = el("div", "head");
    head.append(el("span", "rank", "#" + hit.rank), el("span", "docno", hit.docno), el("span", "score", "score " + hit.score.toFixed(4)));
    const text = el("p", "text");
    renderText(text, docs[i]);
    li.append(head, text);
    list.appendChild(li);
  });
  return result;
}

async function fillNeighbours(words) {
  const aside = $("neighbours");
  aside.replaceChildren();
  const distinct = [...new Set(words)];
  if (!distinct.length) return;
  aside.appendChild(el("h2", null, "Neighbours of the query words: IN-IN (typical: words of the same kind) and IN-OUT (topical: words found around it)"));
  const grid = el("div", "nb-grid");
  aside.appendChild(grid);
  for (const w of distinct) {
    const box = el("div", "nb");
    box.dataset.word = w;
    box.appendChild(el("h3", null, w));
    const lists = el("div", "lists");
    for (const space of ["in-in", "in-out"]) {
      const part = el("div");
      part.appendChild(el("div", "space", space.toUpperCase()));
      const ol = el("ol");
      try {
        const r = await api("/api/neighbors?" + new URLSearchParams({ word: w, space: space, k: "8" }));
        for (const n of r.neighbors) ol.appendChild(el("li", null, n.word + " " + n.cosine.toFixed(3)));
      } catch (e) { ol.appendChild(el("li", "note", e.message)); }
      part.appendChild(ol);
      lists.appendChild(part);
    }
    box.appendChild(lists);
    grid.appendChild(box);
  }
}

async function run() {
  state.q = $("q").value.trim();
  state.k = Math.max(1, Math.min(100, Number($("k").value) || 10));
  const url = new URL(window.location);
  url.search = state.q ? new URLSearchParams({ q: state.q, left: $("left").value, right: $("right").value, k: String(state.k) }) : "";
  window.history.replaceState(null, "", url);
  if (!state.q) { status("Type a query."); return; }
  status("Searching…");
  document.body.dataset.state = "loading";
  try {
    const [left, right] = await Promise.all([fillColumn("left"), fillColumn("right")]);
    shadeAll();
    const words = (left.queryWords.length ? left.queryWords : right.queryWords) || [];
    await fillNeighbours(words);
    status("");
    document.body.dataset.state = "done";
  } catch (e) {
    status(e.message, true);
    document.body.dataset.state = "error";
  }
}

async function rerunColumn(side) {
  if (!state.q) return;
  document.body.dataset.state = "loading";
  try { await fillColumn(side); shadeAll(); document.body.dataset.state = "done"; }
  catch (e) { status(e.message, true); document.body.dataset.state = "error"; }
  const url = new URL(window.location);
  url.searchParams.set(side, $(side).value);
  window.history.replaceState(null, "", url);
}

window.addEventListener("DOMContentLoaded", () => {
  const p = new URLSearchParams(window.location.search);
  option($("left"), SCORERS.includes(p.get("left")) ? p.get("left") : "bm25");
  option($("right"), SCORERS.includes(p.get("right")) ? p.get("right") : "in-out");
  if (p.get("k")) $("k").value = p.get("k");
  $("q").value = p.get("q") || "";
  $("search").addEventListener("submit", (e) => { e.preventDefault(); run(); });
  $("left").addEventListener("change", () => rerunColumn("left"));
  $("right").addEventListener("change", () => rerunColumn("right"));
  if ($("q").value) run(); else document.body.dataset.state = "idle";
});
"""#
}
