// Screen pop: asks every three quarters of a second what the phone system says about the call on this person's
// extension (the answer comes from the database, so any app server gives it) and tells the
// page. On "Log a call" the form fills itself (log-call.js); on any other page a notice
// offers to open "Log a call" with that call. Never takes the focus.
(function () {
  "use strict";
  // One indexed query a poll: twenty handlers make about 27 light requests a second.
  var INTERVAL = 750;
  var box = document.getElementById("screen-pop");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-url");
  var onLogPage = Boolean(document.getElementById("log-call-form"));
  var told = {};

  function say(text, link) {
    box.textContent = "";
    var note = document.createElement("div");
    note.className = "alert alert-primary py-2 d-flex flex-wrap gap-2 align-items-center";
    note.appendChild(document.createTextNode(text));
    if (link) {
      var open = document.createElement("a");
      open.href = link;
      open.className = "btn btn-sm btn-primary";
      open.textContent = "Open Log a call with this call";
      note.appendChild(open);
    }
    box.appendChild(note);
  }

  function from(call) {
    return call.withheld ? "a withheld number" : call.number;
  }

  function handle(call) {
    if (!call.id) {
      if (Object.keys(told).length) { box.textContent = ""; told = {}; }
      return;
    }
    var key = call.id + ":" + call.state;
    if (told[key]) { return; }
    told[key] = true;
    document.dispatchEvent(new CustomEvent("screenpop:call", { detail: call }));
    if (call.state === "ringing") {
      say("Incoming call from " + from(call) + ".");
    } else if (call.state === "answered" && onLogPage) {
      say(call.withheld ?
        "Answered: the number is withheld. Ask who is calling." :
        "Answered: call from " + call.number + " (" + call.answered_at + ").");
    } else if (call.state === "answered") {
      say("You answered a call from " + from(call) + ".", call.open);
    } else if (call.state === "ended" && !onLogPage) {
      say("The call from " + from(call) + " ended at " + call.ended_at + ".", call.open);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(handle)
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, document.hidden ? 5000 : INTERVAL); });
  }
  poll();
})();
