/* Charts of the performance pages (overview, calibration); no inline scripts.
 *
 * <canvas data-perf-chart="bar|stacked" data-source="id of a json_script">, the data being
 * {"labels": [...], "datasets": [{"label", "data", "backgroundColor"}]}, one dataset per
 * predikat in its colour:
 * - "bar": people per predikat (one bar each, in its colour; no legend needed);
 * - "stacked": one horizontal bar per OPD, the predikat stacked as % of its rated people;
 *   data-rows (the number of bars) makes the box tall enough to read every OPD.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Long OPD names on a narrow axis: cut, the whole name stays in the tooltip.
  function shortLabel(value) {
    var label = String(this.getLabelForValue(value));
    var room = window.innerWidth < 576 ? 18 : 40;
    return label.length > room ? label.slice(0, room - 1) + "…" : label;
  }

  function options(kind) {
    if (kind === "stacked") {
      return {
        indexAxis: "y",
        maxBarThickness: 28,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: {stacked: true, min: 0, max: 100, ticks: {callback: function (v) { return v + " %"; }}},
          y: {stacked: true, ticks: {callback: shortLabel, autoSkip: false}}
        },
        plugins: {
          legend: {display: true, position: "bottom"},
          tooltip: {callbacks: {label: function (ctx) { return ctx.dataset.label + ": " + ctx.parsed.x + " %"; }}}
        }
      };
    }
    return {
      responsive: true,
      maintainAspectRatio: false,
      scales: {y: {beginAtZero: true, ticks: {precision: 0}}},
      plugins: {legend: {display: false}}
    };
  }

  function draw(root) {
    if (!window.Chart) return;
    root.querySelectorAll("canvas[data-perf-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      var source = document.getElementById(canvas.dataset.source);
      if (!source) return;
      var kind = canvas.dataset.perfChart;
      var rows = parseInt(canvas.dataset.rows || "0", 10);
      if (kind === "stacked" && rows > 0 && canvas.parentElement) {
        // About 2rem a bar, plus the axis and the legend (CSSOM: allowed by the CSP).
        canvas.parentElement.style.height = Math.max(10, rows * 2 + 6) + "rem";
      }
      canvas.dataset.drawn = "1";
      new Chart(canvas, {type: "bar", data: JSON.parse(source.textContent), options: options(kind)});
    });
  }

  ready(function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
