// Copies the invitation code from the link's fragment (#CODE) into the form, then removes it from
// the address bar and history. The fragment is never sent to the server, so the code reaches no
// access log; without JavaScript the person types the code instead.
(function () {
  "use strict";
  var field = document.getElementById("id_code");
  var code = decodeURIComponent(window.location.hash.replace(/^#/, ""));
  if (field && code && !field.value) {
    field.value = code;
  }
  if (window.location.hash && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);
  }
})();
