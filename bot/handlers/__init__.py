"""Thin adapters from Telegram updates to use cases, one module per actor."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.handlers import buttons, customer, messages, owner, staff
from bot.handlers.errors import on_error

COMMANDS = {
    "start": customer.start,
    "join": customer.join,
    "card": customer.card,
    "history": customer.history,
    "stores": customer.stores,
    "newqr": customer.newqr,
    "language": customer.language,
    "help": customer.help_command,
    "mydata": customer.mydata,
    "forget": customer.forget,
    "stamp": staff.stamp,
    "redeem": staff.redeem,
    "points": staff.points,
    "void": staff.void,
    "lookup": staff.lookup,
    "undo": staff.undo,
    "setup": owner.setup,
    "addstore": owner.addstore,
    "invite": owner.invite,
    "staff": owner.staff,
    "revoke": owner.revoke,
    "program": owner.program,
    "summary": owner.summary,
    "export": owner.export,
    "poster": owner.poster,
}


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    private = filters.ChatType.PRIVATE
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=private))
    application.add_handler(CallbackQueryHandler(buttons.on_button))
    application.add_handler(MessageHandler(private & filters.COMMAND, messages.on_unknown_command))
    application.add_handler(MessageHandler(private & filters.TEXT, messages.on_text))
    application.add_error_handler(on_error)
