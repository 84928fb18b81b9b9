// Live character count for long answers (the static hint already states the limit).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-char-count]").forEach(function (field) {
      var max = parseInt(field.getAttribute("data-char-count"), 10);
      var area = field.querySelector("textarea");
      var out = field.querySelector(".char-count");
      if (!area || !out || !max) { return; }
      var tpl = out.getAttribute("data-template") || "%d";
      function update() {
        var left = max - Array.from(area.value).length;
        out.textContent = tpl.replace("%d", String(left));
        out.classList.toggle("error-message", left < 0);
      }
      area.addEventListener("input", update);
      update();
    });
  });
})();
