// The owner's API keys screen (webapp/apikeys.py). A new key's secret lives in this page only
// until it is redrawn: the server sends it once and never lists it.
import { onSubmit, onTapCarrying } from "./actions.js";
import { answer, api } from "./api.js";
import { confirm } from "./page.js";

function box() { return document.getElementById("apikeys-box"); }

function redraw(html) { box().innerHTML = html; }

function create(form) {
  const refusal = form.querySelector(".apikey-refusal");
  refusal.hidden = true;
  const scopes = Array.prototype.filter.call(form.elements.scope, function (c) { return c.checked; })
    .map(function (c) { return c.value; });
  const body = { name: form.elements.name.value, scopes: scopes };
  if (form.elements.store && form.elements.store.value) body.store = form.elements.store.value;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  api("apikey_create", body).then(function (data) {
    button.disabled = false;
    if (!data.ok) {
      refusal.innerHTML = data.message || "";
      refusal.hidden = !data.message;
      return answer(data);
    }
    redraw(data.html);
    const shown = box().querySelector(".apikey-secret");
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
  const field = document.createElement("textarea");
  field.value = secret;
  field.setAttribute("readonly", "");
  field.style.position = "fixed";
  field.style.opacity = "0";
  document.body.appendChild(field);
  field.select();
  let copied = false;
  try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
  field.remove();
  return copied;
}

function revoke(button) {
  confirm(button.dataset.question, function () {
    button.disabled = true;
    api("apikey_revoke", { name: button.dataset.apikeyRevoke }).then(function (data) {
      button.disabled = false;
      answer(data);
      if (data.ok) redraw(data.html);
    }, function () { button.disabled = false; });
  });
}

onTapCarrying("apikeyRevoke", revoke);
onSubmit("apikey", create);
