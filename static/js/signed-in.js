// Signed in again from a page whose session had ended (drafts.js opened this window): tell
// that page, which sends what it kept, and close. Opened any other way, the page just says so.
(function () {
  "use strict";
  var opener = window.opener;
  if (!opener || opener.closed) { return; }
  try {
    opener.postMessage({ type: "opcc:signed-in" }, window.location.origin);
  } catch (error) {
    return;  // another site's window: nothing to tell
  }
  window.setTimeout(function () { window.close(); }, 300);
})();
