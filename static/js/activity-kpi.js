/* The KPI pages (core/activity/views_kpi.py); no inline scripts.
 *
 * - <table data-kpi-grid data-direction="higher|lower">: the twelve months as a small
 *   spreadsheet. Arrow keys and Enter move between cells; a block copied from a
 *   spreadsheet (rows by new lines, columns by tabs) is pasted from the cell it lands in,
 *   down and to the right; the achievement of a row is previewed as it is typed (the
 *   server computes the one that is kept); a changed cell is marked, and leaving the page
 *   with changes not saved asks first.
 * - <canvas data-kpi-chart data-source="id of a json_script">: achievement per month (%,
 *   left axis) with the target and realisation (right axis), from {"labels",
 *   "achievement", "target", "realisation", "names"}.
 * - <form data-confirm="question">: asks before sending (removing a KPI or a team).
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  var lang = document.documentElement.lang || "id";

  // A number as people type it: "7,5", "1.250,5", "1,250.5" (the last mark is the decimal).
  function parseNumber(text) {
    var value = String(text || "").replace(/\s+/g, "");
    if (!value) return null;
    var comma = value.lastIndexOf(","), dot = value.lastIndexOf(".");
    if (comma >= 0 && dot >= 0) {
      var decimal = comma > dot ? "," : ".";
      value = value.split(decimal === "," ? "." : ",").join("").replace(decimal, ".");
    } else {
      value = value.replace(",", ".");
    }
    if (!/^-?\d*\.?\d+$/.test(value)) return NaN;
    return parseFloat(value);
  }

  // The preview of core.activity.rules.kpi_achievement, capped at 100.
  function achievement(target, realisation, lowerIsBetter) {
    if (target === null || realisation === null || isNaN(target) || isNaN(realisation)) return null;
    if (target < 0) return null;
    var value;
    if (target === 0) {
      if (!lowerIsBetter) return null;
      value = realisation <= 0 ? 100 : 0;
    } else if (lowerIsBetter) {
      value = (2 - realisation / target) * 100;
    } else {
      value = realisation / target * 100;
    }
    return Math.min(100, Math.max(0, value));
  }

  function badge(value) {
    if (value === null) return '<span class="text-secondary">—</span>';
    var css = value >= 100 ? "text-bg-success" : value >= 75 ? "text-bg-warning" : "text-bg-danger";
    var shown = new Intl.NumberFormat(lang, {maximumFractionDigits: 2}).format(value);
    return '<span class="badge ' + css + '">' + shown + " %</span>";
  }

  function grid(table) {
    var lower = table.dataset.direction === "lower";
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var columns = ["target", "realisation"];
    var dirty = false, sending = false;

    function cell(row, column) {
      return rows[row] ? rows[row].querySelector('input[data-cell="' + column + '"]') : null;
    }

    function targetOf(tr) {
      var input = tr.querySelector('input[data-cell="target"]');
      if (input) return parseNumber(input.value);
      var shown = tr.querySelector('[data-cell-value="target"]');
      return shown ? parseNumber(shown.dataset.value) : null;
    }

    function preview(tr) {
      var realisation = tr.querySelector('input[data-cell="realisation"]');
      var out = tr.querySelector("[data-achievement]");
      if (!realisation || !out) return;
      out.innerHTML = badge(achievement(targetOf(tr), parseNumber(realisation.value), lower));
    }

    function mark(input) {
      var changed = input.value !== input.defaultValue;
      input.classList.toggle("border-warning", changed);
      if (changed) dirty = true;
    }

    function position(input) {
      var tr = input.closest("tr");
      return {row: rows.indexOf(tr), column: columns.indexOf(input.dataset.cell)};
    }

    function focus(row, column) {
      var next = cell(row, columns[column]);
      if (next) { next.focus(); next.select(); return true; }
      return false;
    }

    table.addEventListener("keydown", function (event) {
      var input = event.target;
      if (!input.matches || !input.matches("input[data-cell]")) return;
      var at = position(input);
      var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
      var atEnd = input.selectionStart === input.value.length;
      var moved = false;
      if (event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey)) moved = focus(at.row + 1, at.column);
      else if (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey)) moved = focus(at.row - 1, at.column);
      else if (event.key === "ArrowRight" && atEnd) moved = focus(at.row, at.column + 1);
      else if (event.key === "ArrowLeft" && atStart) moved = focus(at.row, at.column - 1);
      if (moved || event.key === "Enter") event.preventDefault();  // Enter moves, never sends
    });

    table.addEventListener("paste", function (event) {
      var input = event.target;
      if (!input.matches || !input.matches("input[data-cell]")) return;
      var text = (event.clipboardData || window.clipboardData).getData("text");
      if (!/[\t\n]/.test(text.replace(/\s+$/, ""))) return;  // one value: the browser pastes it
      event.preventDefault();
      var at = position(input);
      text.replace(/\r/g, "").replace(/\n+$/, "").split("\n").forEach(function (line, i) {
        line.split("\t").forEach(function (value, j) {
          var target = cell(at.row + i, columns[at.column + j]);
          if (!target) return;
          target.value = value.trim();
          mark(target);
          preview(target.closest("tr"));
        });
      });
    });

    table.addEventListener("input", function (event) {
      var input = event.target;
      if (!input.matches || !input.matches("input[data-cell]")) return;
      mark(input);
      preview(input.closest("tr"));
    });

    var form = table.closest("form");
    if (form) form.addEventListener("submit", function () { sending = true; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !sending) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  function chart(canvas) {
    if (!window.Chart || canvas.dataset.drawn) return;
    var source = document.getElementById(canvas.dataset.source);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    canvas.dataset.drawn = "1";
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          {label: data.names.achievement, data: data.achievement, yAxisID: "y", borderColor: "#0b6e4f",
           backgroundColor: "#0b6e4f", borderWidth: 3, tension: 0.2, spanGaps: false},
          {label: data.names.target, data: data.target, yAxisID: "y1", borderColor: "#6c757d",
           backgroundColor: "#6c757d", borderDash: [6, 4], pointRadius: 2, tension: 0.2},
          {label: data.names.realisation, data: data.realisation, yAxisID: "y1", borderColor: "#0d6efd",
           backgroundColor: "#0d6efd", pointRadius: 2, tension: 0.2}
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: {mode: "index", intersect: false},
        scales: {
          y: {position: "left", min: 0, suggestedMax: 100, ticks: {callback: function (v) { return v + " %"; }}},
          y1: {position: "right", beginAtZero: true, grid: {drawOnChartArea: false}}
        },
        plugins: {legend: {position: "bottom"}}
      }
    });
  }

  function confirmations(root) {
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  }

  ready(function () {
    document.querySelectorAll("table[data-kpi-grid]").forEach(grid);
    document.querySelectorAll("canvas[data-kpi-chart]").forEach(chart);
    confirmations(document);
  });
})();
