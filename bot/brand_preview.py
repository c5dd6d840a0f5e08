"""The café's look as its owner previews it: a sample card in the café's colour, symbol and
logo, with its ladder, drawn the same for /brand in chat and the Mini App's Look screen."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import Translator
from bot.images import card_png
from bot.links import LinkKind
from bot.look import look_of
from bot.texts.cards import preview_face
from domain.service import LoyaltyService

# A link of the café through the bot that speaks for it (BotContext.link, MiniApp's _link).
CafeLink = Callable[[LinkKind, str, int], str]


async def sample_card(
    service: LoyaltyService,
    owner_id: int,
    merchant: tuple[int, str],
    t: Translator,
    link: CafeLink,
) -> bytes:
    """The sample card of the owner's café (`merchant`: its id and name) as a PNG; its QR code
    is the join link of the café's first store."""
    merchant_id, merchant_name = merchant
    look = await look_of(service.brand, merchant_id)
    ladder = await service.rewards.ladder(owner_id)
    stores = await service.merchants.stores(owner_id)
    face = preview_face(t, merchant_name, ladder.rewards)
    return card_png(face, link(LinkKind.JOIN, stores[0].code, merchant_id), look)
