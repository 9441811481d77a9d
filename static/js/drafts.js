// What a person types into a form is kept in this tab until the server has it: a failed
// submit (the server restarting, the network gone), a reload or a session that ended never
// loses it. Kept in sessionStorage, so it is gone when the tab closes and at sign-out: nothing
// personal is left on a shared computer. Without this file every form still works.
(function () {
  "use strict";
  var store;
  try {
    store = window.sessionStorage;
    store.setItem("opcc-probe", "1");
    store.removeItem("opcc-probe");
  } catch (error) {
    store = null;  // storage turned off: forms work as they always did
  }
  var PREFIX = "opcc-draft:";
  var user = document.body.getAttribute("data-user") || "";

  function readCookie(name) {
    var found = document.cookie.split(";").map(function (part) { return part.trim(); })
      .filter(function (part) { return part.indexOf(name + "=") === 0; })[0];
    if (!found) { return ""; }
    var value = decodeURIComponent(found.slice(name.length + 1));
    return value.charAt(0) === '"' ? value.slice(1, -1) : value;  // Django quotes a path
  }

  function keys() {
    var all = [];
    if (!store) { return all; }
    for (var i = 0; i < store.length; i += 1) {
      if (store.key(i).indexOf(PREFIX) === 0) { all.push(store.key(i)); }
    }
    return all;
  }

  function dropAll() { keys().forEach(function (key) { store.removeItem(key); }); }

  // Someone else signed in on this tab: what the last person typed is not theirs to see.
  if (user) {
    keys().forEach(function (key) {
      if (key.indexOf(PREFIX + user + ":") !== 0) { store.removeItem(key); }
    });
  }

  // The server said this address's form was saved (SavedFormMiddleware): its draft goes.
  var saved = readCookie("opcc_saved_form");
  if (saved) {
    keys().forEach(function (key) {
      if (JSON.parse(store.getItem(key)).path === saved) { store.removeItem(key); }
    });
    document.cookie = "opcc_saved_form=; Max-Age=0; Path=/; SameSite=Lax";
  }

  function path(form) {
    return new URL(form.getAttribute("action") || window.location.href, window.location.href).pathname;
  }

  // Forms a person types into at length: sent by POST, with text to type and no password.
  function kept(form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post" && !form.hasAttribute("data-no-draft") &&
      !form.querySelector("input[type=password]") &&
      Array.prototype.some.call(form.elements, function (field) {
        return field.tagName === "TEXTAREA" ||
          (field.tagName === "INPUT" && ["text", "email", "tel", "search"].indexOf(field.type) !== -1);
      });
  }

  var forms = Array.prototype.filter.call(document.forms, kept);

  function keyOf(form) {
    var same = forms.filter(function (other) { return path(other) === path(form); });
    return PREFIX + user + ":" + path(form) + ":" + same.indexOf(form);
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && !field.disabled && field.name !== "csrfmiddlewaretoken" &&
        ["password", "file", "submit", "button", "reset"].indexOf(field.type) === -1;
    });
  }

  function read(form) {
    return fields(form).map(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        return [field.name, field.value, field.checked];
      }
      if (field.type === "select-multiple") {
        return [field.name, Array.prototype.filter.call(field.options, function (option) {
          return option.selected;
        }).map(function (option) { return option.value; }), null];
      }
      return [field.name, field.value, null];
    });
  }

  function save(form) {
    if (!store) { return; }
    try {
      store.setItem(keyOf(form), JSON.stringify({ path: path(form), values: read(form) }));
    } catch (error) { /* storage full: the form itself still holds it */ }
  }

  function drop(form) { if (store) { store.removeItem(keyOf(form)); } }

  // Put back what was kept; what has no field here yet (a caller chosen beside the form) is
  // handed to the page's own script on form.restoredValues.
  function restore(form, values) {
    var missing = {};
    values.forEach(function (entry) {
      var name = entry[0], value = entry[1], checked = entry[2];
      var matching = fields(form).filter(function (field) { return field.name === name; });
      if (!matching.length) { missing[name] = value; return; }
      matching.forEach(function (field) {
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.value === value) { field.checked = checked; }
        } else if (field.type === "select-multiple") {
          Array.prototype.forEach.call(field.options, function (option) {
            option.selected = value.indexOf(option.value) !== -1;
          });
        } else {
          field.value = value;
        }
      });
    });
    form.restoredValues = missing;
  }

  function showRestored(form) {
    var note = document.createElement("div");
    note.className = "alert alert-info draft-restored";
    note.setAttribute("role", "status");
    note.textContent = gettext("What you typed here before is back in the form. It is not saved yet.") + " ";
    var again = document.createElement("button");
    again.type = "button";
    again.className = "btn btn-link alert-link p-0 align-baseline";
    again.textContent = gettext("Start again with an empty form");
    again.addEventListener("click", function () {
      drop(form);
      window.location.assign(window.location.pathname + window.location.search);
    });
    note.appendChild(again);
    form.parentNode.insertBefore(note, form);
  }

  forms.forEach(function (form) {
    var draft = store && store.getItem(keyOf(form));
    // A form the server sent back with its errors already holds what was typed: keep that.
    var answered = form.querySelector(".is-invalid, .invalid-feedback, .errorlist") ||
      form.getAttribute("data-draft") === "server";
    if (answered) {
      save(form);
    } else if (draft) {
      var values = JSON.parse(draft).values;
      if (JSON.stringify(values) !== JSON.stringify(read(form))) {
        restore(form, values);
        showRestored(form);
      }
    }
    // Kept once the person types: a form only looked at keeps nothing (and never comes back
    // over a record that has changed since, with the version it was opened at).
    form.addEventListener("input", function () { save(form); });
    form.addEventListener("change", function () { save(form); });
    form.addEventListener("submit", function () {
      save(form);
      // Signed in again in another window since this page came: send the token now in force.
      var token = readCookie("csrftoken");
      var field = form.querySelector("input[name=csrfmiddlewaretoken]");
      if (token && field) { field.value = token; }
    });
  });

  // Signing out forgets everything kept in this tab.
  document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
    form.addEventListener("submit", dropAll);
  });

  // htmx sends the CSRF token now in force, not the one this page came with.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = readCookie("csrftoken");
    if (token) { event.detail.headers["X-CSRFToken"] = token; }
  });

  // Sign in again beside the page (second factor included) without leaving it: a window of
  // its own, which tells this page when it is done (signed-in.js).
  function signInAgain(signInUrl, done) {
    var next = document.body.getAttribute("data-signed-in-url") || "/signed-in/";
    var url = signInUrl + (signInUrl.indexOf("?") === -1 ? "?" : "&") + "next=" + encodeURIComponent(next);
    function heard(event) {
      if (event.origin !== window.location.origin || !event.data || event.data.type !== "opcc:signed-in") {
        return;
      }
      window.removeEventListener("message", heard);
      done();
    }
    window.addEventListener("message", heard);
    return window.open(url, "opcc-sign-in", "popup,width=560,height=720");
  }

  window.opccDrafts = { save: save, drop: drop, readCookie: readCookie, signInAgain: signInAgain };
})();
