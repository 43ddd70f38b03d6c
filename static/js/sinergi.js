/* Sinergi's own behaviour, loaded by every page (no inline scripts). */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // <select data-submit-on-change>: choosing an option sends its form (the language menu).
  function submitOnChange(root) {
    root.querySelectorAll("[data-submit-on-change]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  }

  // <select data-search-url="…">: a searchable list filled as the user types (Tom Select).
  function searchSelects(root) {
    if (!window.TomSelect) return;
    root.querySelectorAll("select[data-search-url]").forEach(function (el) {
      if (el.tomselect) return;
      var url = el.getAttribute("data-search-url");
      new TomSelect(el, {
        valueField: "value",
        labelField: "text",
        searchField: ["text"],
        maxOptions: 20,
        allowEmptyOption: false,
        placeholder: el.getAttribute("data-placeholder") || "",
        plugins: el.required ? [] : ["clear_button"],  // an optional choice can be emptied
        loadThrottle: 250,
        preload: "focus",
        load: function (query, callback) {
          fetch(url + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
            .then(function (response) { return response.json(); })
            .then(function (json) { callback(json.results); })
            .catch(function () { callback(); });
        },
        render: {
          no_results: function () {
            return '<div class="no-results">' + (el.getAttribute("data-no-results") || "—") + "</div>";
          }
        }
      });
    });
  }

  // Long names (OPD) on a narrow axis: cut, the whole name stays in the tooltip.
  function shortLabel(value) {
    var label = String(this.getLabelForValue(value));
    var room = window.innerWidth < 576 ? 18 : 40;
    return label.length > room ? label.slice(0, room - 1) + "…" : label;
  }

  // <canvas data-chart="bar|doughnut|hbar" data-source="id of a json_script">: a chart of
  // {"labels": [...], "datasets": [{"label": ..., "data": [...]}]}.
  function charts(root) {
    if (!window.Chart) return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      var source = document.getElementById(canvas.dataset.source);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var kind = canvas.dataset.chart;
      canvas.dataset.drawn = "1";
      new Chart(canvas, {
        type: kind === "hbar" ? "bar" : kind,
        data: data,
        options: {
          indexAxis: kind === "hbar" ? "y" : "x",
          scales: kind === "hbar" ? {y: {ticks: {callback: shortLabel}}} : undefined,
          responsive: true,
          maintainAspectRatio: false,
          plugins: {legend: {display: kind === "doughnut" || data.datasets.length > 1}}
        }
      });
    });
  }

  function enhance(root) {
    submitOnChange(root);
    searchSelects(root);
    charts(root);
  }

  ready(function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
