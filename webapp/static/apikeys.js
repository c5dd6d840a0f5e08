// The owner's API keys screen (webapp/apikeys.py), beside app.js, which lends it its calls
// (window.loyalty). A new key's secret lives in this page only until it is redrawn: the server
// sends it once and never lists it.
(function () {
  "use strict";
  var app = document.getElementById("app");

  function box() { return document.getElementById("apikeys-box"); }

  function redraw(html) { box().innerHTML = html; }

  function create(form) {
    var loyalty = window.loyalty;
    var refusal = form.querySelector(".apikey-refusal");
    refusal.hidden = true;
    var scopes = Array.prototype.filter.call(form.elements.scope, function (c) { return c.checked; })
      .map(function (c) { return c.value; });
    var body = { name: form.elements.name.value, scopes: scopes };
    if (form.elements.store && form.elements.store.value) body.store = form.elements.store.value;
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    loyalty.api("apikey_create", body).then(function (data) {
      button.disabled = false;
      if (!data.ok) {
        refusal.innerHTML = data.message || "";
        refusal.hidden = !data.message;
        return loyalty.answer(data);
      }
      redraw(data.html);
      var shown = box().querySelector(".apikey-secret");
      shown.querySelector(".apikey-created").innerHTML = data.created;
      shown.querySelector("[data-apikey-copy]").onclick = function () { copy(this, data.secret); };
      shown.hidden = false;
      shown.scrollIntoView({ block: "center" });
    }, function () { button.disabled = false; });
  }

  function copy(button, secret) {
    function done() { button.textContent = button.dataset.copied; }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(secret).then(done, function () { copyBySelection(secret) && done(); });
    } else if (copyBySelection(secret)) done();
  }

  function copyBySelection(secret) { // where the clipboard API is refused (older WebViews)
    var field = document.createElement("textarea");
    field.value = secret;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    field.remove();
    return copied;
  }

  function revoke(button) {
    var loyalty = window.loyalty;
    loyalty.confirm(button.dataset.question, function () {
      button.disabled = true;
      loyalty.api("apikey_revoke", { name: button.dataset.apikeyRevoke }).then(function (data) {
        button.disabled = false;
        loyalty.answer(data);
        if (data.ok) redraw(data.html);
      }, function () { button.disabled = false; });
    });
  }

  app.addEventListener("click", function (event) {
    var button = event.target.closest("[data-apikey-revoke]");
    if (button && !button.disabled) revoke(button);
  });

  app.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.form !== "apikey") return;
    event.preventDefault();
    create(form);
  });
})();
