// Audit log page: move focus to the error summary when the filters were refused, so screen readers
// announce it. No inline scripts (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  });
})();
