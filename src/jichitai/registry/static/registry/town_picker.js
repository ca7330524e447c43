/* 町字 picker (issue 22): the search box asks /registry/towns/?q= and fills the select with the towns found, in
   町字 order; one match is chosen at once. Our own script, no library. */
(function () {
  "use strict";
  function setup(box) {
    var q = box.querySelector(".town-q"), select = box.querySelector("select"), status = box.querySelector(".town-status");
    var url = box.getAttribute("data-url"), timer = null, asked = 0;
    function fill(answer, n) {
      if (n !== asked) { return; }
      var keep = select.value;
      while (select.options.length > 1) { select.remove(1); }
      answer.towns.forEach(function (t) {
        var o = document.createElement("option");
        o.value = t.code; o.textContent = t.label;
        select.appendChild(o);
      });
      if (answer.towns.length === 1) { select.value = answer.towns[0].code; }
      else if (keep && answer.towns.some(function (t) { return t.code === keep; })) { select.value = keep; }
      else { select.value = ""; }
      status.textContent = answer.total === 0 ? "該当する町字はありません" :
        (answer.total > answer.towns.length ? "該当 " + answer.total + "件（先頭 " + answer.towns.length + "件を表示。絞り込んでください）"
                                            : "該当 " + answer.total + "件");
      select.setAttribute("data-loaded", String(n));
    }
    function ask() {
      var text = q.value.trim();
      if (!text) { status.textContent = ""; return; }
      var n = ++asked;
      fetch(url + "?q=" + encodeURIComponent(text), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (answer) { fill(answer, n); })
        .catch(function () { status.textContent = "町字を検索できませんでした。もう一度入力してください。"; });
    }
    q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 200); });
    q.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); ask(); } });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".town-picker"), setup);
  });
})();
