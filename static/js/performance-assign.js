/* The bulk assignment of RHK (templates/performance/skp/assign.html): a "select all"
   checkbox, the number ticked, and a form that is sent once. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var form = document.querySelector("form[data-assign-form]");
    if (!form) return;
    var all = form.querySelector("[data-select-all]");
    var count = form.querySelector("[data-selected-count]");

    function boxes() {
      return Array.prototype.filter.call(
        form.querySelectorAll("input[data-select-one]"),
        function (box) { return !box.disabled; }
      );
    }

    function refresh() {
      var list = boxes();
      var ticked = list.filter(function (box) { return box.checked; }).length;
      if (all) {
        all.checked = list.length > 0 && ticked === list.length;
        all.indeterminate = ticked > 0 && ticked < list.length;
      }
      if (count) {
        count.textContent = (count.getAttribute("data-template") || "%(count)s")
          .replace("%(count)s", String(ticked));
      }
    }

    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
        refresh();
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.hasAttribute("data-select-one")) refresh();
    });
    // Sent once: a second click while the first is on its way does nothing (the server
    // skips whoever already has the RHK anyway).
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.querySelectorAll("[data-submit-once]").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("disabled");
      });
    });
    refresh();
  });
})();
