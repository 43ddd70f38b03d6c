/* The sign-up wizard (/daftar/): no inline scripts (CSP). */
(function () {
  "use strict";

  // The launch button sends once: a second click while the first is on its way does nothing
  // (the server would also answer it with the same launch).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-launch-form]")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });

  // When the launch is done, go to the new Pemda's login page (the link stays on the page).
  function followRedirect(root) {
    var target = (root || document).querySelector("[data-wizard-redirect]");
    if (target && !target.dataset.followed) {
      target.dataset.followed = "1";
      window.setTimeout(function () {
        window.location.assign(target.getAttribute("data-wizard-redirect"));
      }, 1200);
    }
  }
  document.addEventListener("htmx:afterSwap", function () { followRedirect(document); });
})();
