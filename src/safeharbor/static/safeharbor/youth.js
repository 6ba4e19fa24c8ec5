// Youth pages: focus the error summary when a form comes back with errors, and keep the
// search-as-you-type results and the duplicate check announced politely (aria-live in the markup).
(function () {
  "use strict";
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id !== "duplicate-check") {
      focusErrorSummary(event.detail.target);
    }
  });
})();
