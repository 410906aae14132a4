// Notes pages: small enhancements on top of htmx. A file, not inline code, so a strict CSP allows it.
(function () {
  "use strict";

  // Validation errors (400), edit conflicts (409) and outages (503) come back as fragments to show.
  var SHOWN_STATUSES = [400, 409, 503];
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
