// Notes pages: small enhancements on top of htmx. A file, not inline code, so a strict CSP allows it.
(function () {
  "use strict";

  // Validation errors (400), edit conflicts (409), refused imports (422) and outages (503) come back as
  // fragments to show.
  var SHOWN_STATUSES = [400, 409, 422, 503];
  var pendingFocus = null;
  var loadMoreFrom = null;

  function flash(message) {
    var region = document.getElementById("flash");
    var main = document.getElementById("main");
    if (!region && main) {
      region = document.createElement("div");
      region.id = "flash";
      region.className = "flash-region";
      region.setAttribute("role", "status");
      main.prepend(region);
    }
    if (!region) return;
    var p = document.createElement("p");
    p.className = "flash error";
    p.textContent = message;
    region.replaceChildren(p);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (SHOWN_STATUSES.indexOf(detail.xhr.status) !== -1) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
    // An inline delete (or a restore / delete forever in the trash) removes its row: keep keyboard focus
    // in the list rather than on <body>.
    var target = detail.target;
    var removable = target && target.classList &&
      (target.classList.contains("confirm-delete") || target.classList.contains("trash-card"));
    if (removable && detail.xhr.status === 200) {
      if (detail.requestConfig && detail.requestConfig.verb === "post") {
        var neighbour = target.nextElementSibling || target.previousElementSibling;
        pendingFocus = (neighbour && (neighbour.querySelector(".note-title a") || neighbour.querySelector("button"))) ||
          document.getElementById("notes-heading");
      } else {
        pendingFocus = { rowId: target.id, selector: ".danger-text" };
      }
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (SHOWN_STATUSES.indexOf(status) !== -1) return;
    flash(status === 404
      ? "That note (or version) no longer exists. Reload the page to see your notes."
      : "Something went wrong (" + status + "). Please reload the page and try again.");
  });

  document.addEventListener("htmx:sendError", function () {
    flash("The server could not be reached. Check your connection and try again.");
  });

  // "Load more": move focus to the first note that was added.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var list = document.getElementById("note-list");
    if (list && event.detail.elt.closest && event.detail.elt.closest("#load-more")) {
      loadMoreFrom = list.children.length;
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    var list = document.getElementById("note-list");
    if (loadMoreFrom !== null && list && list.children[loadMoreFrom]) {
      var link = list.children[loadMoreFrom].querySelector(".note-title a");
      if (link) link.focus();
    }
    loadMoreFrom = null;
    if (pendingFocus && pendingFocus.rowId) {
      var row = document.getElementById(pendingFocus.rowId);
      pendingFocus = row ? row.querySelector(pendingFocus.selector) : null;
    }
    if (pendingFocus && document.body.contains(pendingFocus)) pendingFocus.focus();
    pendingFocus = null;
  });

  // After a create or an edit the list opens at the note (#note-<id>): keyboard focus goes to it too,
  // rather than staying on <body> at the top of the page.
  function focusLinkedNote() {
    var match = /^#note-[0-9a-f]{32}$/.exec(window.location.hash);
    var row = match && document.getElementById(match[0].slice(1));
    var link = row && row.querySelector(".note-title a");
    if (link) link.focus();
  }
  // After the browser's own scroll to the fragment, which moves focus to the document when the target
  // (the row) is not focusable itself.
  if (document.readyState === "complete") {
    window.setTimeout(focusLinkedNote, 0);
  } else {
    window.addEventListener("load", function () { window.setTimeout(focusLinkedNote, 0); });
  }

  // Escape cancels an inline delete confirmation.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) return;
    var row = event.target.closest(".confirm-delete");
    var cancel = row && row.querySelector(".cancel-delete");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });
})();

