// Screen pop: asks every three quarters of a second what the phone system says about the call on this person's
// extension (the answer comes from the database, so any app server gives it) and tells the
// page. On "Log a call" the form fills itself (log-call.js) unless it already holds another
// call; otherwise a notice offers to open "Log a call" with that call, or to dismiss it (it
// also goes once the call is logged or an hour after its last event). Never takes the focus.
(function () {
  "use strict";
  // One indexed query a poll: twenty handlers make about 27 light requests a second.
  var INTERVAL = 750;
  var box = document.getElementById("screen-pop");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-url");
  var told = {};

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  // The handler closes a notice they will not log (the server shows that call no more).
  function dismissButton(call) {
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn btn-sm btn-outline-dark";
    close.textContent = gettext("Dismiss this notice");
    close.addEventListener("click", function () {
      close.disabled = true;
      fetch(call.dismiss, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() }
      }).then(function (response) {
        if (response.ok) {
          box.textContent = "";
        } else {
          close.disabled = false;
        }
      }).catch(function () { close.disabled = false; });
    });
    return close;
  }

  function say(text, link, call) {
    box.textContent = "";
    var note = document.createElement("div");
    note.className = "alert alert-primary py-2 d-flex flex-wrap gap-2 align-items-center";
    note.appendChild(document.createTextNode(text));
    if (link) {
      var open = document.createElement("a");
      open.href = link;
      open.className = "btn btn-sm btn-primary";
      open.textContent = gettext("Open Log a call with this call");
      note.appendChild(open);
    }
    if (call) { note.appendChild(dismissButton(call)); }
    box.appendChild(note);
  }

  function from(call) {
    return call.withheld ? gettext("a withheld number") : call.number;
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
    // call.taken: the log-a-call form on this page holds this call (log-call.js).
    if (call.state === "ringing") {
      say(interpolate(gettext("Incoming call from %s."), [from(call)]));
    } else if (call.state === "answered" && call.taken) {
      say(call.withheld ?
        gettext("Answered: the number is withheld. Ask who is calling.") :
        interpolate(gettext("Answered: call from %s (%s)."), [call.number, call.answered_at]));
    } else if (call.state === "answered") {
      say(interpolate(gettext("You answered a call from %s."), [from(call)]), call.open, call);
    } else if (call.state === "ended" && !call.taken) {
      say(interpolate(gettext("The call from %s ended at %s."), [from(call), call.ended_at]), call.open, call);
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
