// Log a call: progressive enhancement only. Without this file the form still works: every
// section shows, "Find caller" and "Choose" post the form back.
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

  // A number or name typed before the page finished loading was typed while htmx was not yet
  // listening: once it is (htmx announces the page with htmx:load on the body), search for it,
  // so a quick handler never waits on matches nobody asked for.
  function searchWhatWasTyped() {
    var finder = form.querySelector("[data-caller-finder]");
    var matches = document.getElementById("matches");
    var typed = ["id_phone", "id_full_name"].some(function (id) {
      var field = document.getElementById(id);
      return field && field.value.trim() !== "";
    });
    if (finder && window.htmx && typed && matches && !matches.textContent.trim()) {
      window.htmx.trigger(finder, "input");
    }
  }
  document.body.addEventListener("htmx:load", function (event) {
    if (event.detail.elt === document.body) { searchWhatWasTyped(); }
  });

  // After a caller is chosen (htmx swaps the card in), take the handler to the card.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === panel) {
      var heading = panel.querySelector("h2");
      if (heading) { heading.focus(); }
    }
  });

  // "Not this caller": clear the card in place rather than posting the form back.
  document.body.addEventListener("click", function (event) {
    var button = event.target.closest("[data-clear-caller]");
    if (!button || !panel.contains(button)) { return; }
    event.preventDefault();
    panel.innerHTML = "";
    var phone = document.getElementById("id_phone");
    if (phone) { phone.focus(); }
  });
})();
