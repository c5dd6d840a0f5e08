// The customer's cards: each with its QR code, its history (loaded page by page as it scrolls
// into view) and the stores where it is good.
import { onTap } from "./actions.js";
import { api } from "./api.js";
import { onTab } from "./shell.js";

function loadCards(pane) {
  api("cards").then(function (data) {
    pane.innerHTML = data.html || "";
    pane.querySelectorAll("[data-qr]").forEach(function (box) {
      api("qr", { card: Number(box.dataset.qr) }, "blob").then(function (result) {
        if (!result.ok) return;
        const img = document.createElement("img");
        img.alt = "QR";
        img.src = URL.createObjectURL(result.blob);
        box.appendChild(img);
      });
    });
  });
}

function loadHistory(list, card, before) {
  list.dataset.loading = "1";
  api("history", { card: card, before: before }).then(function (data) {
    const old = list.querySelector(".sentinel");
    if (old) old.remove();
    list.insertAdjacentHTML("beforeend", data.html || "");
    list.dataset.loading = "";
    if (data.next) {
      const sentinel = document.createElement("li");
      sentinel.className = "sentinel";
      list.appendChild(sentinel);
      const seen = new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; }) && !list.dataset.loading) {
          seen.disconnect();
          loadHistory(list, card, data.next);
        }
      });
      seen.observe(sentinel);
    }
  });
}

onTab("cards", loadCards);

onTap("history", function (button, d) {
  const list = button.closest(".card").querySelector(".history");
  list.hidden = !list.hidden;
  if (!list.hidden && !list.children.length) loadHistory(list, Number(d.card), null);
});

onTap("stores", function (button, d) {
  const box = button.closest(".card").querySelector(".stores");
  api("stores", { card: Number(d.card) }).then(function (data) { box.innerHTML = data.html || ""; box.hidden = false; });
});
