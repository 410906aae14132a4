// Attachments on the note page and in the editor, with JavaScript: a file button, drag and drop, paste of an
// image, each file uploaded straight to S3 with progress (the API hands out a presigned POST; the file never
// passes through the function). In the editor, an image dropped on or pasted into the note's text also gets its
// Markdown reference written where the cursor is. Without JavaScript the section's "Attach a file…" form does
// the same in two steps.
(function () {
  "use strict";

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  var lastSaid = "";  // the newest message outlives the section's refresh, which swaps in a fresh, empty status

  function refresh(section) {
    var url = section.getAttribute("data-fragment-url");
    var said = lastSaid;
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#attachments", swap: "outerHTML" }).then(function () {
        var fresh = document.getElementById("attachments");
        if (fresh && said) { say(fresh, said); }
      });
    }
    else { window.location.reload(); }
  }

  function say(section, text) {
    lastSaid = text;
    var status = section.querySelector(".attach-status");
    if (status) { status.textContent = text; }
  }

  function guessType(file) {
    if (file.type) { return file.type; }
    var name = (file.name || "").toLowerCase();
    if (name.endsWith(".md")) { return "text/markdown"; }
    if (name.endsWith(".csv")) { return "text/csv"; }
    if (name.endsWith(".txt")) { return "text/plain"; }
    if (name.endsWith(".heic") || name.endsWith(".heif")) { return "image/heic"; }
    return "application/octet-stream";
  }

  // The editor's text field, when the section belongs to the editor (data-editor names it).
  function editorOf(section) {
    var id = section && section.getAttribute("data-editor");
    return id ? document.getElementById(id) : null;
  }

  // ![name](/notes/<id>/attachments/<attachment>) at the cursor, as the note page's "Show it in the note" gives
  // it (notes/templatetags/attachment_tags.py escapes the name the same way); autosave sees an input event.
  function writeReference(section, field, name, attachmentId) {
    var alt = name.replace(/\\/g, "\\\\").replace(/\[/g, "\\[").replace(/\]/g, "\\]");
    var text = "![" + alt + "](" + section.getAttribute("data-files-url") + attachmentId + ")";
    var start = field.selectionStart, end = field.selectionEnd, value = field.value;
    if (typeof start !== "number") { start = end = value.length; }
    var before = value.slice(0, start), after = value.slice(end);
    var lead = before && !/\n$/.test(before) ? "\n" : "";
    field.value = before + lead + text + "\n" + after;
    var caret = (before + lead + text + "\n").length;
    field.setSelectionRange(caret, caret);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function upload(section, file, field) {
    var progress = section.querySelector(".attach-progress");
    var maxMb = parseInt(section.getAttribute("data-max-bytes"), 10) || 10;
    if (file.size > maxMb * 1024 * 1024) {
      say(section, file.name + " is larger than " + maxMb + " MB.");
      return Promise.resolve();
    }
    say(section, "Uploading " + file.name + "…");
    return fetch(section.getAttribute("data-api-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ name: file.name || "pasted-image.png", content_type: guessType(file), size: file.size })
    }).then(function (answer) {
      return answer.json().then(function (body) {
        if (!answer.ok) { throw new Error((body.error && body.error.message) || "The upload was refused."); }
        if (field && /^image\//.test(body.attachment.content_type)) {
          writeReference(section, field, body.attachment.name, body.attachment.id);
        }
        return body.upload;
      });
    }).then(function (form) {
      return new Promise(function (resolve, reject) {
        var data = new FormData();
        Object.keys(form.fields).forEach(function (name) { data.append(name, form.fields[name]); });
        data.append("file", file);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.url);
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) { progress.hidden = false; progress.value = Math.round(100 * e.loaded / e.total); }
        });
        xhr.addEventListener("load", function () {
          progress.value = 100;
          progress.hidden = true;
          if (xhr.status >= 200 && xhr.status < 300) { resolve(); }
          else { reject(new Error("Storage refused the file (HTTP " + xhr.status + ").")); }
        });
        xhr.addEventListener("error", function () { progress.hidden = true; reject(new Error("The upload failed.")); });
        progress.value = 0;  // shown from the start: the browser's progress events follow while it sends
        progress.hidden = false;
        xhr.send(data);
      });
    }).then(function () {
      say(section, file.name + " arrived; it is being checked.");
    }, function (error) {
      say(section, error.message);
    });
  }

  function uploadAll(section, files, field) {
    var chain = Promise.resolve();
    Array.prototype.forEach.call(files, function (file) {
      chain = chain.then(function () { return upload(section, file, field); });
    });
    return chain.then(function () { refresh(section); });
  }

  function enhance(section) {
    if (!section || section.getAttribute("data-enhanced")) { return; }
    section.setAttribute("data-enhanced", "1");
    var drop = section.querySelector(".attach-drop");
    var input = section.querySelector("input[type=file]");
    var plain = section.querySelector(".attach-form");
    if (!drop || !input) { return; }
    drop.hidden = false;
    if (plain) { plain.hidden = true; }
    input.addEventListener("change", function () { uploadAll(section, input.files); });
    section.addEventListener("dragover", function (e) { e.preventDefault(); section.classList.add("is-dragging"); });
    section.addEventListener("dragleave", function () { section.classList.remove("is-dragging"); });
    section.addEventListener("drop", function (e) {
      e.preventDefault();
      section.classList.remove("is-dragging");
      if (e.dataTransfer && e.dataTransfer.files.length) { uploadAll(section, e.dataTransfer.files); }
    });
  }

  // Files dropped on the editor's text: uploaded, and each image's reference written where it was dropped.
  function hasFiles(e) {
    return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") >= 0;
  }
  document.addEventListener("dragover", function (e) {
    var section = document.getElementById("attachments"), field = editorOf(section);
    if (field && e.target === field && hasFiles(e)) { e.preventDefault(); }
  });
  document.addEventListener("drop", function (e) {
    var section = document.getElementById("attachments"), field = editorOf(section);
    if (!field || e.target !== field || !hasFiles(e) || !e.dataTransfer.files.length) { return; }
    e.preventDefault();
    field.focus();
    uploadAll(section, e.dataTransfer.files, field);
  });

  // A pasted image (a screenshot, a copied picture): uploaded; pasted into the editor's text, its reference is
  // written at the cursor. Text pastes are left to the browser.
  document.addEventListener("paste", function (e) {
    var section = document.getElementById("attachments");
    if (!section || !e.clipboardData) { return; }
    var images = Array.prototype.filter.call(e.clipboardData.files || [], function (f) { return /^image\//.test(f.type); });
    if (!images.length) { return; }
    var field = editorOf(section);
    e.preventDefault();
    uploadAll(section, images, field && e.target === field ? field : null);
  });

  document.addEventListener("DOMContentLoaded", function () { enhance(document.getElementById("attachments")); });
  document.addEventListener("htmx:afterSwap", function () { enhance(document.getElementById("attachments")); });
})();
