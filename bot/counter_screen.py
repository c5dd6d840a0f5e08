"""The card a cashier works on, shared by the counter's features: the chat's open card (its
step kinds, and opening a card superseding every question about the previous one), the card's
buttons, and what the cashier is told once an operation is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction, Token, nonce
from bot.context import BotContext
from bot.counter_calls import (
    STORE_QUESTION,
)
from bot.features.common import (
    PROMPT_TTL,
    Viewer,
    edit_or_reply,
    reply,
)
from bot.step_kinds import StepKind
from bot.texts import counter as counter_texts
from domain.model import (
    CardView,
    Operation,
)


@dataclass(frozen=True)
class OnCard:
    """A counter step's card, by its number (the step's subject is the card's id)."""

    number: str


@dataclass(frozen=True)
class Redemption:
    """A redemption waiting for Confirm: a reward, a number of points, or (asked before the
    ladder) neither: the first stamp reward."""

    number: str
    reward_id: int | None
    points: int | None


@dataclass(frozen=True)
class BigChange:
    """A large purchase (`amount`) or a void of a whole balance (`points`, `reason`) waiting
    for Confirm."""

    number: str
    amount: str | None
    points: int | None
    reason: str | None


# Step kinds. OPEN_CARD marks the card the cashier works on now; AMOUNT asks for the amount of
# "Add points"; STORE_QUESTION is an operation waiting for the store of the day (another card
# opened: it is not made).
OPEN_CARD = StepKind("card", OnCard)
AMOUNT = StepKind("amount", OnCard)
REDEEM = StepKind("redeem", Redemption)
BIG_CHANGE = StepKind("big_change", BigChange)
COUNTER_STEPS = tuple(k.name for k in (OPEN_CARD, AMOUNT, REDEEM, BIG_CHANGE, STORE_QUESTION))

STAMP = ButtonAction("st", (Token, Token))  # card number, one-time nonce: +1
STAMP_MORE = ButtonAction("sm", (Token, int, Token))  # card number, +n, one-time nonce
MORE_STAMPS = (2, 3)  # beside +1: two or three coffees in one tap
ASK_REDEEM = ButtonAction("rq", (Token,))  # card number
ADD_POINTS = ButtonAction("ap", (Token,))  # card number


async def open_card(
    context: BotContext, viewer: Viewer, card: CardView, *, shown: bool = True
) -> None:
    """Make `card` the chat's open card: open steps of any other card are superseded.

    All open counter steps of a chat are about one card (each opening supersedes the rest), so
    the newest tells whether anything must change. `shown`: the card was shown with its
    buttons (a scan, a look-up, a typed number), and is remembered as the one to press; after
    a command that only names it (/stamp 1234…), nothing is written unless a question about
    another card was open.
    """
    steps = context.infra.steps
    current = await steps.latest_open(viewer.chat_id, COUNTER_STEPS)
    if current is not None and current.subject_id == card.card_id:
        return
    if not shown:
        if current is not None:
            await steps.supersede(viewer.chat_id, COUNTER_STEPS)
        return
    await steps.open(
        viewer.chat_id,
        OPEN_CARD.name,
        subject_id=card.card_id,
        payload=OPEN_CARD.encode(OnCard(card.number)),
        ttl=PROMPT_TTL,
        supersedes=COUNTER_STEPS,
    )


async def confirmed(
    update: Update,
    context: BotContext,
    viewer: Viewer,
    op: Operation,
    *,
    edit: bool = False,
    lead: str | None = None,
) -> None:
    """Tell the cashier what was done; the customer's notice is in the outbox already."""
    await open_card(context, viewer, op.card, shown=edit)
    text = counter_texts.operation_done(viewer.t, op)
    if lead is not None:
        text = f"{lead}\n{text}"
    if edit:
        now = context.service.clock.now()
        markup = None if op.replayed else card_keyboard(viewer, op.card, now)
        # What the card takes now: its buttons, and when no stamp button, until when.
        text = "\n".join([text, *counter_texts.next_stamp(viewer.t, op.card, now)])
        await edit_or_reply(update, text, markup)
    elif _reward_ready(op.card) and not op.replayed and not op.kind.is_redemption:
        # The card just reached a reward: the cashier sees it and can hand it over now.
        await reply(
            update, text, keyboards.redeem_keyboard(viewer.t, ASK_REDEEM.data(op.card.number))
        )
    else:
        await reply(update, text)


def _reward_ready(card: CardView) -> bool:
    return bool(card.affordable)


def card_keyboard(
    viewer: Viewer, card: CardView, now: datetime, scanner: str | None = None
) -> keyboards.InlineKeyboardMarkup | None:
    """The card's buttons for what can be done now: no "+1 stamp" that the cooldown would
    refuse (right after a stamp, say), Redeem once a reward is ready."""
    stamps: list[tuple[int, str]] = []
    if card.can_stamp_at(now):
        stamps = [(1, STAMP.data(card.number, nonce()))]
        stamps += [(n, STAMP_MORE.data(card.number, n, nonce())) for n in MORE_STAMPS]
    return keyboards.scan_keyboard(
        viewer.t,
        card,
        stamps=stamps,
        redeem=ASK_REDEEM.data(card.number) if _reward_ready(card) else None,
        add_points=ADD_POINTS.data(card.number),
        scanner=scanner,
    )
