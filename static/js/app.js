// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // An error summary takes focus so screen-reader and keyboard users hear the problems first.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    // Links in the summary move focus to the field, not just scroll to it.
    document.querySelectorAll(".error-summary a[href^='#']").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        var target = document.getElementById(a.getAttribute("href").slice(1));
        if (target) { ev.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
      });
    });
    // Forms marked data-once disable their submit buttons after the first submit, so a
    // double click sends one request (the server also refuses duplicates).
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      });
    });
  });
})();
