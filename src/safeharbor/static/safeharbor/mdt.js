/* MDT pages: the print button of the minutes (no inline scripts under the CSP). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-mdt-print]")) {
      event.preventDefault();
      window.print();
    }
  });
})();
