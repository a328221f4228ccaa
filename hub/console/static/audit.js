/* The audit replay's slider: shows the day the slider stands on while it moves (the form
   sends the offset in days; the server turns it into the date). No inline script: the CSP
   allows only files of the console. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var slider = document.getElementById("day");
    var shown = document.getElementById("as-of-day");
    if (!slider || !shown) { return; }
    var start = new Date(shown.getAttribute("data-start") + "T00:00:00Z");
    function update() {
      var day = new Date(start.getTime() + parseInt(slider.value, 10) * 86400000);
      var text = day.toISOString().slice(0, 10);
      shown.textContent = text;
      slider.setAttribute("aria-valuetext", text);
    }
    slider.addEventListener("input", update);
  });
})();
