// Evidence upload enhancement: a progress bar and drag-and-drop. Without this file the form
// is a plain multipart POST with <input type=file multiple>, which works the same.
(function () {
  "use strict";
  function init(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("[data-dropzone]");
    var box = form.querySelector("[data-progress]");
    var bar = box && box.querySelector("progress");
    var text = box && box.querySelector("[data-progress-text]");
    var errBox = form.querySelector("[data-upload-error]");
    var dropped = null;
    if (!input || !window.FormData || !window.XMLHttpRequest) { return; }

    if (zone && "draggable" in document.createElement("span")) {
      var hint = zone.querySelector("[data-drop-hint]");
      if (hint) { hint.hidden = false; }
      ["dragenter", "dragover"].forEach(function (t) {
        zone.addEventListener(t, function (ev) { ev.preventDefault(); zone.classList.add("drag"); });
      });
      ["dragleave", "drop"].forEach(function (t) {
        zone.addEventListener(t, function (ev) { ev.preventDefault(); zone.classList.remove("drag"); });
      });
      zone.addEventListener("drop", function (ev) {
        if (!ev.dataTransfer || !ev.dataTransfer.files.length) { return; }
        try { input.files = ev.dataTransfer.files; dropped = null; } catch (e) { dropped = ev.dataTransfer.files; }
        if (text) { text.textContent = Array.prototype.map.call(ev.dataTransfer.files, function (f) { return f.name; }).join(", "); }
        if (box) { box.hidden = false; }
      });
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var data = new FormData();
      // Text fields first: the server then streams each file straight to storage.
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && el.type !== "file" && el.type !== "submit") { data.append(el.name, el.value); }
      });
      var files = dropped || input.files;
      Array.prototype.forEach.call(files, function (f) { data.append(input.name, f, f.name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "text/html");
      var buttons = form.querySelectorAll("button[type=submit]");
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      if (box) { box.hidden = false; }
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable || !bar) { return; }
        var pct = Math.round(e.loaded / e.total * 100);
        bar.value = pct;
        if (text) { text.textContent = pct + "%"; }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
          window.location.assign(xhr.responseURL);
          return;
        }
        // Show the server's error summary from the page it sent back.
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var summary = doc.querySelector(".error-summary") || doc.querySelector("main");
        if (errBox && summary) {
          errBox.innerHTML = "";
          errBox.appendChild(document.importNode(summary, true));
        }
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
        if (box) { box.hidden = true; }
      });
      xhr.addEventListener("error", function () {
        // The connection failed (for example the server closed it on an over-size upload):
        // fall back to a normal submit so the server's page explains what happened.
        form.submit();
      });
      xhr.send(data);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-upload]").forEach(init);
  });
})();
