/// The page `desm serve` shows at `/`: plain HTML, CSS and JavaScript served by desm itself
/// (nothing fetched from elsewhere, so it works offline). Two result columns side by side,
/// each with its scorer; every result's text with its words shaded by their IN-OUT cosine
/// with the query; a panel with each query word's IN-IN and IN-OUT neighbours. `/?q=…`
/// (with `left=`, `right=`, `k=`) runs the query on load, so a link shares a result.
enum Page {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>desm: what is this document about?</title>
<link rel="stylesheet" href="/static/desm.css">
</head>
<body>
<header>
  <h1>desm</h1>
  <p class="about">Ranking with dual word embeddings: compare a scorer with another, and see which words make a document <em>about</em> the query.</p>
  <form id="search" autocomplete="off">
    <input id="q" name="q" type="search" placeholder="a query, e.g. stem cells" aria-label="query" maxlength="1000">
    <label>left <select id="left" name="left" aria-label="left column scorer"></select></label>
    <label>right <select id="right" name="right" aria-label="right column scorer"></select></label>
    <label>k <input id="k" name="k" type="number" min="1" max="100" value="10" aria-label="results per column"></label>
    <button type="submit">Search</button>
  </form>
  <div id="legend" class="legend" hidden>
    <span class="legend-label">shade: the word's IN-OUT cosine with the query, (1/|Q|) Σ<sub>q</sub> cos(q<sub>IN</sub>, w<sub>OUT</sub>), from the median of the words shown (no shade) to the highest</span>
    <span class="legend-scale"><span id="legend-lo">low</span><span class="ramp"></span><span id="legend-hi">high</span></span>
    <span class="legend-query"><span class="w query">query word</span> outlined; words outside the model's vocabulary have no cosine (hover a word to see its value)</span>
  </div>
  <p id="status" role="status"></p>
</header>
<main>
  <section class="column" id="col-left" aria-label="left column"></section>
  <section class="column" id="col-right" aria-label="right column"></section>
</main>
<aside id="neighbours" aria-label="neighbours of the query words"></aside>
<footer>desm serve · JSON API: <code>/api/search</code>, <code>/api/document/{docno}</code>, <code>/api/neighbors</code>, <code>/health</code></footer>
<script src="/static/desm.js"></script>
</body>
</html>
"""#
}
