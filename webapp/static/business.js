// The owner's business tab: the figures by period, insights, posters, staff invited and revoked,
// the ledger's export; and the sections drawn into it by their own modules (rewards, offers,
// API keys, look).
import { onTap, onTapCarrying } from "./actions.js";
import { answer, api } from "./api.js";
import { app, confirm } from "./page.js";
import { fill, onTab, show } from "./shell.js";

onTab("business", function (pane) {
  api("business").then(function (data) {
    if (!data.ok) return answer(data);
    pane.innerHTML = data.html;
    fill("rewards", "rewards-box");
    fill("offers", "offers-box");
    fill("apikeys", "apikeys-box");
    fill("look", "look-box");
  });
});

onTapCarrying("period", function (button, d) {
  button.parentElement.querySelectorAll("button").forEach(function (b) { b.classList.toggle("chosen", b === button); });
  api("summary", { period: d.period }).then(function (data) {
    app.querySelector(".summary").innerHTML = data.html || "";
    const chart = app.querySelector(".chart");
    chart.hidden = !data.chart;
    if (data.chart) chart.src = data.chart;
  });
});

onTap("insights", function () {
  api("insights", {}).then(function (data) {
    const box = app.querySelector(".insights");
    box.innerHTML = data.html || "";
    box.hidden = false;
  });
});

onTapCarrying("poster", function (button, d) {
  api("poster", { store: d.poster }, "blob").then(function (result) {
    if (!result.ok) return answer(result);
    button.nextElementSibling.innerHTML = '<img alt="">';
    button.nextElementSibling.firstChild.src = URL.createObjectURL(result.blob);
  });
});

onTapCarrying("revoke", function (button, d) {
  confirm(d.question, function () {
    api("revoke", { number: Number(d.revoke), membership: Number(d.membership) }).then(function (data) {
      answer(data);
      if (data.ok) show("business");
    });
  });
});

onTap("invite", function (button) {
  api("invite", {}).then(function (data) {
    answer(data);
    if (!data.ok) return;
    const link = document.createElement("a");
    link.href = data.link;
    link.textContent = data.link;
    button.nextElementSibling.replaceChildren(link);
  });
});

onTap("export", function (button, d) {
  const format = d.format === "xlsx" ? "xlsx" : "csv";
  api("export", { days: 30, format: format }, "blob").then(function (result) {
    if (!result.ok) return answer(result);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(result.blob);
    link.download = "ledger-30-days." + format;
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
});
