// Bulk actions: help choosing notes for the bulk form (templates/notes/_bulk_bar.html), which works without this.
// "Select all on this page", shift-click to tick a range, and a count that says when the choice is over the limit.
(function () {
  "use strict";

  var lastPicked = null;

  function picks() { return Array.prototype.slice.call(document.querySelectorAll("input.bulk-pick")); }

  function update() {
    var form = document.getElementById("bulk-form");
    if (!form) return;
    var all = picks();
    var chosen = all.filter(function (box) { return box.checked; }).length;
    var max = parseInt(form.dataset.bulkMax || "100", 10);
    var count = form.querySelector("[data-bulk-count]");
    if (count) {
      count.textContent = chosen === 0 ? "Tick up to " + max + " notes below." :
        chosen + " note" + (chosen === 1 ? "" : "s") + " chosen" +
        (chosen > max ? ": at most " + max + " for one action, untick " + (chosen - max) + "." : ".");
      count.classList.toggle("over-limit", chosen > max);
    }
    var selectAll = document.getElementById("bulk-all");
    if (selectAll) {
      selectAll.checked = all.length > 0 && chosen === all.length;
      selectAll.indeterminate = chosen > 0 && chosen < all.length;
    }
  }

  function reveal() {
    document.querySelectorAll("[data-bulk-js][hidden]").forEach(function (el) { el.hidden = false; });
    update();
  }

  document.addEventListener("click", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("bulk-pick")) return;
    if (event.shiftKey && lastPicked && lastPicked !== box && document.contains(lastPicked)) {
      var all = picks();
      var from = all.indexOf(lastPicked), to = all.indexOf(box);
      if (from !== -1 && to !== -1) {
        all.slice(Math.min(from, to), Math.max(from, to) + 1).forEach(function (b) { b.checked = box.checked; });
      }
    }
    lastPicked = box;
  });

  document.addEventListener("change", function (event) {
    if (event.target.id === "bulk-all") {
      var on = event.target.checked;
      picks().forEach(function (b) { b.checked = on; });
      lastPicked = null;
    }
    update();
  });

  // The list's results and "Load more" come in by htmx: the new bar needs showing, the count recounting.
  document.addEventListener("htmx:afterSettle", reveal);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", reveal);
  else reveal();
})();
