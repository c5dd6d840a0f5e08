"""Refusals as the Mini App answers them: the chat's words (bot/texts/refusals.py) in a JSON
reply, with the status the page and the tests read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from bot.texts import webapp as texts
from bot.texts.refusals import refusal_text
from domain import errors
from webapp.counter_screen import stores_chooser
from webapp.requests import json_answer, tg_html

if TYPE_CHECKING:
    from webapp.screen import Person, ScreenHost

# Refusals that say "not yours": the matrix tests expect 403 for them, other refusals 409.
FORBIDDEN = (
    errors.NotStaff,
    errors.NotOwner,
    errors.NoCard,
    errors.CardNotFound,
    errors.CardOfOtherStore,
)


def bad_request(person: Person) -> Response:
    """A body the endpoint could not use, found after the person was known."""
    return json_answer({"ok": False, "message": texts.labels(person.t)["failed"]}, 400)


def refused(app: ScreenHost, person: Person, refusal: errors.DomainError) -> Response:
    if isinstance(refusal, errors.StoreOfDayRequired):
        # The press waits: the page shows the stores, and presses again after a tap.
        message = tg_html(refusal_text(person.t, refusal))
        chooser = stores_chooser(app, person, refusal.stores, None, message)
        return json_answer({"ok": False, "message": message, "store": chooser}, 409)
    status = 403 if isinstance(refusal, FORBIDDEN) else 409
    return json_answer({"ok": False, "message": tg_html(refusal_text(person.t, refusal))}, status)
