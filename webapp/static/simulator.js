// A stand-in for Telegram's `window.Telegram.WebApp`, for the playground and the browser tests.
// Configure it first: window.__SIM__ = {initData, theme: "light" | "dark", cards: [{label, link}]},
// or the same JSON in a <script type="application/json" id="simulator-config"> data block.
// Its scanner shows the cards it knows as buttons (and a text field); `__sim.deliver(text)`
// answers an open scanner as Telegram would; `__sim.theme("dark")` switches the theme as
// Telegram does (new themeParams, then the "themeChanged" event).
(function () {
  "use strict";
  var block = document.getElementById("simulator-config");
  var config = window.__SIM__ || (block ? JSON.parse(block.textContent) : {});
  var THEMES = {
    light: {
      bg_color: "#ffffff", text_color: "#000000", hint_color: "#707579", link_color: "#3390ec",
      button_color: "#3390ec", button_text_color: "#ffffff", secondary_bg_color: "#f4f4f5",
      destructive_text_color: "#e53935",
    },
    dark: {
      bg_color: "#212121", text_color: "#ffffff", hint_color: "#aaaaaa", link_color: "#8774e1",
      button_color: "#8774e1", button_text_color: "#ffffff", secondary_bg_color: "#181818",
      destructive_text_color: "#ff595a",
    },
  };
  var scheme = config.theme === "dark" ? "dark" : "light";
  var handlers = {};
  var sim = {
    theme: function (name) {
      var webApp = window.Telegram.WebApp;
      webApp.colorScheme = name === "dark" ? "dark" : "light";
      webApp.themeParams = THEMES[webApp.colorScheme];
      (handlers.themeChanged || []).forEach(function (handler) { handler(); });
    },
    scans: 0, // how many times the scanner was opened
    scanning: null, // the open scanner's callback
    confirmAnswer: true,
    confirms: [],
    deliver: function (text) {
      var callback = sim.scanning;
      if (!callback) return false;
      if (callback(text) === true) sim.close();
      return true;
    },
    close: function () {
      sim.scanning = null;
      var overlay = document.getElementById("sim-scanner");
      if (overlay) overlay.remove();
    },
  };
  function overlay(text) {
    var box = document.createElement("div");
    box.id = "sim-scanner";
    box.setAttribute("style", "position:fixed;inset:0;background:rgba(0,0,0,.85);color:#fff;z-index:10;padding:16px;display:flex;flex-direction:column;gap:8px;font:16px system-ui");
    var title = document.createElement("p");
    title.textContent = "📷 " + (text || "");
    box.appendChild(title);
    (config.cards || []).forEach(function (card) {
      var button = document.createElement("button");
      button.textContent = card.label;
      button.className = "sim-card";
      button.setAttribute("style", "min-height:44px");
      button.onclick = function () { sim.deliver(card.link); };
      box.appendChild(button);
    });
    var input = document.createElement("input");
    input.placeholder = "t.me link or card number";
    input.setAttribute("style", "min-height:44px");
    input.onkeydown = function (e) { if (e.key === "Enter") sim.deliver(input.value); };
    box.appendChild(input);
    var cancel = document.createElement("button");
    cancel.textContent = "✕";
    cancel.setAttribute("style", "min-height:44px");
    cancel.onclick = sim.close;
    box.appendChild(cancel);
    (document.body || document.documentElement).appendChild(box);
  }
  window.__sim = sim;
  window.Telegram = {
    WebApp: {
      initData: config.initData || "",
      initDataUnsafe: {},
      platform: "simulated",
      version: "8.0",
      colorScheme: scheme,
      themeParams: THEMES[scheme],
      ready: function () {},
      expand: function () {},
      onEvent: function (name, handler) { (handlers[name] = handlers[name] || []).push(handler); },
      HapticFeedback: { notificationOccurred: function () {}, impactOccurred: function () {} },
      showScanQrPopup: function (params, callback) {
        sim.scans += 1;
        sim.scanning = callback;
        overlay(params && params.text);
      },
      closeScanQrPopup: function () { sim.close(); },
      showConfirm: function (message, callback) {
        sim.confirms.push(message);
        setTimeout(function () { callback(sim.confirmAnswer); }, 0);
      },
      showAlert: function (message, callback) { if (callback) setTimeout(callback, 0); },
    },
  };
})();
