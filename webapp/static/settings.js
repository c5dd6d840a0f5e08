// The owner's programme settings (webapp/settings.py). One save per change: a choice tapped, a
// switch flipped, a value typed and saved. A change that needs the owner's word first shows the
// question in its setting, and Yes sends it again with the flag the server named.
import { onChange, onSubmit, onTapInForm } from "./actions.js";
import { answer, api } from "./api.js";
import { labels, say } from "./page.js";

function enable(form, enabled) {
  form.querySelectorAll("button, select, input").forEach(function (e) { e.disabled = !enabled; });
}

function resetChoice(form) { // a select shows the stored value again
  const select = form.querySelector("select");
  if (select) select.value = (select.querySelector("option[selected]") || {}).value || "";
}

function saveSetting(form, value, flags) {
  const refusal = form.querySelector(".setting-refusal");
  refusal.hidden = true;
  form.querySelector(".setting-question").hidden = true;
  const body = Object.assign({ key: form.dataset.key, value: value }, flags);
  enable(form, false);
  api("setting", body).then(function (data) {
    enable(form, true);
    if (data.question) return askSetting(form, value, flags, data);
    if (data.ok) {
      document.getElementById("settings-box").innerHTML = data.html;
      return answer(data);
    }
    resetChoice(form);
    if (data.message) {
      refusal.innerHTML = data.message;
      refusal.hidden = false;
    }
    answer(data);
  }, function () {
    enable(form, true);
  });
}

function askSetting(form, value, flags, data) {
  const box = form.querySelector(".setting-question");
  box.querySelector("p").innerHTML = data.question;
  box.hidden = false;
  box.onclick = function (event) {
    const button = event.target.closest("[data-answer]");
    if (!button) return;
    box.hidden = true;
    box.onclick = null;
    if (button.dataset.answer === "yes") {
      const more = {};
      more[data.flag] = true;
      saveSetting(form, value, Object.assign({}, flags, more));
    } else {
      resetChoice(form);
      say(labels.declined || "", false);
    }
  };
  box.querySelector("[data-answer=yes]").focus();
}

onTapInForm("setting", function (button) {
  const form = button.closest("[data-form=setting]");
  const role = button.getAttribute("role");
  if ((role === "radio" && button.getAttribute("aria-checked") !== "true") || role === "switch") {
    saveSetting(form, button.dataset.value, {});
  }
});

onChange("setting", function (field) {
  if (field.name === "choice" && field.value) saveSetting(field.closest("[data-form=setting]"), field.value, {});
});

onSubmit("setting", function (form) {
  const input = form.querySelector("input");
  if (input && input.value.trim()) saveSetting(form, input.value.trim(), {});
});
