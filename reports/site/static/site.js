// The index's filters (group, region, faction) and the search over deputies
// and requests, in the browser: MiniSearch over window.MWATCH_SEARCH, which
// the build writes with matching/names.py's folding tables, so that a name
// typed in any script or romanization folds onto the keys the build made.
(function () {
  "use strict";

  function filters() {
    var table = document.getElementById("deputies");
    if (!table) return;
    var selects = document.querySelectorAll("select[data-filter]");
    var output = document.getElementById("shown");
    var rows = table.tBodies[0].rows;
    function apply() {
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var row = rows[i], visible = true;
        selects.forEach(function (select) {
          if (select.value && row.dataset[select.dataset.filter] !== select.value) {
            visible = false;
          }
        });
        row.hidden = !visible;
        if (visible) shown++;
      }
      output.textContent = output.dataset.template
        .replace("{shown}", shown).replace("{count}", rows.length);
    }
    selects.forEach(function (select) { select.addEventListener("change", apply); });
    apply();
  }

  function folder(tables) {
    var latin = tables.latin, cyrillic = tables.cyrillic;
    return function fold(word) {
      var text = word.normalize("NFC").toLowerCase(), out = "";
      for (var i = 0; i < text.length; i++) {
        var c = text[i];
        if (c in cyrillic) out += cyrillic[c];
        else if (c in latin) out += latin[c];
        else out += c.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
      }
      out = out.replace(/[^a-z]/g, "");
      tables.digraphs.forEach(function (pair) { out = out.split(pair[0]).join(pair[1]); });
      out = out.replace(/c(?!h)/g, "s");
      tables.y.forEach(function (pair) { out = out.split(pair[0]).join(pair[1]); });
      out = out.replace(/(.)\1+/g, "$1").split("ng").join("n");
      return out.replace(/(.)\1+/g, "$1");
    };
  }

  function search() {
    var input = document.getElementById("search");
    var data = window.MWATCH_SEARCH;
    if (!input || !data) return;
    var fold = folder(data.folding);
    var index = new MiniSearch({
      fields: ["title", "names", "keys"],
      storeFields: ["kind", "title", "url"],
    });
    index.addAll(data.documents);
    var results = document.getElementById("results");
    function show() {
      var query = input.value.trim();
      results.textContent = "";
      if (query.length < 2) return;
      var words = query.split(/\s+/);
      var folded = words.map(fold).filter(Boolean).join(" ");
      var found = index.search(query + " " + folded, {
        prefix: true, fuzzy: 0.2, combineWith: "OR",
        boost: { title: 2, names: 2, keys: 1 },
        boostDocument: function (id, term, stored) {
          return stored.kind === "deputy" ? 3 : 1;
        },
      }).slice(0, 20);
      if (!found.length) {
        var none = document.createElement("li");
        none.textContent = data.labels.none;
        results.appendChild(none);
      }
      found.forEach(function (hit) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = hit.url;
        link.textContent = hit.title;
        item.className = "result-" + hit.kind;
        item.appendChild(document.createTextNode(data.labels[hit.kind] + ": "));
        item.appendChild(link);
        results.appendChild(item);
      });
    }
    input.addEventListener("input", show);
    show();
  }

  filters();
  search();
})();
