/* The console's one script (no inline script: the CSP allows only this file).
   Live regions: an element with data-poll="URL" is refreshed every data-interval ms
   (default 5000) with the HTML fragment URL answers, while the page is visible. A fragment
   answering 401/403/404 stops the polling (signed out, or no longer allowed). */
(function () {
  "use strict";
  function follow(el) {
    var url = el.getAttribute("data-poll");
    var every = parseInt(el.getAttribute("data-interval") || "5000", 10);
    var timer = null;
    function tick() {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) {
          if (r.status >= 400) { clearInterval(timer); return null; }
          return r.text();
        })
        .then(function (html) {
          if (html !== null && html !== el.innerHTML) {
            var focused = document.activeElement && el.contains(document.activeElement);
            if (!focused) { el.innerHTML = html; }
          }
        })
        .catch(function () { /* the next tick tries again */ });
    }
    timer = setInterval(tick, every);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll]").forEach(follow);
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
})();
