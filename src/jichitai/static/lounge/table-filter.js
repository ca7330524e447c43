// Lounge tables: <input data-filter="TABLE_ID"> hides the rows of that table that do not contain the text typed
// (NFKC-folded, so 全角/半角 match, and ひらがな folded to カタカナ, so a 町字's よみ is found either way).
// Our own file: CSP script-src 'self', nothing fetched.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFKC").toLowerCase().replace(/[\u3041-\u3096]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) + 0x60);
    });
  }
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var table = document.getElementById(input.dataset.filter);
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (row) { return fold(row.textContent); });
    var count = document.getElementById(input.dataset.filter + "-count");
    function apply() {
      var q = fold(input.value.trim());
      var shown = 0;
      rows.forEach(function (row, i) {
        var hit = !q || texts[i].indexOf(q) >= 0;
        row.hidden = !hit;
        if (hit) { shown += 1; }
      });
      if (count) { count.textContent = shown + " / " + rows.length + " 件"; }
    }
    input.addEventListener("input", apply);
    apply();
  });
})();
