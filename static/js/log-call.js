// Log a call: progressive enhancement only. Without this file the form still works: every
// section shows, "Find caller" and "Choose" post the form back, Enter finds the caller.
(function () {
  "use strict";
  var form = document.getElementById("log-call-form");
  if (!form) { return; }

  // Show only the details the chosen type of call needs.
  function showTypeDetails() {
    var checked = form.querySelector("input[name=call_type]:checked");
    var type = checked ? checked.value : "";
    form.querySelectorAll("[data-call-types]").forEach(function (section) {
      var wanted = section.getAttribute("data-call-types").split(" ");
      section.hidden = wanted.indexOf(type) === -1;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "call_type") { showTypeDetails(); }
  });
  showTypeDetails();

  // How the caller was recognised (5.7) in one key: 1 to 5 while in those answers.
  form.querySelectorAll("[data-number-keys]").forEach(function (group) {
    group.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      var radios = group.querySelectorAll("input[type=radio]");
      var n = parseInt(event.key, 10);
      if (!(n >= 1 && n <= radios.length)) { return; }
      radios[n - 1].checked = true;
      radios[n - 1].focus();
      radios[n - 1].dispatchEvent(new Event("change", { bubbles: true }));
      event.preventDefault();
    });
  });

  var panel = document.getElementById("chosen-caller");
  var finder = form.querySelector("[data-caller-finder]");
  var finderFields = ["id_phone", "id_full_name"].map(function (id) {
    return document.getElementById(id);
  }).filter(Boolean);

  // The keys are listed beside the button once they work.
  form.querySelectorAll(".keyboard-shortcuts").forEach(function (note) { note.hidden = false; });
  // Matches come as the handler types, and Enter in the finder does what the button did.
  form.querySelectorAll("button[value=search]").forEach(function (button) {
    button.tabIndex = -1;
  });

  // A number or name typed before the page finished loading was typed while htmx was not yet
  // listening: once it is (htmx announces the page with htmx:load on the body), search for it,
  // so a quick handler never waits on matches nobody asked for.
  function searchWhatWasTyped() {
    var matches = document.getElementById("matches");
    var typed = finderFields.some(function (field) { return field.value.trim() !== ""; });
    if (finder && window.htmx && typed && matches && !matches.textContent.trim()) {
      window.htmx.trigger(finder, "input");
    }
  }
  document.body.addEventListener("htmx:load", function (event) {
    if (event.detail.elt === document.body) { searchWhatWasTyped(); }
  });

  // Matching callers: arrows move a highlight through them, Enter chooses the highlighted
  // one. A whole number that belongs to one caller comes highlighted.
  function matchItems() {
    return Array.prototype.slice.call(document.querySelectorAll("#matches .caller-matches > li"));
  }
  function highlighted() {
    return document.querySelector("#matches .caller-matches > li.active");
  }
  var status = document.getElementById("match-status");
  function highlight(item) {
    matchItems().forEach(function (each) { each.classList.toggle("active", each === item); });
    if (status) {
      var name = item ? item.querySelector(".match-name") : null;
      status.textContent = name ? name.textContent + " highlighted: Enter chooses them." : "";
    }
  }
  function move(step) {
    var items = matchItems();
    if (!items.length) { return; }
    var at = items.indexOf(highlighted());
    var next = at + step;
    highlight(next < 0 || next >= items.length ? null : items[next]);
  }

  function firstCallType() {
    return form.querySelector("input[name=call_type]:checked") ||
      form.querySelector("input[name=call_type]");
  }

  function onFinderKey(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Escape") {
      highlight(null);
    } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      var item = highlighted();
      if (item) {
        var button = item.querySelector("[data-choose-caller]");
        if (window.htmx) {  // the card in place, whether or not htmx has wired the button yet
          showCard(button);
        } else {
          button.click();
        }
      } else {
        // Nobody highlighted: they are not among the matches, so carry on as a new caller.
        var first = firstCallType();
        if (first) { first.focus(); }
      }
    }
  }
  finderFields.forEach(function (field) { field.addEventListener("keydown", onFinderKey); });

  // Highlighted once htmx has settled the new matches, when their buttons work: a quick
  // Enter never meets a button htmx has not wired yet (which would post the whole form).
  // Screen pop (telephony.js): the phone system's answered call fills the number; when it
  // belongs to one caller their card shows too, and the focus stays where the handler is.
  var phoneCall = form.querySelector("input[name=phone_call]");
  var popping = phoneCall && phoneCall.value ? phoneCall.value : "";  // opened from a notice
  var keepFocus = false;

  function showCard(button) {
    window.htmx.ajax("GET", button.getAttribute("hx-get"), { source: button, target: panel });
  }

  // A popped call's number, id and times go only into the form that holds that call: a
  // form already holding another call, or a number typed by hand, takes none of them (the
  // notice then offers a fresh "Log a call" for it instead).
  document.addEventListener("screenpop:call", function (event) {
    var call = event.detail;
    if (!phoneCall) { return; }
    var phone = document.getElementById("id_phone");
    if (call.state === "answered" && !phoneCall.value && !(phone && phone.value.trim())) {
      phoneCall.value = call.id;
      call.taken = true;
      // Withheld, or a number that is not a valid one: the phone stays empty, ask who is calling.
      if (!call.valid || !phone) { return; }
      phone.value = call.number;
      popping = String(call.id);
      if (finder && window.htmx) {  // at once: no wait for more typing
        window.htmx.ajax("POST", finder.getAttribute("hx-post"), { source: finder, target: "#matches" });
      }
    }
    if (phoneCall.value !== String(call.id)) { return; }
    call.taken = true;
    if (call.ended_at) {
      var ended = document.getElementById("id_ended_time");
      if (ended && !ended.value) { ended.value = call.ended_at; }
    }
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target.id === "matches") {
      var suggested = document.querySelector("#matches .caller-matches > li[data-suggested]");
      highlight(suggested);
      if (popping && suggested && window.htmx) {
        popping = "";
        keepFocus = true;
        showCard(suggested.querySelector("[data-choose-caller]"));
      }
    }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === panel && keepFocus) {
      keepFocus = false;  // the card came by itself: the handler stays where they are
    } else if (event.detail.target === panel) {
      // A caller chosen: the card shows beside the form (read out politely) and the handler
      // stays in the form, at the type of call.
      var next = firstCallType();
      if (next) { next.focus(); }
    }
  });

  // Ctrl+Enter (Cmd+Enter on a Mac) logs the call from anywhere in the form; Enter in any
  // other one-line field does nothing rather than search for a caller.
  var save = form.querySelector("[data-save-call]");
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.defaultPrevented) { return; }
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      if (save) { form.requestSubmit(save); }
    } else if (event.target.tagName === "INPUT" && finderFields.indexOf(event.target) === -1 &&
               ["submit", "button"].indexOf(event.target.type) === -1) {
      event.preventDefault();
    }
  });

  // "Not this caller": clear the card in place rather than posting the form back.
  document.body.addEventListener("click", function (event) {
    var button = event.target.closest("[data-clear-caller]");
    if (!button || !panel.contains(button)) { return; }
    event.preventDefault();
    panel.innerHTML = "";
    askLanguage();
    keep();
    if (finderFields.length) { finderFields[0].focus(); }
  });

  // The caller's language is asked while it is not known: a chosen caller whose card gives
  // it is not asked again (and an answer given before choosing them is dropped).
  var languageQuestion = form.querySelector("[data-language-question]");
  function askLanguage() {
    if (!languageQuestion) { return; }
    var known = !!panel.querySelector("[data-language-known]");
    languageQuestion.hidden = known;
    if (known) {
      languageQuestion.querySelectorAll("input[type=radio]").forEach(function (radio) { radio.checked = false; });
      languageQuestion.querySelectorAll("input[type=text]").forEach(function (input) { input.value = ""; });
    }
  }
  askLanguage();
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === panel) { askLanguage(); }
  });

  // --- What was typed is kept until the server has it (drafts.js keeps it in the tab). ---
  var drafts = window.opccDrafts;
  function keep() { if (drafts) { drafts.save(form); } }
  // The chosen caller sits beside the form: kept when the card comes, and brought back with
  // the rest of a kept call.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === panel) { keep(); }
  });
  var restoredCaller = form.restoredValues && form.restoredValues.caller;
  if (restoredCaller && /^[0-9]+$/.test(restoredCaller) && window.htmx) {
    keepFocus = true;
    window.htmx.ajax("GET", form.getAttribute("data-card-url").replace("/0/", "/" + restoredCaller + "/"),
      { target: panel }).then(keep);
  }

  // "Log call" sends the form from here, and sends it again with the same submission token
  // (which the server logs once) until the server has it: through a restart, a timeout, the
  // network gone for a while, or a session that ended. The handler never meets an error page.
  var sending = document.getElementById("log-call-sending");
  var inFlight = false;
  var attempts = 0;
  var firstTried = 0;
  var retryTimer = null;
  var WAITS = [1, 2, 4, 8, 15];  // seconds between tries, then every 15 s for as long as it takes
  var TIMEOUT_MS = 15000;

  function say(text, kind, button) {
    sending.className = "log-call-sending alert mt-3 mb-0 alert-" + kind;
    sending.textContent = text + " ";
    if (button) { sending.appendChild(button); }
  }

  function actionButton(label, onClick) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-dark ms-1";
    button.textContent = label;
    button.addEventListener("click", onClick);
    return button;
  }

  function tryAgainSoon(why) {
    var wait = WAITS[Math.min(attempts - 1, WAITS.length - 1)];
    var longWait = Date.now() - firstTried > 120000;
    say(why + " " + interpolate(gettext("The call is not logged yet; what you typed is kept, " +
        "and it is sent again by itself in %s s."), [wait]) +
        (longWait ? " " + gettext("Keep this tab open.") : ""), "warning",
        actionButton(gettext("Send it now"), sendNow));
    retryTimer = window.setTimeout(send, wait * 1000);
  }

  function sendNow() {
    window.clearTimeout(retryTimer);
    send();
  }

  function logged(answer) {
    inFlight = false;
    window.removeEventListener("beforeunload", holdPage);
    if (drafts) { drafts.drop(form); }
    say(gettext("Call logged."), "success");
    window.location.assign(answer.logged);
  }

  // The server's own page for this form (its errors beside the fields): sent the usual way.
  function showAnswer() {
    inFlight = false;
    window.removeEventListener("beforeunload", holdPage);
    var action = document.createElement("input");
    action.type = "hidden";
    action.name = "action";
    action.value = "save";
    form.appendChild(action);
    var token = drafts && drafts.readCookie("csrftoken");
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (token && field) { field.value = token; }
    form.submit();
  }

  function sessionEnded(signInUrl) {
    inFlight = false;
    say(gettext("Your session has ended. Sign in again to log this call: what you typed " +
        "stays here, and it is sent as soon as you have signed in."), "warning",
        actionButton(gettext("Sign in again"), function () {
          drafts.signInAgain(signInUrl, function () { sendNow(); });
        }));
  }

  function send() {
    if (inFlight) { return; }
    inFlight = true;
    attempts += 1;
    if (!firstTried) { firstTried = Date.now(); }
    keep();
    var data = new FormData(form);
    data.set("action", "save");
    var token = drafts && drafts.readCookie("csrftoken");
    if (token) { data.set("csrfmiddlewaretoken", token); }  // the one in force after signing in again
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    var slow = window.setTimeout(function () { say(gettext("Logging the call…"), "info"); }, 1000);
    if (attempts > 1) { say(gettext("Sending the call again…"), "info"); }
    window.fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller.signal,
    }).then(function (response) {
      window.clearTimeout(timer);
      window.clearTimeout(slow);
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") === 0) {
        return response.json().then(logged);
      }
      if (response.status === 401) {
        return response.json().then(function (answer) { sessionEnded(answer.sign_in); });
      }
      inFlight = false;
      if ([502, 503, 504].indexOf(response.status) !== -1) {
        return tryAgainSoon(gettext("The server is busy or restarting."));
      }
      if (response.ok) { return showAnswer(); }
      say(interpolate(gettext("The call could not be logged (the server answered %s). What " +
          "you typed is kept: try again, or tell your system administrator."), [response.status]),
          "danger", actionButton(gettext("Try again"), sendNow));
    }).catch(function () {
      window.clearTimeout(timer);
      window.clearTimeout(slow);
      inFlight = false;
      tryAgainSoon(gettext("The server could not be reached."));
    });
  }

  // The network back: send at once rather than at the next try.
  window.addEventListener("online", function () {
    if (retryTimer && !inFlight && attempts) { sendNow(); }
  });

  // While a call is being sent, leaving the page asks first: the call is not logged yet.
  function holdPage(event) {
    event.preventDefault();
    event.returnValue = "";
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (!window.fetch || !window.AbortController || (submitter && submitter !== save)) {
      return;  // Find caller, Choose, Not this caller: the form goes back to the server as it is
    }
    event.preventDefault();
    if (inFlight) { return; }  // one call, sent once: a second press waits for the first
    window.addEventListener("beforeunload", holdPage);
    sendNow();
  });
})();
