// The review queue at the pace of a queue: j and k move between entries, x ticks one, o opens
// it, a ticks every routine entry on the page, r marks the ticked ones reviewed. Ticking works
// without this file too (the checkboxes are a plain form); this only adds the keys.
(function () {
  "use strict";
  var form = document.getElementById("bulk-review");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr.queue-row"));
  var count = form.querySelector("[data-ticked-count]");
  var current = -1;

  function boxes() { return form.querySelectorAll("input[name=entry]"); }
  function tally() {
    var n = form.querySelectorAll("input[name=entry]:checked").length;
    count.textContent = n ? interpolate(ngettext("%s entry ticked", "%s entries ticked", n), [n]) : gettext("None ticked");
  }
  function move(to) {
    if (!rows.length) { return; }
    current = Math.max(0, Math.min(rows.length - 1, to));
    rows.forEach(function (row, i) { row.classList.toggle("table-active", i === current); });
    var row = rows[current];
    (row.querySelector("input[name=entry]") || row.querySelector("a")).focus();
  }
  function typing(target) {
    return target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName) ||
      (target.tagName === "INPUT" && !/^(checkbox|radio|submit|button)$/.test(target.type));
  }

  form.addEventListener("change", tally);
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var here = rows.findIndex(function (row) { return row.contains(document.activeElement); });
    if (here >= 0) { current = here; }
    var row = rows[current];
    switch (event.key) {
      case "j": move(current + 1); break;
      case "k": move(current < 0 ? 0 : current - 1); break;
      case "x": {
        var box = row && row.querySelector("input[name=entry]");
        if (!box) { return; }
        box.checked = !box.checked;
        tally();
        break;
      }
      case "o": {
        var link = row && row.querySelector("a");
        if (!link) { return; }
        link.click();
        break;
      }
      case "a": Array.prototype.forEach.call(boxes(), function (b) { b.checked = true; }); tally(); break;
      case "r": form.requestSubmit(); break;
      default: return;
    }
    event.preventDefault();
  });
  tally();
}());
