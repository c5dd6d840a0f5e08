"""The owner's programme settings in the Mini App: the chat's /program menu as a form.

The form is made from the same registry as the menu (bot/texts/program.py: labels, groups,
values in words, the values offered), shows the settings the menu shows for this programme's
type, and saves one setting per change through the same use case, which reads typed values
as the chat reads them and asks the same questions first (a type that hides balances,
cross-location merging cards, happy hours past midnight). The page asks them in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response
from telegram import Bot

from bot.serving import BotPaused
from bot.texts import bonuses as bonus_texts
from bot.texts import owner as owner_texts
from bot.texts import program as program_texts
from domain import errors
from domain.program import ProgramSettings
from webapp import bodies
from webapp.requests import json_answer, tg_html

if TYPE_CHECKING:
    from webapp.screen import Endpoint, Person, ScreenHost


class SettingsForm:
    """The settings section of the owner's tab and its one save endpoint."""

    def __init__(self, app: ScreenHost) -> None:
        self._app = app

    def endpoints(self) -> dict[str, Endpoint]:
        return {"setting": (self.save, bodies.SettingBody)}

    def html(self, person: Person, settings: ProgramSettings) -> str:
        groups = program_texts.setting_form(person.t, settings)
        return self._app.render("settings.html", person, groups=groups)

    async def save(self, person: Person, body: bodies.SettingBody) -> Response:
        """One setting changed; the answer says it in words ("Time between stamps: 30 min")
        and brings the form as it now is (a new type shows other settings). A change that
        needs the owner's word first answers with the question and the flag that gives it."""
        t = person.t
        try:
            change = await self._app.service.merchants.change_program(
                person.user_id,
                body.key,
                body.value,
                confirm_merge=body.confirm_merge,
                confirm_hidden_balances=body.confirm_hidden,
                confirm_past_midnight=body.confirm_past_midnight,
            )
        except errors.MergeConfirmationRequired as asked:
            return _question(owner_texts.merge_question(t, asked.customers), "confirm_merge")
        except errors.TypeChangeHidesBalances as asked:
            question = owner_texts.hidden_balances_question(t, asked.cards, asked.hidden)
            return _question(question, "confirm_hidden")
        except errors.HappyHourPastMidnight as asked:
            question = bonus_texts.past_midnight_question(t, asked.window, asked.minutes)
            return _question(question, "confirm_past_midnight")
        if body.key == "type":
            await self._refresh_menu(person)
        return json_answer(
            {
                "ok": True,
                "message": tg_html(program_texts.saved(t, body.key, change.settings)),
                "html": self.html(person, change.settings),
            }
        )

    async def _refresh_menu(self, person: Person) -> None:
        """The owner's chat menu lists the new type's commands, as after /program in the chat:
        through the bot that writes to them about this café (none while it is paused)."""
        data = self._app.application.bot_data.runtime
        identity = await self._app.service.staff.identity(person.user_id)
        if data.menus is None or identity.membership is None:
            return
        bot: Bot = self._app.application.bot
        if data.bots is not None:
            try:
                bot = await data.bots.sender_for(identity.membership.merchant_id, person.user_id)
            except BotPaused:
                return
        url = data.settings.web_app_url if data.settings is not None else None
        await data.menus.refresh(bot, person.user_id, identity, person.t, url)


def _question(text: str, flag: str) -> Response:
    """Nothing changed yet: the page asks `text` and, on Yes, sends the change with `flag`."""
    return json_answer({"ok": False, "question": tg_html(text), "flag": flag})
