// Guidance: tooltips of found terms (dismiss with Escape), and the print button.
// Loaded by guidance pages and by every LanguageCheckedTextarea; safe to load twice.
(function () {
  "use strict";
  if (window.shGuidanceLoaded) {
    return;
  }
  window.shGuidanceLoaded = true;

  // WCAG 1.4.13: a tooltip shown on hover or focus can be dismissed without moving the pointer.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = document.querySelectorAll(".sh-term-wrap");
    for (var i = 0; i < open.length; i++) {
      open[i].classList.add("sh-term-wrap--dismissed");
    }
  });
  function reopen(event) {
    var wrap = event.target.closest ? event.target.closest(".sh-term-wrap") : null;
    if (wrap) {
      wrap.classList.remove("sh-term-wrap--dismissed");
    }
  }
  document.addEventListener("focusin", reopen);
  document.addEventListener("mouseover", reopen);

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) {
      window.print();
    }
  });
})();
