// Telegram's theme and the café's look (webapp/look.py), as CSS variables that app.css reads.
import { tg } from "./page.js";

export function applyTheme() {
  const params = (tg && tg.themeParams) || {};
  const style = document.documentElement.style;
  Object.keys(params).forEach(function (name) {
    style.setProperty("--tg-theme-" + name.replace(/_/g, "-"), params[name]);
  });
  document.documentElement.dataset.scheme = (tg && tg.colorScheme) || "light";
}

// The café's colours and symbol, beside Telegram's: app.css picks the light or dark pair by the
// scheme. None given: the page keeps Telegram's button colours.
const BRAND = {
  "--brand-light": /^#[0-9a-f]{6}$/, "--on-brand-light": /^#[0-9a-f]{6}$/,
  "--brand-dark": /^#[0-9a-f]{6}$/, "--on-brand-dark": /^#[0-9a-f]{6}$/,
  "--brand-mark": /^"[^"\\]{1,16}"$/,
};

export function applyBrand(variables) {
  const style = document.documentElement.style;
  Object.keys(BRAND).forEach(function (name) {
    const value = (variables && variables[name]) || "";
    if (BRAND[name].test(value)) style.setProperty(name, value);
    else style.removeProperty(name);
  });
}
