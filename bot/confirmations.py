"""A question answered by one of two buttons (Yes/No, Confirm/Cancel, Send/Cancel), written once.

Revoking a cashier, forgetting a person, sending an offer, re-enabling a webhook, a redemption at
the counter: each asks, opens a step of its kind and waits for a tap. What the positive answer
does differs; everything around it is the same and lives here: the step and its two buttons, a
tap on a step that is gone, of another kind or chat, expired, or whose payload no longer reads
back answers "This button has expired.", and the negative answer closes the step and says so.

A second tap on an answered question depends on what the answer does:
- by default the tap closes the step, so only the first tap acts (a second one has expired);
- `replays`: the answer is an operation made under the step's idempotency key (the counter's),
  so a second Confirm on a done step is let through and the operation is made once; the answer
  closes the step itself once the operation is made (it may first wait for the store of the day).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Generic

from telegram import InlineKeyboardMarkup, Update

from bot import keyboards
from bot.callbacks import ButtonAction
from bot.context import BotContext
from bot.features.common import CONFIRMATION_TTL, ButtonHandler, Viewer, edit_or_reply
from bot.i18n import Translator
from bot.step_kinds import P, StepKind
from bot.texts import general
from infra import PendingSteps, Step, StepState

Keyboard = Callable[[Translator, str, str], InlineKeyboardMarkup]  # (t, yes data, no data)
Confirmed = Callable[[Update, BotContext, Viewer, Step, P], Awaitable[None]]
Declined = Callable[[Update, BotContext, Viewer, Step | None], Awaitable[None]]


def says(text: Callable[[Translator], str]) -> Declined:
    """A No that replaces the question with `text`."""

    async def declined(
        update: Update, context: BotContext, viewer: Viewer, step: Step | None
    ) -> None:
        await edit_or_reply(update, text(viewer.t))

    return declined


CHANGE_DECLINED = says(general.change_declined)  # "Cancelled — nothing was changed."


@dataclass(frozen=True)
class Confirmation(Generic[P]):
    """`yes` and `no` carry the step; with `no` None, `yes` carries the step and "y" or "n"."""

    kind: StepKind[P]
    yes: ButtonAction
    no: ButtonAction | None = None
    declined: Declined = CHANGE_DECLINED
    keyboard: Keyboard = keyboards.yes_no_keyboard
    replays: bool = False
    ttl: timedelta = CONFIRMATION_TTL
    # The kinds a new question closes; None: older questions of its own kind.
    supersedes: tuple[str, ...] | None = None

    async def ask(
        self, context: BotContext, viewer: Viewer, payload: P, *, subject_id: int | None = None
    ) -> InlineKeyboardMarkup:
        """Open the step and return its two buttons."""
        return await self.ask_in(
            context.infra.steps, viewer.chat_id, viewer.t, payload, subject_id=subject_id
        )

    async def ask_in(
        self,
        steps: PendingSteps,
        chat_id: int,
        t: Translator,
        payload: P,
        *,
        subject_id: int | None = None,
    ) -> InlineKeyboardMarkup:
        """`ask`, for a question sent by the outbox rather than in answer to an update."""
        step = await steps.open(
            chat_id,
            self.kind.name,
            subject_id=subject_id,
            payload=self.kind.encode(payload),
            ttl=self.ttl,
            supersedes=(self.kind.name,) if self.supersedes is None else self.supersedes,
        )
        if self.no is None:
            return self.keyboard(t, self.yes.data(step.id, "y"), self.yes.data(step.id, "n"))
        return self.keyboard(t, self.yes.data(step.id), self.no.data(step.id))

    def buttons(self, confirmed: Confirmed[P]) -> tuple[tuple[ButtonAction, ButtonHandler], ...]:
        """The feature's button table entries: Yes calls `confirmed` with the step and its
        payload."""

        async def on_yes(update: Update, context: BotContext, viewer: Viewer, step_id: int) -> None:
            steps = context.infra.steps
            step = await steps.get(viewer.chat_id, step_id)
            payload = None if step is None else self.kind.parse(step)
            if step is None or payload is None:
                await edit_or_reply(update, general.button_expired(viewer.t))
                return
            if self.replays:
                answerable = step.stands(context.service.clock.now())
            else:
                answerable = await steps.close(step.id, StepState.DONE)
            if not answerable:
                await edit_or_reply(update, general.button_expired(viewer.t))
                return
            await confirmed(update, context, viewer, step, payload)

        async def on_no(update: Update, context: BotContext, viewer: Viewer, step_id: int) -> None:
            steps = context.infra.steps
            step = await steps.get(viewer.chat_id, step_id)
            if step is not None and step.kind != self.kind.name:
                step = None
            closed = step is not None and await steps.close(step.id, StepState.CANCELLED)
            if not closed and not self.replays:  # only the first answer counts
                await edit_or_reply(update, general.button_expired(viewer.t))
                return
            await self.declined(update, context, viewer, step)

        async def on_answer(
            update: Update, context: BotContext, viewer: Viewer, step_id: int, answer: str
        ) -> None:
            await (on_yes if answer == "y" else on_no)(update, context, viewer, step_id)

        if self.no is None:
            return ((self.yes, on_answer),)
        return ((self.yes, on_yes), (self.no, on_no))
