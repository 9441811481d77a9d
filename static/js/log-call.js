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
    if (finderFields.length) { finderFields[0].focus(); }
  });
})();
