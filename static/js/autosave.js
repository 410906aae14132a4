// The editor's autosave (issue 22): a moment after typing stops, and when the page is left, the form is saved
// to /notes/<id>/autosave, conditional on the version it started from, with this editing visit's id (the
// history keeps one version per visit). A change made elsewhere stops autosave and shows the conflict
// screen; nothing is overwritten. The draft in the browser (notes.js) stays the fallback.
(function () {
  "use strict";

  var DELAY_MS = 1200;
  var form = null;
  var statusEl = null;
  var timer = null;
  var inFlight = false;
  var again = false;
  var stopped = false;
  var lastSaved = null;

  function newVisitId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID().replace(/-/g, "");
    var hex = "";
    for (var i = 0; i < 32; i++) hex += Math.floor(Math.random() * 16).toString(16);
    return hex;
  }

  // The form as htmx sends it (urlencoded; line breaks as the textarea holds them, so an autosave and the
  // Save button store the same text).
  function formBody() {
    var data = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      data.append(name, typeof value === "string" ? value.replace(/\r\n/g, "\n") : value);
    });
    return data;
  }

  function snapshot() {
    var data = formBody();
    data.delete("csrfmiddlewaretoken");
    data.delete("version");
    return data.toString();
  }

  function show(state, text, retry) {
    if (!statusEl) return;
    statusEl.hidden = false;
    statusEl.dataset.state = state;
    statusEl.classList.toggle("is-error", state === "error");
    statusEl.replaceChildren(document.createTextNode(text));
    if (retry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = "retry";
      button.addEventListener("click", function () { save(false); });
      statusEl.append(" ", button);
    }
    form.dataset.autosaveState = state;
  }

  // keepalive: the request outlives the page (leaving it); the answer is still used if the page stays.
  function save(keepalive) {
    if (stopped || !form) return;
    window.clearTimeout(timer);
    if (inFlight) { again = true; return; }
    var sent = snapshot();
    if (sent === lastSaved) return;
    inFlight = true;
    show("saving", "Saving…");
    var request = {
      method: "POST",
      body: formBody(),
      credentials: "same-origin",
      headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
    };
    if (keepalive) request.keepalive = true;
    fetch(form.dataset.autosaveUrl, request).then(function (response) {
      if (response.status === 409) {
        return response.text().then(conflict);
      }
      return response.json().then(function (answer) {
        if (response.ok) {
          form.elements.version.value = answer.version;
          lastSaved = sent;
          show("saved", "Saved");
          if (snapshot() === sent) {
            document.dispatchEvent(new CustomEvent("notes:autosaved", { detail: { form: form } }));
          }
        } else if (response.status === 400 && answer.errors) {
          var reasons = Object.keys(answer.errors).map(function (k) { return answer.errors[k]; });
          show("error", "Not saved: " + reasons.join(" "), false);
        } else {
          show("error", "Not saved: the notes store is unavailable.", true);
        }
      });
    }).catch(function () {
      show("error", "Not saved: no connection. Your text is kept in this browser.", true);
    }).then(function () {
      inFlight = false;
      if (again && !stopped) { again = false; schedule(); }
    });
  }

  function conflict(html) {
    stopped = true;
    form.dataset.autosave = "off";
    var editor = document.getElementById("editor");
    if (!editor) return;
    editor.innerHTML = html;
    if (window.htmx) window.htmx.process(editor);
    editor.closest(".editor-card") && editor.closest(".editor-card").classList.add("wide");
    var banner = editor.querySelector(".conflict-banner h2");
    if (banner) { banner.setAttribute("tabindex", "-1"); banner.focus(); }
  }

  function schedule() {
    if (stopped) return;
    form.dataset.autosaveState = "pending";  // typed, not sent yet (the status line says so once sending)
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { save(false); }, DELAY_MS);
  }

  // Leaving the page (or its tab hidden): one last save, as a request that outlives the page.
  function saveOnLeave() {
    if (stopped || !form || snapshot() === lastSaved) return;
    if (!window.fetch && navigator.sendBeacon) {
      navigator.sendBeacon(form.dataset.autosaveUrl, formBody());
      return;
    }
    save(true);
  }

  function start() {
    form = document.querySelector("form#note-form[data-autosave-url]");
    if (!form || form.dataset.autosave) return;
    form.dataset.autosave = "on";
    stopped = false;
    statusEl = document.getElementById("autosave-status");
    var visit = form.elements.visit;
    if (!visit) {
      visit = document.createElement("input");
      visit.type = "hidden";
      visit.name = "visit";
      visit.value = start.visit || (start.visit = newVisitId());
      form.append(visit);
    }
    lastSaved = snapshot();
    show("idle", "Changes are saved as you type.");
  }

  document.addEventListener("input", function (event) {
    if (form && form.contains(event.target) && !stopped) schedule();
  });
  document.addEventListener("change", function (event) {
    if (form && form.contains(event.target) && event.target.type === "checkbox" && !stopped) schedule();
  });
  // A manual save (or preview) goes the usual way; no autosave races it.
  document.addEventListener("submit", function (event) {
    if (form && event.target === form) { window.clearTimeout(timer); stopped = true; }
  });
  // htmx put the form back (a validation error or a preview): autosave goes on with it, same visit.
  document.addEventListener("htmx:afterSwap", function () {
    var fresh = document.querySelector("form#note-form[data-autosave-url]");
    if (fresh && fresh !== form) { form = null; start(); }
  });
  window.addEventListener("pagehide", saveOnLeave);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") saveOnLeave();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
