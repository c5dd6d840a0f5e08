// What every part of the page shares: Telegram's WebApp object (or the playground's stand-in),
// the page's root, the words the page says itself, and the status line under it.
export const tg = window.Telegram && window.Telegram.WebApp;
export const app = document.getElementById("app");
const statusBox = document.getElementById("status");
let statusTimer = null;

// The words for what the page says without the server (a failed call, a declined question),
// sent with the home screen in the person's language.
export let labels = {};

export function learnLabels(sent) {
  labels = sent || {};
}

export function say(message, refused) {
  statusBox.innerHTML = message;
  statusBox.className = refused ? "refused" : "done";
  statusBox.hidden = false;
  if (tg && tg.HapticFeedback) tg.HapticFeedback.notificationOccurred(refused ? "error" : "success");
  clearTimeout(statusTimer);
  statusTimer = setTimeout(function () { statusBox.hidden = true; }, 6000);
}

export function confirm(question, then) {
  if (tg && tg.showConfirm) tg.showConfirm(question, function (yes) { if (yes) then(); });
  else if (window.confirm(question)) then();
}
