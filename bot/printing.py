"""A store's join poster as a file: its words in the chosen languages (the café's ladder and
welcome bonus), its QR code opening the bot that speaks for the café, drawn by bot.poster.
Shared by /poster, the café bot's "ready" message and the Mini App's poster button."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from bot.i18n import Translator, translator
from bot.links import LinkKind, deep_link
from bot.look import DEFAULT_LOOK, Look
from bot.poster import PosterWords, join_poster, join_poster_pdf, poster_layout
from bot.texts import reports as report_texts
from domain.model import Reward, StoreView
from domain.program import ProgramSettings


class PosterFormat(StrEnum):
    PNG = "png"  # for a screen at the counter (the default)
    PDF = "pdf"  # for the printer: text as text, the code sharp at any size


def poster_words(
    t: Translator, settings: ProgramSettings, rewards: Sequence[Reward], code: str, bot: str
) -> PosterWords:
    return PosterWords(
        call_to_action=report_texts.poster_call_to_action(t, settings.type),
        offers=tuple(report_texts.poster_offers(t, rewards)),
        welcome=report_texts.poster_welcome(t, settings),
        instructions=report_texts.poster_instructions(t),
        code_hint=report_texts.poster_code_hint(t, code, bot),
    )


def poster_bytes(
    store: StoreView,
    settings: ProgramSettings,
    rewards: Sequence[Reward],
    bot_username: str,
    languages: list[str],
    kind: PosterFormat = PosterFormat.PNG,
    look: Look = DEFAULT_LOOK,
) -> bytes:
    """A store's join poster, its QR code opening the bot that speaks for the café."""
    words = [
        poster_words(translator(language), settings, rewards, store.code, bot_username)
        for language in languages
    ]
    layout = poster_layout(
        store.merchant_name, store.name, store.code, words, logo=look.logo is not None
    )
    link = deep_link(bot_username, LinkKind.JOIN, store.code)
    draw = join_poster_pdf if kind is PosterFormat.PDF else join_poster
    return draw(layout, link, look)
