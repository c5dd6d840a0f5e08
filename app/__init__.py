"""The composition root: settings, hosting the bots (the platform bot and every café's own
bot), the web server (webhooks, the Mini App, PassKit), jobs and the command line.

It stands above `bot/` (the Telegram layer) and `webapp/` (the Mini App) and wires them; neither
of them imports it.
"""
