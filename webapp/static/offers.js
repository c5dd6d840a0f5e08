// The owner's offers: a text and its audience, previewed (the server says to how many people it
// goes), then sent after the owner's yes.
import { onChange, onInput, onSubmit, onTap } from "./actions.js";
import { answer, api } from "./api.js";
import { confirm } from "./page.js";
import { fill } from "./shell.js";

function stale(offer) { // a changed text or audience needs a new preview before Send
  offer.querySelector(".offer-preview").hidden = true;
  offer.querySelector("[data-action=offer-send]").hidden = true;
}

function previewOffer(form) {
  const audience = form.querySelector("input[name=audience]:checked").value;
  const body = { text: form.elements.text.value, audience: audience };
  if (audience === "store") body.arg = Number(form.elements.store.value);
  if (audience === "lapsed") body.arg = form.elements.days.value.trim();
  api("offer_preview", body).then(function (data) {
    if (!data.ok) return answer(data);
    form.dataset.offer = data.offer;
    form.dataset.question = data.confirm;
    const preview = form.querySelector(".offer-preview");
    preview.innerHTML = data.html;
    preview.hidden = false;
    form.querySelector("[data-action=offer-send]").hidden = false;
  });
}

onSubmit("offer", previewOffer);

onTap("offer-send", function (button) {
  const form = button.closest("form");
  confirm(form.dataset.question, function () {
    button.disabled = true;
    api("offer_send", { offer: Number(form.dataset.offer) }).then(function (data) {
      answer(data);
      button.disabled = false;
      if (data.ok) fill("offers", "offers-box");
    });
  });
});

onChange("offer", function (field) {
  if (field.name !== "audience") return;
  const offer = field.closest("form");
  offer.querySelector(".audience-store").hidden = field.value !== "store";
  offer.querySelector(".audience-lapsed").hidden = field.value !== "lapsed";
  stale(offer);
});

onInput("offer", function (field) {
  const offer = field.closest("[data-form=offer]");
  offer.querySelector(".count").textContent = offer.elements.text.value.length;
  stale(offer);
});
