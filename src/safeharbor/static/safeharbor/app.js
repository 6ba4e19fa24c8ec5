// SafeHarbor page behaviour. No inline scripts: the Content-Security-Policy forbids them.
// htmx sends the CSRF token from the <body hx-headers> attribute.
(function () {
  "use strict";
  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (target && event.detail.xhr.status >= 400 && event.detail.xhr.status < 500 && event.detail.xhr.responseText) {
      target.innerHTML = event.detail.xhr.responseText;
    }
  });
})();
