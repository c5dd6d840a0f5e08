// Telegram's Mini App script, vendored: loaded unless a stand-in (the playground's simulator)
// is there already. A file of its own so that the page allows scripts from this app only.
if (!(window.Telegram && window.Telegram.WebApp)) {
  document.write('<script src="/app/static/vendor/telegram-web-app.js"><\/script>');
}
