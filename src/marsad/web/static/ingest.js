// Upload with a progress bar: the form works without this script; with it, the files go
// by XHR (upload progress events) and the server's report replaces the one on the page.
"use strict";
(function () {
  var form = document.getElementById("ingest-form");
  if (!form || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) return;
  var box = form.querySelector(".progress-box");
  var bar = form.querySelector("progress");
  var label = box.querySelector("label");
  var button = form.querySelector("button[type=submit]");

  function showReport(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("ingest-report") || doc.querySelector("main");
    var old = document.getElementById("ingest-report");
    if (fresh && old) old.replaceWith(document.importNode(fresh, true));
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    box.hidden = false;
    button.disabled = true;
    bar.value = 0;
    label.textContent = label.dataset.uploading;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value"); // indeterminate while the server analyses
      label.textContent = label.dataset.analysing;
    });
    xhr.addEventListener("loadend", function () {
      button.disabled = false;
      box.hidden = true;
      var type = xhr.getResponseHeader("content-type") || "";
      if (type.indexOf("text/html") === 0) {
        showReport(xhr.responseText);
      } else if (xhr.status) {
        var problem = {};
        try { problem = JSON.parse(xhr.responseText); } catch (err) { /* not JSON */ }
        var note = document.createElement("p");
        note.className = "panel error-panel";
        note.setAttribute("role", "alert");
        note.id = "ingest-report";
        note.textContent = problem.detail || ("HTTP " + xhr.status);
        document.getElementById("ingest-report").replaceWith(note);
      }
    });
    xhr.send(new FormData(form));
  });
})();
