// The home screen: the person's tabs, each pane filled by its screen's module when shown
// (onTab), and the start, again after the person picks another language.
import { onChange, onTapCarrying } from "./actions.js";
import { answer, api } from "./api.js";
import { applyBrand, applyTheme } from "./brand.js";
import { app, learnLabels, tg } from "./page.js";

const loaders = new Map(); // a tab → what fills its pane (given the pane) each time it is shown

export function onTab(tab, load) {
  loaders.set(tab, load);
}

export function start() {
  applyTheme();
  if (tg) {
    tg.ready();
    if (tg.expand) tg.expand();
    if (tg.onEvent) tg.onEvent("themeChanged", applyTheme);
  }
  api("home").then(function (data) {
    learnLabels(data.labels);
    applyBrand(data.brand);
    document.documentElement.lang = data.language || "en";
    app.innerHTML = data.html;
    const wanted = new URLSearchParams(location.search).get("tab");
    const tabs = data.tabs || ["cards"];
    const first = tabs.indexOf(wanted) >= 0 ? wanted : tabs.indexOf("counter") >= 0 ? "counter" : "cards";
    show(first);
  }).catch(function () {
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = app.dataset.outside;
    app.replaceChildren(hint);
  });
}

export function show(tab) {
  app.querySelectorAll(".tab").forEach(function (button) {
    button.setAttribute("aria-selected", String(button.dataset.tab === tab));
  });
  app.querySelectorAll(".pane").forEach(function (pane) { pane.hidden = pane.id !== "tab-" + tab; });
  const load = loaders.get(tab);
  if (load) load(document.getElementById("tab-" + tab));
}

/** Draws the section the call `name` renders into the box `id`. */
export function fill(name, id) {
  api(name).then(function (data) {
    const box = document.getElementById(id);
    if (data.ok && box) box.innerHTML = data.html; else answer(data);
  });
}

onTapCarrying("tab", function (button, d) { show(d.tab); });

onChange("language", function (select) {
  api("language", { language: select.value }).then(function () { start(); });
});
