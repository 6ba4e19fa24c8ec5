// Website access pages: move focus to the error summary when a form comes back with problems.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
