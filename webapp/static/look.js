// The owner's look: logo, colour, symbol (webapp/brand_screen.py). Each answer redraws the
// section and the header (its new logo), and sets the café's colours and symbol.
import { onChange, onSubmit, onTap } from "./actions.js";
import { answer, api } from "./api.js";
import { applyBrand } from "./brand.js";
import { app, say } from "./page.js";

function look(name, body) {
  return api(name, body).then(function (data) {
    answer(data);
    if (!data.ok) return;
    applyBrand(data.brand);
    document.getElementById("look-box").innerHTML = data.html;
    const head = app.querySelector(".brand-head");
    if (head && data.head) head.outerHTML = data.head;
  });
}

// The file goes as base64 in JSON; one over the limit is refused here, in the server's words,
// without being read.
function uploadLogo(input) {
  const file = input.files && input.files[0];
  const box = input.closest("[data-form=logo]");
  if (!file) return;
  if (file.size > Number(box.dataset.maxBytes)) {
    input.value = "";
    return say(box.dataset.tooLarge, true);
  }
  const reader = new FileReader();
  reader.onload = function () {
    const url = String(reader.result);
    input.value = "";
    look("logo", { logo: url.slice(url.indexOf(",") + 1) });
  };
  reader.readAsDataURL(file);
}

onChange("logo", function (field) {
  if (field.type === "file") uploadLogo(field);
});

onTap("logo-remove", function (button) {
  button.disabled = true;
  look("logo_remove", {}).then(function () { button.disabled = false; }, function () { button.disabled = false; });
});

onTap("look-colour", function (button, d) { look("look_colour", { colour: d.colour }); });
onTap("look-symbol", function (button, d) { look("look_symbol", { symbol: d.symbol }); });
onTap("look-default", function (button, d) { look("look_default", { part: d.part }); });

onSubmit("look-colour", function (form) {
  const input = form.querySelector("input");
  if (input.value.trim()) look("look_colour", { colour: input.value.trim() });
});
