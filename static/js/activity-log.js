/* The daily activity log and its approvals (templates/activity/log/): the catalogue searched
   as one types (Tom Select, the employee's own position first, in the server's order),
   favourites that fill the form in one tap, the minutes of what is typed, a file too large
   refused before it is sent, "select all" boxes, a reason asked before rejecting, and forms
   sent once. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function fill(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_m, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function normData() {
    var source = document.getElementById("norm-data");
    return source ? JSON.parse(source.textContent) : {};
  }

  // --- The form to add an activity -------------------------------------------------------

  function logForm(form) {
    var select = form.querySelector("select[data-norm-picker]");
    var quantity = form.querySelector("input[name=quantity]");
    var hint = form.querySelector("[data-minutes-hint]");
    var known = normData();  // {id: {unit, minutes}} of the options the page sent
    var picker = null;

    function chosen() {
      var value = select.value;
      if (!value) return null;
      if (known[value]) return known[value];
      var option = picker && picker.options[value];
      return option ? {unit: option.unit, minutes: option.minutes} : null;
    }

    function showMinutes() {
      if (!hint) return;
      var norm = chosen();
      if (!norm) { hint.textContent = ""; return; }
      var per = fill(hint.dataset.textPer, {minutes: norm.minutes, unit: norm.unit});
      var amount = parseFloat(String(quantity.value).replace(",", "."));
      var text = per;
      if (amount > 0) {
        var total = Math.round(amount * norm.minutes);
        text += " " + fill(hint.dataset.textTotal, {total: total});
        var left = parseInt(hint.dataset.left, 10);
        if (!isNaN(left) && total > left) {
          text += " — " + fill(hint.dataset.textOver, {left: left});
          hint.classList.add("text-danger");
        } else {
          hint.classList.remove("text-danger");
        }
      }
      hint.textContent = text;
    }

    if (select && window.TomSelect) {
      var url = select.dataset.normUrl;  // not data-search-url: sinergi.js would take it
      picker = new TomSelect(select, {
        valueField: "value",
        labelField: "text",
        searchField: ["text"],
        sortField: [{field: "$order"}],  // the server's order: the own position first
        maxOptions: 50,
        loadThrottle: 200,
        placeholder: select.dataset.placeholder || "",
        load: function (query, callback) {
          fetch(url + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
            .then(function (response) { return response.json(); })
            .then(function (json) { callback(json.results); })
            .catch(function () { callback(); });
        },
        render: {
          option: function (item, escape) {
            var norm = known[item.value] || item;
            var meta = norm.minutes ? norm.minutes + " min / " + escape(norm.unit || "") : "";
            if (item.own === false && item.position) meta += " · " + escape(item.position);
            return '<div><div>' + escape(item.text) + '</div>' +
              (meta ? '<div class="meta">' + meta + "</div>" : "") + "</div>";
          },
          no_results: function () {
            return '<div class="no-results">' + (select.dataset.noResults || "—") + "</div>";
          }
        },
        onChange: function () {
          showMinutes();
          if (select.value) quantity.focus();
        }
      });
    } else if (select) {
      select.addEventListener("change", showMinutes);
    }

    // A favourite fills the activity (and a quantity of 1 if none is typed): then Save.
    document.querySelectorAll("[data-favourite]").forEach(function (button) {
      button.addEventListener("click", function () {
        var value = button.dataset.favourite;
        known[value] = {unit: button.dataset.unit, minutes: parseInt(button.dataset.minutes, 10)};
        if (picker) {
          if (!picker.options[value]) picker.addOption({value: value, text: button.dataset.text});
          picker.setValue(value);
          picker.close();
          picker.blur();
        } else {
          if (!select.querySelector('option[value="' + value + '"]')) {
            select.add(new Option(button.dataset.text, value));
          }
          select.value = value;
        }
        if (!quantity.value) quantity.value = "1";
        showMinutes();
        quantity.focus();
        quantity.select();
      });
    });

    quantity.addEventListener("input", showMinutes);
    showMinutes();
  }

  // --- Files, boxes, reasons, sending once -----------------------------------------------------

  function fileLimits(root) {
    root.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      input.addEventListener("change", function () {
        var limit = parseInt(input.dataset.maxBytes, 10);
        var file = input.files && input.files[0];
        input.setCustomValidity(file && file.size > limit ? (input.dataset.textTooBig || "!") : "");
        input.reportValidity();
      });
    });
  }

  // [data-select-all="group"] ticks the [data-select-one] boxes of its group (all of the
  // form's without a group); [data-selected-count] says how many are ticked.
  function selectAll(form) {
    var count = form.querySelector("[data-selected-count]");

    function boxes(group) {
      return Array.prototype.filter.call(
        form.querySelectorAll("input[data-select-one]"),
        function (box) { return !group || box.dataset.group === group; }
      );
    }

    function refresh() {
      form.querySelectorAll("[data-select-all]").forEach(function (all) {
        var list = boxes(all.dataset.selectAll);
        var ticked = list.filter(function (box) { return box.checked; }).length;
        all.checked = list.length > 0 && ticked === list.length;
        all.indeterminate = ticked > 0 && ticked < list.length;
      });
      if (count) {
        var n = boxes("").filter(function (box) { return box.checked; }).length;
        count.textContent = fill(count.dataset.template || "%(count)s", {count: n});
      }
    }

    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.hasAttribute("data-select-all")) {
        boxes(target.dataset.selectAll).forEach(function (box) { box.checked = target.checked; });
      }
      if (target.hasAttribute("data-select-all") || target.hasAttribute("data-select-one")) {
        refresh();
      }
    });
    refresh();
  }

  // The approval form: rejecting needs a reason (the browser asks for it before sending).
  function reasons(form) {
    var reason = form.querySelector("textarea[name=reason]");
    if (!reason) return;
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.addEventListener("click", function () {
        reason.required = button.hasAttribute("data-needs-reason");
        if (reason.required && !reason.value.trim()) reason.focus();
      });
    });
  }

  // Sent once: a second tap while the first is on its way does nothing. Buttons are only
  // marked (a disabled button would not send its name and value).
  function submitOnce(form) {
    form.addEventListener("submit", function (event) {
      var question = form.dataset.confirm;
      if (question && !window.confirm(question)) {
        event.preventDefault();
        return;
      }
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("disabled");
      });
    });
  }

  ready(function () {
    document.querySelectorAll("form[data-log-form]").forEach(logForm);
    fileLimits(document);
    document.querySelectorAll("form[data-select-form]").forEach(selectAll);
    document.querySelectorAll("form[data-decide-form]").forEach(reasons);
    document.querySelectorAll("form[data-submit-once], form[data-confirm]").forEach(submitOnce);
  });
})();
