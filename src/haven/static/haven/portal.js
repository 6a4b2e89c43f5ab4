// The portal works without this file. With JavaScript it adds two things:
// 1. Quick exit also on the Escape key, replacing the history entry so "back" does not return.
// 2. When the operator turned proof of work on, it solves the puzzle before a form is sent,
//    so the form need not wait (see haven/portal/abuse.py for the rule it satisfies).
(function () {
  "use strict";
  var exit = document.getElementById("quick-exit");
  if (exit) {
    var leave = function (event) {
      if (event) { event.preventDefault(); }
      window.location.replace(exit.href);
    };
    exit.addEventListener("click", leave);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { leave(event); }
    });
  }

  function leadingZeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { bits += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { bits += 1; b <<= 1; }
      return bits;
    }
    return bits;
  }

  async function solve(challenge, bits) {
    var encoder = new TextEncoder();
    for (var nonce = 0; ; nonce++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + nonce));
      if (leadingZeroBits(new Uint8Array(digest)) >= bits) { return String(nonce); }
    }
  }

  var note = document.querySelector("[data-pow-bits]");
  if (!note || !window.crypto || !crypto.subtle) { return; }
  var bits = parseInt(note.getAttribute("data-pow-bits"), 10);
  document.querySelectorAll("form[data-pow-form]").forEach(function (form) {
    var token = form.querySelector("input[name=form_token]");
    var work = form.querySelector("input[name=work]");
    if (!token || !work) { return; }
    var answer = solve(token.value, bits).then(function (nonce) { work.value = nonce; });
    form.addEventListener("submit", function (event) {
      if (work.value) { return; }
      event.preventDefault();
      answer.then(function () { form.submit(); });
    });
  });
})();