// --- unsaved changes: a warning before leaving an edited form, and a draft kept in the browser ----------
(function () {
  "use strict";

  var DRAFT_PREFIX = "notes-draft:";
  var FIELDS = ["title", "content", "new_labels"];
  var FLAGS = ["important", "completed", "pinned", "archived"];
  var dirty = false;
  var submitting = false;
  var saveTimer = null;

  function form() { return document.getElementById("note-form"); }

  // Per user (a shared browser must not offer one person's draft to another) and per form.
  function draftKey(f) {
    return DRAFT_PREFIX + (document.body.dataset.user || "") + ":" + new URL(f.action, window.location.href).pathname;
  }

  // Signing out leaves no drafts behind in this browser.
  document.addEventListener("submit", function (event) {
    if (!event.target.matches || !event.target.matches("form.signout")) return;
    var store = storage();
    if (!store) return;
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(DRAFT_PREFIX) === 0) store.removeItem(key);
    }
  });

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function valuesOf(f) {
    var values = {};
    FIELDS.forEach(function (name) { values[name] = f.elements[name] ? f.elements[name].value : ""; });
    FLAGS.forEach(function (name) { values[name] = !!(f.elements[name] && f.elements[name].checked); });
    if (f.elements.version) values.version = f.elements.version.value;
    return values;
  }

  function sameText(a, b) {
    return FIELDS.every(function (n) { return (a[n] || "") === (b[n] || ""); }) &&
      FLAGS.every(function (n) { return !!a[n] === !!b[n]; });
  }

  function saveDraft() {
    var f = form();
    var store = storage();
    if (!f || !store) return;
    var values = valuesOf(f);
    values.savedAt = new Date().toISOString();
    try { store.setItem(draftKey(f), JSON.stringify(values)); } catch (e) { /* full or refused: the warning still stands */ }
  }

  document.addEventListener("input", function (event) {
    var f = form();
    if (!f || !f.contains(event.target)) return;
    dirty = true;
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(saveDraft, 400);
  });
  document.addEventListener("change", function (event) {
    var f = form();
    if (f && f.contains(event.target) && event.target.type === "checkbox") { dirty = true; saveDraft(); }
  });

  // A save (or a preview) is not "leaving with unsaved changes"; the draft stays until the note is saved.
  document.addEventListener("submit", function (event) {
    var f = form();
    if (!f || event.target !== f) return;
    window.clearTimeout(saveTimer);
    saveDraft();
    submitting = true;
    var submitter = event.submitter;
    if (!(submitter && submitter.name === "preview")) {
      try { window.sessionStorage.setItem("notes-saving", draftKey(f)); } catch (e) { /* no session storage */ }
    }
  });
  // htmx answered with the form again (a validation error, a preview, a conflict): still editing.
  document.addEventListener("htmx:afterSwap", function () {
    if (form()) { submitting = false; }
  });

  // Autosave (autosave.js) saved what is in the form: nothing unsaved, and the draft has done its job.
  document.addEventListener("notes:autosaved", function () {
    var f = form();
    var store = storage();
    dirty = false;
    window.clearTimeout(saveTimer);
    if (f && store) store.removeItem(draftKey(f));
  });

  // While autosave works, leaving saves (autosave.js); the warning is for when it can't.
  function autosaving(f) { return f.dataset.autosave === "on" && f.dataset.autosaveState !== "error"; }

  window.addEventListener("beforeunload", function (event) {
    var f = form();
    if (dirty && !submitting && f && !autosaving(f)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Cancel: leaving on purpose (asked first if something was typed); the draft goes, and no second warning.
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("#note-form .form-actions a.quiet");
    if (!cancel) return;
    if (dirty && !window.confirm("Discard the changes you made to this note?")) {
      event.preventDefault();
      return;
    }
    var store = storage();
    if (store) store.removeItem(draftKey(form()));
    dirty = false;
  });

  // A moment written the way every page writes one (notes_tags.local_time): "1 Dec 2026, 21:15 CET".
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function readerTime(date) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {day: "numeric", month: "numeric", year: "numeric", hour: "2-digit",
      minute: "2-digit", hourCycle: "h23", timeZoneName: "short"}).formatToParts(date).forEach(function (part) {
      parts[part.type] = part.value;
    });
    var zone = (parts.timeZoneName || "UTC").replace(/^GMT([+-])(\d+)(?::(\d+))?$/, function (m, sign, h, min) {
      return "UTC" + sign + ("0" + h).slice(-2) + ":" + ("0" + (min || "0")).slice(-2);  // as the server writes it
    });
    return parts.day + " " + MONTHS[Number(parts.month) - 1] + " " + parts.year + ", " + parts.hour + ":" +
      parts.minute + " " + zone;
  }

  function offerDraft() {
    var f = form();
    var store = storage();
    if (!f || !store) return;
    var key = draftKey(f);
    var saving = null;
    try { saving = window.sessionStorage.getItem("notes-saving"); } catch (e) { /* none */ }
    var raw = store.getItem(key);
    if (!raw) return;
    var draft;
    try { draft = JSON.parse(raw); } catch (e) { store.removeItem(key); return; }
    if (saving === key) {
      // The save came back as this form again (an error page without htmx): the text is on the page.
      try { window.sessionStorage.removeItem("notes-saving"); } catch (e) { /* none */ }
    }
    if (sameText(draft, valuesOf(f))) return;
    var when = new Date(draft.savedAt || Date.now());
    var notice = document.createElement("div");
    notice.className = "notice warning draft-offer";
    notice.setAttribute("role", "region");
    notice.setAttribute("aria-label", "Unsaved draft");
    var p = document.createElement("p");
    p.textContent = "You have unsaved changes to this note from " + readerTime(when) +
      " (kept in this browser). Restore them?";
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "button small primary";
    restore.textContent = "Restore my draft";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button small quiet";
    discard.textContent = "Discard it";
    var actions = document.createElement("p");
    actions.className = "form-actions";
    actions.append(restore, discard);
    notice.append(p, actions);
    f.prepend(notice);
    restore.addEventListener("click", function () {
      FIELDS.forEach(function (n) { if (f.elements[n]) f.elements[n].value = draft[n] || ""; });
      FLAGS.forEach(function (n) { if (f.elements[n]) f.elements[n].checked = !!draft[n]; });
      // Saved against the version the draft was written on: if the note moved on since, the save shows
      // the conflict screen with both versions, rather than overwriting the newer one.
      if (f.elements.version && draft.version) f.elements.version.value = draft.version;
      dirty = true;
      notice.remove();
      f.elements.content.focus();
    });
    discard.addEventListener("click", function () {
      store.removeItem(key);
      notice.remove();
      f.elements.title.focus();
    });
  }

  // A successful save lands on the list at the note: that form's draft has done its job.
  function clearSavedDraft() {
    var saving = null;
    try { saving = window.sessionStorage.getItem("notes-saving"); } catch (e) { return; }
    if (!saving || form()) return;
    if (/^#note-[0-9a-f]{32}$/.test(window.location.hash)) {
      var store = storage();
      if (store) store.removeItem(saving);
    }
    try { window.sessionStorage.removeItem("notes-saving"); } catch (e) { /* none */ }
  }

  function onReady() { clearSavedDraft(); offerDraft(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onReady);
  else onReady();
})();

