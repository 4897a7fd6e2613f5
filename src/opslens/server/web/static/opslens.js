// opslens web UI: progressive enhancement only. Every page works without this file.
// - copy buttons (hidden until this script shows them)
// - New triage: drag and drop onto the form, and an upload progress bar
// Text is only ever set with textContent; nothing read from a page or a response becomes HTML.
"use strict";

(function () {
  function copyText(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text) && done(); });
    } else if (fallbackCopy(text)) {
      done();
    }
  }

  // Plain http on another host has no clipboard API: copy through a selected, off-screen textarea.
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "skip";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function setUpCopyButtons() {
    document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) { return; }
      button.hidden = false;
      button.addEventListener("click", function () { copyText(source.textContent, button); });
    });
  }

  function listChosen(input, list) {
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name + " (" + Math.ceil(file.size / 1024) + " KiB)";
      list.appendChild(item);
    });
  }

  function errorFrom(xhr) {
    // The server answers errors with a page; show its one-line message as text.
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var notice = doc.querySelector(".notice.error");
      if (notice) { return notice.textContent.trim(); }
    } catch (e) { /* fall through */ }
    return "The upload failed (HTTP " + xhr.status + ").";
  }

  function setUpUpload() {
    var form = document.getElementById("triage-form");
    if (!form) { return; }
    var input = document.getElementById("files");
    var drop = document.getElementById("drop");
    var list = document.getElementById("chosen");
    var progress = document.getElementById("progress");
    var bar = document.getElementById("upload-progress");
    var label = document.getElementById("progress-label");
    var failure = document.getElementById("upload-error");
    form.querySelector(".drop-hint").hidden = false;

    input.addEventListener("change", function () { listChosen(input, list); });
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        listChosen(input, list);
      }
    });

    form.addEventListener("submit", function (event) {
      if (!input.files.length) { return; }  // let the browser say the field is required
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      failure.hidden = true;
      progress.hidden = false;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value");  // indeterminate: the server is reading the files
        label.textContent = "Uploaded; starting the triage…";
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
          window.location.assign(xhr.responseURL);  // the job page, or the incident
          return;
        }
        failure.textContent = errorFrom(xhr);
        failure.hidden = false;
        progress.hidden = true;
        button.disabled = false;
      });
      xhr.addEventListener("error", function () {
        failure.textContent = "The upload failed: the server could not be reached.";
        failure.hidden = false;
        progress.hidden = true;
        button.disabled = false;
      });
      xhr.open("POST", form.action);
      xhr.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpCopyButtons();
    setUpUpload();
  });
})();
