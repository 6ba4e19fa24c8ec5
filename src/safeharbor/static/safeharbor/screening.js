// Screening pages. No inline scripts (CSP). htmx updates the recommendation panel on the checklist form.
(function () {
  "use strict";

  // Determination form: say when the chosen status differs from the recommendation (a reason is required).
  function wireDetermination() {
    var form = document.querySelector("form[data-recommended]");
    if (!form) { return; }
    var select = form.querySelector("select[name='determined_status']");
    var hint = document.getElementById("override-hint");
    if (!select || !hint) { return; }
    function update() {
      var differs = select.value !== form.getAttribute("data-recommended");
      hint.classList.toggle("sh-hidden", !differs);
      var reason = form.querySelector("textarea[name='override_reason']");
      if (reason) { reason.required = differs; }
    }
    select.addEventListener("change", update);
    update();
  }

  // After the panel is swapped, keep the announcement short: focus stays where the worker is ticking.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "recommendation") {
      event.detail.target.setAttribute("data-updated", String(Date.now()));
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wireDetermination);
  } else {
    wireDetermination();
  }
})();
