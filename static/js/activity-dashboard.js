/* The leader's real-time view (templates/activity/dashboard/): draws the workload,
 * achievement (IKI, IKO, RHK realisation) and predikat charts from the live part's json_script ("live-data") and draws them again
 * each time htmx swaps the live part in (it is polled; a 204 swaps nothing). No inline
 * scripts (CSP). */
(function () {
  "use strict";

  var charts = [];

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function shortLabel(value) {
    var label = String(this.getLabelForValue(value));
    var room = window.innerWidth < 576 ? 16 : 36;
    return label.length > room ? label.slice(0, room - 1) + "…" : label;
  }

  function sized(canvas, rows) {
    var box = canvas.parentElement;
    if (box && rows > 0) box.style.height = Math.max(10, rows * 1.8 + 5) + "rem";
  }

  function workload(canvas, data) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{
          label: "%",
          data: data.rows.map(function (row) { return row.workload === null ? 0 : row.workload; }),
          backgroundColor: data.rows.map(function (row) {
            var w = row.workload || 0;
            return w >= 100 ? "#0b6e4f" : w >= 75 ? "#5aa469" : w >= 50 ? "#f0ad4e" : "#c0392b";
          })
        }]
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        maxBarThickness: 24,
        scales: {x: {beginAtZero: true, suggestedMax: 100, ticks: {callback: function (v) { return v + " %"; }}},
                 y: {ticks: {callback: shortLabel, autoSkip: false}}},
        plugins: {legend: {display: false}}
      }
    });
  }

  function predikat(canvas, data) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.predikat.map(function (label, i) {
          return {label: label, backgroundColor: data.colours[i],
                  data: data.rows.map(function (row) { return row.predikat[i]; })};
        })
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        maxBarThickness: 24,
        scales: {x: {stacked: true, beginAtZero: true, ticks: {precision: 0}},
                 y: {stacked: true, ticks: {callback: shortLabel, autoSkip: false}}},
        plugins: {legend: {display: true, position: "bottom"}}
      }
    });
  }

  function achievement(canvas, data) {
    var series = [["iki", "IKI", "#1f6f8b"], ["iko", "IKO", "#5aa469"], ["rhk", data.rhk_label, "#f0ad4e"]];
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: series.map(function (s) {
          return {label: s[1], backgroundColor: s[2],
                  data: data.rows.map(function (row) { return row[s[0]]; })};
        })
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        maxBarThickness: 12,
        scales: {x: {beginAtZero: true, suggestedMax: 100},
                 y: {ticks: {callback: shortLabel, autoSkip: false}}},
        plugins: {legend: {display: true, position: "bottom"}}
      }
    });
  }

  var kinds = {workload: workload, achievement: achievement, predikat: predikat};

  function draw() {
    if (!window.Chart) return;
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    var source = document.getElementById("live-data");
    if (!source) return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-live-chart]").forEach(function (canvas) {
      sized(canvas, data.rows.length);
      var kind = kinds[canvas.dataset.liveChart];
      if (kind) charts.push(kind(canvas, data));
    });
  }

  ready(draw);
  // The live part was swapped in (outerHTML): its canvases are new.
  document.addEventListener("htmx:afterSettle", draw);
})();
