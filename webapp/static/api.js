// The page's one way to the server: every call carries Telegram's initData, and its answer is
// said on the status line in the server's words.
import { labels, say, tg } from "./page.js";

// Opened from a café's own bot, the page names that bot: its initData is signed with its token.
const servingBot = new URLSearchParams(location.search).get("bot");

export function api(name, body, as) {
  const headers = { "Authorization": "tma " + (tg ? tg.initData : ""), "Content-Type": "application/json" };
  if (servingBot && /^[0-9]{1,20}$/.test(servingBot)) headers["X-Loyalty-Bot"] = servingBot;
  return fetch("/app/api/" + name, {
    method: "POST",
    headers: headers,
    body: JSON.stringify(body || {}),
    cache: "no-store",
    credentials: "omit",
  }).then(function (response) {
    if (as === "blob" && response.ok) return response.blob().then(function (blob) { return { ok: true, blob: blob }; });
    return response.json().catch(function () { return {}; }).then(function (data) {
      data.status = response.status;
      if (response.status === 401) throw new Error("unauthorised");
      return data;
    });
  });
}

export function answer(data) {
  if (data.message) say(data.message, !data.ok);
  else if (!data.ok) say(labels.failed || "…", true);
  return data;
}

// One key per press, sent with an operation: a double submit is one operation.
export function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
}