// --- keyboard shortcuts: n new note, / search, e edit, Ctrl/Cmd+Enter save, Esc cancel, ? this list ----
(function () {
  "use strict";

  var SHORTCUTS = [
    ["n", "New note"],
    ["/", "Search your notes"],
    ["e", "Edit this note (on a note's page, or the note your focus is in on the list)"],
    ["Ctrl + Enter  or  ⌘ + Enter", "Save the note you are editing"],
    ["Esc", "Cancel editing (or a delete you started)"],
    ["?", "Show these shortcuts"],
  ];

  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
  }

  function helpDialog() {
    var dialog = document.getElementById("shortcuts-help");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.id = "shortcuts-help";
    dialog.className = "shortcuts";
    dialog.setAttribute("aria-labelledby", "shortcuts-heading");
    var heading = document.createElement("h2");
    heading.id = "shortcuts-heading";
    heading.textContent = "Keyboard shortcuts";
    var list = document.createElement("dl");
    SHORTCUTS.forEach(function (item) {
      var dt = document.createElement("dt");
      item[0].split("  or  ").forEach(function (combo, i) {
        if (i) dt.append(" or ");
        combo.split(" + ").forEach(function (key, j) {
          if (j) dt.append(" + ");
          var kbd = document.createElement("kbd");
          kbd.textContent = key;
          dt.append(kbd);
        });
      });
      var dd = document.createElement("dd");
      dd.textContent = item[1];
      list.append(dt, dd);
    });
    var note = document.createElement("p");
    note.className = "muted";
    note.textContent = "Letter shortcuts work when you are not typing in a field.";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "button";
    close.textContent = "Close";
    close.addEventListener("click", function () { dialog.close(); });
    dialog.append(heading, list, note, close);
    document.body.append(dialog);
    return dialog;
  }

  function go(url) { window.location.assign(url); }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented) return;
    var editor = document.getElementById("note-form");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && editor && editor.contains(event.target)) {
      event.preventDefault();
      var save = editor.querySelector(".form-actions button.primary");
      editor.requestSubmit(save || undefined);
      return;
    }
    if (event.key === "Escape" && editor && editor.contains(event.target)) {
      var cancel = editor.querySelector(".form-actions a.quiet");
      if (cancel) { event.preventDefault(); cancel.click(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (!document.body.dataset.notesUrl) return;  // signed out: there are no notes to go to
    var open = document.getElementById("shortcuts-help");
    if (open && open.open) return;
    if (event.key === "?") {
      event.preventDefault();
      helpDialog().showModal();
    } else if (event.key === "n") {
      event.preventDefault();
      go(document.body.dataset.newNoteUrl);
    } else if (event.key === "/") {
      event.preventDefault();
      var search = document.getElementById("filter-q");
      if (search) { search.focus(); search.select(); }
      else go(document.body.dataset.notesUrl + "#search");
    } else if (event.key === "e") {
      var link = document.querySelector("[data-shortcut=edit]");
      var row = document.activeElement && document.activeElement.closest && document.activeElement.closest(".note-card");
      if (row) link = row.querySelector("a[href$='/edit']");
      if (link) { event.preventDefault(); link.click(); }
    }
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-shortcuts-help]");
    if (opener) { event.preventDefault(); helpDialog().showModal(); }
  });

  function focusSearchFromHash() {
    if (window.location.hash !== "#search") return;
    var search = document.getElementById("filter-q");
    if (search) search.focus();
  }
  function revealHelpButtons() {
    document.querySelectorAll("[data-shortcuts-help][hidden]").forEach(function (b) { b.hidden = false; });
  }
  function onReady() { revealHelpButtons(); window.setTimeout(focusSearchFromHash, 0); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onReady);
  else onReady();
})();
