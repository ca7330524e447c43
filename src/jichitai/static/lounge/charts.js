// Data lounge charts: each <div data-spec="ID"> is drawn from the JSON data island <script id="ID">
// (CSP script-src 'self': no inline scripts, no eval — Vega runs with its expression interpreter).
(function () {
  "use strict";
  var options = {
    renderer: "canvas", actions: false, defaultStyle: false, ast: true,
    tooltip: { disableDefaultStyle: true },  // vega-tooltip would inject a <style>; ours is in lounge.css
    expr: window.vegaInterpreter.expressionInterpreter
  };
  // the areas a map draws (geoshape items), so a page can say how many there are
  function countShapes(node) {
    var n = 0;
    (node.items || []).forEach(function (item) {
      if (node.marktype === "shape") { n += 1; }
      n += countShapes(item);
    });
    return n;
  }
  function draw(el) {
    var island = document.getElementById(el.dataset.spec);
    if (!island) { return; }
    var spec = JSON.parse(island.textContent);
    var label = el.getAttribute("aria-label");  // vega-embed replaces it with "Vega visualization"
    window.vegaEmbed(el, spec, options).then(function (result) {
      if (label) { el.setAttribute("aria-label", label); }
      el.dataset.shapes = String(countShapes(result.view.scenegraph().root));
      el.vegaView = result.view;  // for the browser tests: the drawn items and their data
      el.dataset.rendered = "1";
      var button = document.querySelector('button[data-png="' + el.dataset.spec + '"]');
      if (button) {
        button.addEventListener("click", function () {
          result.view.toImageURL("png", 2).then(function (url) {
            var a = document.createElement("a");
            a.href = url;
            a.download = ((spec.title && spec.title.text) || spec.title || "chart") + ".png";
            document.body.appendChild(a);
            a.click();
            a.remove();
          });
        });
      }
    }).catch(function (err) {
      el.dataset.rendered = "error";
      el.textContent = "グラフを表示できませんでした: " + err;
    });
  }
  document.querySelectorAll("[data-spec]").forEach(draw);
})();
