// The timeline page: compile the embedded Vega-Lite spec and draw it as SVG.
(function () {
  "use strict";
  const spec = JSON.parse(document.getElementById("timeline-spec").textContent);
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), {
    renderer: "svg", container: "#timeline", hover: true,
  });
  view.runAsync().then(function () {
    document.body.dataset.ready = String(performance.now());
  });
})();
