// The counter: a card opened by the scanner or by its number, then stamps, points typed on the
// keypad, rewards redeemed and the last operation undone; and, at a café with several stores,
// the store the cashier is at today.
import { onSubmit, onTap, onTapCarrying } from "./actions.js";
import { answer, api, newKey } from "./api.js";
import { confirm, labels, tg } from "./page.js";
import { onTab } from "./shell.js";

let current = null; // the open card: its number, sent in POST bodies only
let scanned = false; // the open card came from the scanner: reopen it after an operation
let waiting = null; // a press that waits for the store of the day: made again after the tap

function scan() {
  if (!tg || !tg.showScanQrPopup) return;
  tg.showScanQrPopup({ text: labels.scan_hint }, function (text) {
    if (tg.closeScanQrPopup) tg.closeScanQrPopup();
    openCard(text, true);
    return true;
  });
}

function openCard(reference, fromScanner) {
  waiting = null; // a press for the previous card is not made for this one
  api("lookup", { reference: reference }).then(function (data) {
    const panel = document.getElementById("panel");
    if (!data.ok) {
      current = null;
      panel.innerHTML = "";
      answer(data);
      return;
    }
    scanned = fromScanner;
    showPanel(data.html);
  });
}

function showPanel(html) {
  const panel = document.getElementById("panel");
  panel.innerHTML = html;
  const card = panel.querySelector("[data-number]");
  current = card ? card.dataset.number : null;
}

function storesOfDay(html) {
  const box = document.getElementById("store-of-day");
  if (box) box.innerHTML = html || "";
}

// A cashier of every store taps the store they are at: a press that waited goes ahead,
// with its own key (made once, however often it is sent).
function chooseStore(button) {
  button.disabled = true;
  api("store", { store: Number(button.dataset.store) }).then(function (data) {
    button.disabled = false;
    answer(data);
    if (!data.ok) return;
    storesOfDay(data.html);
    const press = waiting;
    waiting = null;
    if (press) operate(press.button, press.name, press.body);
  }, function () { button.disabled = false; });
}

function readyRewards() {
  return Array.prototype.map.call(
    document.querySelectorAll("#panel [data-op=redeem]"), function (b) { return b.dataset.reward; });
}

function operate(button, name, body) {
  body.key = body.key || newKey(); // one key per press: a double submit is one operation
  button.disabled = true;
  const readyBefore = readyRewards();
  return api(name, body).then(function (data) {
    button.disabled = false;
    if (data.confirm) {
      confirm(data.confirm, function () {
        body.confirmed = true;
        operate(button, name, body);
      });
      return;
    }
    if (data.store) {
      waiting = { button: button, name: name, body: body };
      storesOfDay(data.store);
      return answer(data);
    }
    answer(data);
    if (data.ok && data.html) showPanel(data.html);
    // The next customer, once the answer is seen; unless this operation made a reward ready:
    // then the panel offers it first (one tap), and the scanner opens after that. A reward
    // that was ready before (the customer keeps saving) does not hold the scanner back.
    const became = readyRewards().some(function (r) { return readyBefore.indexOf(r) < 0; });
    if (data.ok && scanned && !became) setTimeout(scan, 900);
  }, function () { button.disabled = false; });
}

function keypad(button) {
  const pad = button.closest(".keypad");
  const out = pad.querySelector(".amount");
  const key = button.dataset.key;
  const sep = out.dataset.decimal;
  let text = out.textContent;
  if (key === "⌫") text = text.slice(0, -1);
  else if (key === sep) { if (text.indexOf(sep) < 0) text = (text || "0") + sep; }
  else if (text.indexOf(sep) < 0 || text.length - text.indexOf(sep) <= 2) {
    if (text.replace(sep, "").length < 7) text = text === "0" ? key : text + key;
  }
  out.textContent = text;
}

// The panel's buttons (data-op) act on the card on the counter; only undo needs none.
const operations = new Map([
  ["undo", function (button) { operate(button, "undo", {}); }],
  ["stamp", function (button, d) { operate(button, "stamp", { reference: current, n: Number(d.n) }); }],
  ["redeem", function (button, d) {
    confirm(d.question, function () { operate(button, "redeem", { reference: current, reward: d.reward }); });
  }],
  ["keypad", function (button) { const pad = button.nextElementSibling; pad.hidden = !pad.hidden; }],
  ["points", function (button) {
    const amount = button.closest(".keypad").querySelector(".amount").textContent;
    if (amount) operate(button, "points", { reference: current, amount: amount });
  }],
]);

onTab("counter", function () {
  api("store_of_day").then(function (data) { if (data.ok) storesOfDay(data.html); });
});

onTap("scan", function () { scan(); });
onTapCarrying("key", keypad);
onTapCarrying("store", chooseStore);
onTapCarrying("op", function (button, d) {
  if (d.op !== "undo" && !current) return;
  if (operations.has(d.op)) operations.get(d.op)(button, d);
});

onSubmit("lookup", function (form) {
  const input = form.querySelector("input");
  if (input.value.trim()) openCard(input.value.trim(), false);
});
