// The Mini App's page script: no framework, no build step. Every call carries Telegram's
// initData; the server renders the HTML and says what was done or refused.
(function () {
  "use strict";
  var tg = window.Telegram && window.Telegram.WebApp;
  var app = document.getElementById("app");
  var statusBox = document.getElementById("status");
  var labels = {};
  var current = null; // the counter's open card: its number, sent in POST bodies only
  var scanned = false; // the open card came from the scanner: reopen it after an operation
  var waiting = null; // a press that waits for the store of the day: made again after the tap
  var statusTimer = null;

  function applyTheme() {
    var params = (tg && tg.themeParams) || {};
    var style = document.documentElement.style;
    Object.keys(params).forEach(function (name) {
      style.setProperty("--tg-theme-" + name.replace(/_/g, "-"), params[name]);
    });
    document.documentElement.dataset.scheme = (tg && tg.colorScheme) || "light";
  }

  // The café's colours and symbol (webapp/look.py), beside Telegram's: app.css picks the light
  // or dark pair by the scheme. None given: the page keeps Telegram's button colours.
  var BRAND = {
    "--brand-light": /^#[0-9a-f]{6}$/, "--on-brand-light": /^#[0-9a-f]{6}$/,
    "--brand-dark": /^#[0-9a-f]{6}$/, "--on-brand-dark": /^#[0-9a-f]{6}$/,
    "--brand-mark": /^"[^"\\]{1,16}"$/,
  };
  function applyBrand(variables) {
    var style = document.documentElement.style;
    Object.keys(BRAND).forEach(function (name) {
      var value = (variables && variables[name]) || "";
      if (BRAND[name].test(value)) style.setProperty(name, value);
      else style.removeProperty(name);
    });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // Opened from a café's own bot, the page names that bot: its initData is signed with its token.
  var servingBot = new URLSearchParams(location.search).get("bot");

  function api(name, body, as) {
    var headers = { "Authorization": "tma " + (tg ? tg.initData : ""), "Content-Type": "application/json" };
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

  function say(message, refused) {
    statusBox.innerHTML = message;
    statusBox.className = refused ? "refused" : "done";
    statusBox.hidden = false;
    if (tg && tg.HapticFeedback) tg.HapticFeedback.notificationOccurred(refused ? "error" : "success");
    clearTimeout(statusTimer);
    statusTimer = setTimeout(function () { statusBox.hidden = true; }, 6000);
  }

  function answer(data) {
    if (data.message) say(data.message, !data.ok);
    else if (!data.ok) say(labels.failed || "…", true);
    return data;
  }

  function confirm(question, then) {
    if (tg && tg.showConfirm) tg.showConfirm(question, function (yes) { if (yes) then(); });
    else if (window.confirm(question)) then();
  }

  // --- start ------------------------------------------------------------------------------
  function start() {
    applyTheme();
    if (tg) {
      tg.ready();
      if (tg.expand) tg.expand();
      if (tg.onEvent) tg.onEvent("themeChanged", applyTheme);
    }
    api("home").then(function (data) {
      labels = data.labels || {};
      applyBrand(data.brand);
      document.documentElement.lang = data.language || "en";
      app.innerHTML = data.html;
      var wanted = new URLSearchParams(location.search).get("tab");
      var tabs = data.tabs || ["cards"];
      var first = tabs.indexOf(wanted) >= 0 ? wanted : tabs.indexOf("counter") >= 0 ? "counter" : "cards";
      show(first);
    }).catch(function () {
      var hint = document.createElement("p");
      hint.className = "hint";
      hint.textContent = app.dataset.outside;
      app.replaceChildren(hint);
    });
  }

  function show(tab) {
    app.querySelectorAll(".tab").forEach(function (button) {
      button.setAttribute("aria-selected", String(button.dataset.tab === tab));
    });
    app.querySelectorAll(".pane").forEach(function (pane) { pane.hidden = pane.id !== "tab-" + tab; });
    var pane = document.getElementById("tab-" + tab);
    if (tab === "cards") loadCards(pane);
    if (tab === "counter") api("store_of_day").then(function (data) { if (data.ok) storesOfDay(data.html); });
    if (tab === "business") api("business").then(function (data) {
      if (!data.ok) return answer(data);
      pane.innerHTML = data.html;
      fill("rewards", "rewards-box");
      fill("offers", "offers-box");
      fill("apikeys", "apikeys-box");
      fill("look", "look-box");
    });
  }

  function fill(name, id) {
    api(name).then(function (data) {
      var box = document.getElementById(id);
      if (data.ok && box) box.innerHTML = data.html; else answer(data);
    });
  }

  // --- customer ---------------------------------------------------------------------------
  function loadCards(pane) {
    api("cards").then(function (data) {
      pane.innerHTML = data.html || "";
      pane.querySelectorAll("[data-qr]").forEach(function (box) {
        api("qr", { card: Number(box.dataset.qr) }, "blob").then(function (result) {
          if (!result.ok) return;
          var img = document.createElement("img");
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
      var old = list.querySelector(".sentinel");
      if (old) old.remove();
      list.insertAdjacentHTML("beforeend", data.html || "");
      list.dataset.loading = "";
      if (data.next) {
        var sentinel = document.createElement("li");
        sentinel.className = "sentinel";
        list.appendChild(sentinel);
        var seen = new IntersectionObserver(function (entries) {
          if (entries.some(function (e) { return e.isIntersecting; }) && !list.dataset.loading) {
            seen.disconnect();
            loadHistory(list, card, data.next);
          }
        });
        seen.observe(sentinel);
      }
    });
  }

  // --- counter ----------------------------------------------------------------------------
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
      var panel = document.getElementById("panel");
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
    var panel = document.getElementById("panel");
    panel.innerHTML = html;
    var card = panel.querySelector("[data-number]");
    current = card ? card.dataset.number : null;
  }

  function storesOfDay(html) {
    var box = document.getElementById("store-of-day");
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
      var press = waiting;
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
    var readyBefore = readyRewards();
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
      var became = readyRewards().some(function (r) { return readyBefore.indexOf(r) < 0; });
      if (data.ok && scanned && !became) setTimeout(scan, 900);
    }, function () { button.disabled = false; });
  }

  function keypad(button) {
    var pad = button.closest(".keypad");
    var out = pad.querySelector(".amount");
    var key = button.dataset.key;
    var text = out.textContent;
    var sep = out.dataset.decimal;
    if (key === "⌫") text = text.slice(0, -1);
    else if (key === sep) { if (text.indexOf(sep) < 0) text = (text || "0") + sep; }
    else if (text.indexOf(sep) < 0 || text.length - text.indexOf(sep) <= 2) {
      if (text.replace(sep, "").length < 7) text = text === "0" ? key : text + key;
    }
    out.textContent = text;
  }

  // --- clicks and forms -------------------------------------------------------------------
  // What a tap does. A button says what it is for by data-action (or data-op at the counter);
  // a few are named by what they carry instead (a period, a poster's store, a staff member to
  // revoke, a reward to remove). One entry per kind of button, so adding one touches one line.
  var actions = {
    scan: function () { scan(); },
    history: function (button, d) {
      var list = button.closest(".card").querySelector(".history");
      list.hidden = !list.hidden;
      if (!list.hidden && !list.children.length) loadHistory(list, Number(d.card), null);
    },
    stores: function (button, d) {
      var box = button.closest(".card").querySelector(".stores");
      api("stores", { card: Number(d.card) }).then(function (data) { box.innerHTML = data.html || ""; box.hidden = false; });
    },
    invite: function (button) {
      api("invite", {}).then(function (data) {
        answer(data);
        if (!data.ok) return;
        var link = document.createElement("a");
        link.href = data.link;
        link.textContent = data.link;
        button.nextElementSibling.replaceChildren(link);
      });
    },
    "offer-send": function (button) {
      var form = button.closest("form");
      confirm(form.dataset.question, function () {
        button.disabled = true;
        api("offer_send", { offer: Number(form.dataset.offer) }).then(function (data) {
          answer(data);
          button.disabled = false;
          if (data.ok) fill("offers", "offers-box");
        });
      });
    },
    "logo-remove": function (button) {
      button.disabled = true;
      look("logo_remove", {}).then(function () { button.disabled = false; }, function () { button.disabled = false; });
    },
    "look-colour": function (button, d) { look("look_colour", { colour: d.colour }); },
    "look-symbol": function (button, d) { look("look_symbol", { symbol: d.symbol }); },
    "look-default": function (button, d) { look("look_default", { part: d.part }); },
    insights: function () {
      api("insights", {}).then(function (data) {
        var box = app.querySelector(".insights");
        box.innerHTML = data.html || "";
        box.hidden = false;
      });
    },
    export: function (button, d) {
      var format = d.format === "xlsx" ? "xlsx" : "csv";
      api("export", { days: 30, format: format }, "blob").then(function (result) {
        if (!result.ok) return answer(result);
        var link = document.createElement("a");
        link.href = URL.createObjectURL(result.blob);
        link.download = "ledger-30-days." + format;
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    }
  };

  // The counter's buttons act on the card on the counter; only undo needs none.
  var counterOps = {
    undo: function (button) { operate(button, "undo", {}); },
    stamp: function (button, d) { operate(button, "stamp", { reference: current, n: Number(d.n) }); },
    redeem: function (button, d) {
      confirm(d.question, function () { operate(button, "redeem", { reference: current, reward: d.reward }); });
    },
    keypad: function (button) { var pad = button.nextElementSibling; pad.hidden = !pad.hidden; },
    points: function (button) {
      var amount = button.closest(".keypad").querySelector(".amount").textContent;
      if (amount) operate(button, "points", { reference: current, amount: amount });
    }
  };

  // Buttons named by what they carry, looked at in this order.
  var carried = [
    ["period", function (button, d) {
      button.parentElement.querySelectorAll("button").forEach(function (b) { b.classList.toggle("chosen", b === button); });
      api("summary", { period: d.period }).then(function (data) {
        app.querySelector(".summary").innerHTML = data.html || "";
        var chart = app.querySelector(".chart");
        chart.hidden = !data.chart;
        if (data.chart) chart.src = data.chart;
      });
    }],
    ["poster", function (button, d) {
      api("poster", { store: d.poster }, "blob").then(function (result) {
        if (!result.ok) return answer(result);
        button.nextElementSibling.innerHTML = '<img alt="">';
        button.nextElementSibling.firstChild.src = URL.createObjectURL(result.blob);
      });
    }],
    ["revoke", function (button, d) {
      confirm(d.question, function () {
        api("revoke", { number: Number(d.revoke), membership: Number(d.membership) }).then(function (data) {
          answer(data);
          if (data.ok) show("business");
        });
      });
    }],
    ["removeReward", function (button, d) {
      confirm(d.question, function () { ladder("reward_remove", { reward: Number(d.removeReward) }); });
    }]
  ];

  app.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || button.disabled) return;
    var d = button.dataset;
    if (d.tab) return show(d.tab);
    if (button.closest("[data-form=setting]")) return settingTapped(button);
    if (d.key) return keypad(button);
    if (d.store) return chooseStore(button);
    if (d.action && actions.hasOwnProperty(d.action)) return actions[d.action](button, d);
    if (d.op) {
      if (d.op !== "undo" && !current) return;
      if (counterOps.hasOwnProperty(d.op)) counterOps[d.op](button, d);
      return;
    }
    for (var i = 0; i < carried.length; i++) {
      if (d[carried[i][0]]) return carried[i][1](button, d);
    }
  });

  app.addEventListener("change", function (event) {
    var select = event.target;
    if (select.name === "audience") {
      var offer = select.closest("form");
      offer.querySelector(".audience-store").hidden = select.value !== "store";
      offer.querySelector(".audience-lapsed").hidden = select.value !== "lapsed";
      stale(offer);
    }
    if (select.name === "choice" && select.closest("[data-form=setting]") && select.value) {
      saveSetting(select.closest("[data-form=setting]"), select.value, {});
    }
    if (select.type === "file" && select.closest("[data-form=logo]")) uploadLogo(select);
    if (select.dataset && select.dataset.action === "language") {
      api("language", { language: select.value }).then(function () { start(); });
    }
  });

  app.addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var input = form.querySelector("input");
    if (form.dataset.form === "lookup" && input.value.trim()) openCard(input.value.trim(), false);
    if (form.dataset.form === "setting" && input && input.value.trim()) {
      saveSetting(form, input.value.trim(), {});
    }
    if (form.dataset.form === "reward") saveReward(form);
    if (form.dataset.form === "reward_add") {
      var body = { cost: form.elements.cost.value.trim(), name: form.elements.name.value };
      if (form.elements.unit) body.unit = form.elements.unit.value;
      ladder("reward_add", body);
    }
    if (form.dataset.form === "offer") previewOffer(form);
    if (form.dataset.form === "look-colour" && input.value.trim()) {
      look("look_colour", { colour: input.value.trim() });
    }
  });

  app.addEventListener("input", function (event) {
    var offer = event.target.closest("[data-form=offer]");
    if (!offer) return;
    offer.querySelector(".count").textContent = offer.elements.text.value.length;
    stale(offer);
  });

  // --- the owner's rewards and offers -----------------------------------------------------
  function ladder(name, body) {
    return api(name, body).then(function (data) {
      answer(data);
      if (data.ok) document.getElementById("rewards-box").innerHTML = data.html;
      return data;
    });
  }

  function saveReward(form) {
    var id = Number(form.dataset.reward);
    var name = form.elements.name.value.trim();
    var cost = form.elements.cost.value.trim();
    // Each call redraws the list: what changed is read now, then sent one call after another.
    var calls = [];
    if (name !== form.dataset.name) calls.push(["reward_rename", { reward: id, name: name }]);
    if (cost !== form.dataset.cost) calls.push(["reward_cost", { reward: id, cost: cost }]);
    form.querySelectorAll("input[data-language]").forEach(function (input) {
      var typed = input.value.trim();
      if (typed !== input.dataset.was) {
        calls.push(["reward_name_in", { reward: id, language: input.dataset.language, name: typed || null }]);
      }
    });
    calls.reduce(function (before, call) {
      return before.then(function (data) { return data.ok ? ladder(call[0], call[1]) : data; });
    }, Promise.resolve({ ok: true }));
  }

  function stale(offer) { // a changed text or audience needs a new preview before Send
    offer.querySelector(".offer-preview").hidden = true;
    offer.querySelector("[data-action=offer-send]").hidden = true;
  }

  function previewOffer(form) {
    var audience = form.querySelector("input[name=audience]:checked").value;
    var body = { text: form.elements.text.value, audience: audience };
    if (audience === "store") body.arg = Number(form.elements.store.value);
    if (audience === "lapsed") body.arg = form.elements.days.value.trim();
    api("offer_preview", body).then(function (data) {
      if (!data.ok) return answer(data);
      form.dataset.offer = data.offer;
      form.dataset.question = data.confirm;
      var preview = form.querySelector(".offer-preview");
      preview.innerHTML = data.html;
      preview.hidden = false;
      form.querySelector("[data-action=offer-send]").hidden = false;
    });
  }

  // --- the owner's look: logo, colour, symbol (webapp/brand_screen.py) ---------------------
  // The file goes as base64 in JSON; one over the limit is refused here, in the server's words,
  // without being read. The answer redraws the section and the header (its new logo), and sets
  // the café's colours and symbol (a new colour or symbol, chosen in the same section).
  function uploadLogo(input) {
    var file = input.files && input.files[0];
    var box = input.closest("[data-form=logo]");
    if (!file) return;
    if (file.size > Number(box.dataset.maxBytes)) {
      input.value = "";
      return say(box.dataset.tooLarge, true);
    }
    var reader = new FileReader();
    reader.onload = function () {
      var url = String(reader.result);
      input.value = "";
      look("logo", { logo: url.slice(url.indexOf(",") + 1) });
    };
    reader.readAsDataURL(file);
  }

  function look(name, body) {
    return api(name, body).then(function (data) {
      answer(data);
      if (!data.ok) return;
      applyBrand(data.brand);
      document.getElementById("look-box").innerHTML = data.html;
      var head = app.querySelector(".brand-head");
      if (head && data.head) head.outerHTML = data.head;
    });
  }

  // --- the owner's programme settings (webapp/settings.py) ----------------------------------
  // One save per change: a choice tapped, a switch flipped, a value typed and saved. A change
  // that needs the owner's word first shows the question in its setting, and Yes sends it again
  // with the flag the server named.
  function saveSetting(form, value, flags) {
    var refusal = form.querySelector(".setting-refusal");
    refusal.hidden = true;
    form.querySelector(".setting-question").hidden = true;
    var body = Object.assign({ key: form.dataset.key, value: value }, flags);
    form.querySelectorAll("button, select, input").forEach(function (e) { e.disabled = true; });
    api("setting", body).then(function (data) {
      form.querySelectorAll("button, select, input").forEach(function (e) { e.disabled = false; });
      if (data.question) return askSetting(form, value, flags, data);
      if (data.ok) {
        document.getElementById("settings-box").innerHTML = data.html;
        return answer(data);
      }
      var select = form.querySelector("select");
      if (select) select.value = (select.querySelector("option[selected]") || {}).value || "";
      if (data.message) {
        refusal.innerHTML = data.message;
        refusal.hidden = false;
      }
      answer(data);
    }, function () {
      form.querySelectorAll("button, select, input").forEach(function (e) { e.disabled = false; });
    });
  }

  function askSetting(form, value, flags, data) {
    var box = form.querySelector(".setting-question");
    box.querySelector("p").innerHTML = data.question;
    box.hidden = false;
    box.onclick = function (event) {
      var button = event.target.closest("[data-answer]");
      if (!button) return;
      box.hidden = true;
      box.onclick = null;
      if (button.dataset.answer === "yes") {
        var more = {};
        more[data.flag] = true;
        saveSetting(form, value, Object.assign({}, flags, more));
      } else {
        var select = form.querySelector("select");
        if (select) select.value = (select.querySelector("option[selected]") || {}).value || "";
        say(labels.declined || "", false);
      }
    };
    box.querySelector("[data-answer=yes]").focus();
  }

  function settingTapped(button) {
    var form = button.closest("[data-form=setting]");
    if (button.getAttribute("role") === "radio" && button.getAttribute("aria-checked") !== "true") {
      saveSetting(form, button.dataset.value, {});
    } else if (button.getAttribute("role") === "switch") {
      saveSetting(form, button.dataset.value, {});
    }
  }

  // What the screens in scripts of their own (apikeys.js) call the server and answer with.
  window.loyalty = { api: api, answer: answer, confirm: confirm };

  start();
})();
