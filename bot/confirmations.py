"""A counter question answered by Confirm or Cancel, written once.

The redemption, the big change and the correction each ask at the counter and wait for a tap.
What Confirm does differs; everything around it is the same and lives here: the step and its two
buttons, a Confirm on a step that is gone, of another kind or expired answers "This button has
expired.", a second Confirm on a done step is let through (it replays the step's key, so the
operation is made once), and Cancel closes the step and says what the question says on No.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update

from bot import keyboards
from bot.callbacks import ButtonAction
from bot.context import BotContext
from bot.features.common import PROMPT_TTL, ButtonHandler, Viewer, edit_or_reply
from bot.i18n import Translator
from bot.texts import general
from infra import Step, StepState

Confirmed = Callable[[Update, BotContext, Viewer, Step], Awaitable[None]]


@dataclass(frozen=True)
class CounterConfirmation:
    kind: str  # the step's kind; a newer question of the kind replaces the older one
    confirm: ButtonAction  # carries the step
    cancel: ButtonAction  # carries the step
    declined: Callable[[Translator], str]  # what Cancel says

    async def ask(
        self,
        context: BotContext,
        viewer: Viewer,
        *,
        subject_id: int | None = None,
        payload: str | None = None,
    ) -> InlineKeyboardMarkup:
        """Open the step and return its Confirm and Cancel buttons."""
        step = await context.infra.steps.open(
            viewer.chat_id,
            self.kind,
            subject_id=subject_id,
            payload=payload,
            ttl=PROMPT_TTL,
            supersedes=(self.kind,),
        )
        return keyboards.confirm_cancel_keyboard(
            viewer.t, self.confirm.data(step.id), self.cancel.data(step.id)
        )

    def buttons(self, confirmed: Confirmed) -> tuple[tuple[ButtonAction, ButtonHandler], ...]:
        """The feature's button table entries: Confirm calls `confirmed` with the step."""

        async def on_confirm(
            update: Update, context: BotContext, viewer: Viewer, step_id: int
        ) -> None:
            step = await context.infra.steps.get(viewer.chat_id, step_id)
            now = context.service.clock.now()
            if step is None or step.kind != self.kind or not step.stands(now):
                await edit_or_reply(update, general.button_expired(viewer.t))
                return
            await confirmed(update, context, viewer, step)

        async def on_cancel(
            update: Update, context: BotContext, viewer: Viewer, step_id: int
        ) -> None:
            step = await context.infra.steps.get(viewer.chat_id, step_id)
            if step is not None and step.kind == self.kind:
                await context.infra.steps.close(step.id, StepState.CANCELLED)
            await edit_or_reply(update, self.declined(viewer.t))

        return ((self.confirm, on_confirm), (self.cancel, on_cancel))
