"""Finding one's way in: /start with nothing to open (the person's cards, or for someone new
both ways in with buttons: join a café · set up my café), and a command sent without the
argument it needs (/addstore, /join, /stamp…) asking for it: the answer, typed in reply, runs
the command as if it had been given. The first /start's buttons ask the same questions.

The question is a step bound to its prompt (`infra.steps`), so any worker, after a restart,
knows which command an answer completes; a newer question replaces an older one.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot import keyboards
from bot.callbacks import ButtonAction, Token
from bot.context import BotContext
from bot.features.common import PROMPT_TTL, Feature, Viewer, prompt, reply
from bot.step_kinds import StepKind
from bot.texts import cards as card_texts
from bot.texts import commands as texts
from bot.texts import general


@dataclass(frozen=True)
class ArgumentAsked:
    """The command waiting for its argument, by name."""

    command: str


ARGUMENT = StepKind("command_argument", ArgumentAsked)

# Commands that do nothing useful without an argument: asked for, not answered "Usage:".
ASKS_FOR_ARGUMENT = frozenset(
    {"setup", "addstore", "join", "revoke", "correct"}
    | {"stamp", "redeem", "points", "void", "lookup"}
)

START_CHOICE = ButtonAction("wi", (Token,))  # "join" or "setup"


async def welcome(update: Update, context: BotContext, viewer: Viewer) -> None:
    """/start without a link: the person's cards; someone new gets both ways in."""
    cards = await context.service.customers.cards(viewer.user_id)
    if cards:
        await reply(update, card_texts.cards_overview(viewer.t, cards))
    elif viewer.identity.membership is None:
        platform = context.bot.is_platform  # a café's own bot sets up no other café
        await reply(
            update,
            general.first_welcome(viewer.t, viewer.first_name, may_set_up=platform),
            keyboards.start_keyboard(
                viewer.t,
                START_CHOICE.data("join"),
                START_CHOICE.data("setup") if platform else None,
            ),
        )
    else:
        await reply(update, general.welcome(viewer.t, viewer.first_name))


async def ask_argument(update: Update, context: BotContext, viewer: Viewer, name: str) -> None:
    """Ask for what `/name` needs; the reply runs it."""
    step = await context.infra.steps.open(
        viewer.chat_id,
        ARGUMENT.name,
        payload=ARGUMENT.encode(ArgumentAsked(name)),
        ttl=PROMPT_TTL,
        supersedes=(ARGUMENT.name,),
    )
    await prompt(
        update,
        context,
        step,
        texts.argument_question(viewer.t, name),
        texts.argument_placeholder(viewer.t, name),
    )


async def _start_choice(update: Update, context: BotContext, viewer: Viewer, choice: str) -> None:
    """A button of the first /start: the store code to join, or the café's name to set up."""
    if choice in ("join", "setup"):
        await ask_argument(update, context, viewer, choice)


FEATURE = Feature(name="onboarding", buttons=((START_CHOICE, _start_choice),))
