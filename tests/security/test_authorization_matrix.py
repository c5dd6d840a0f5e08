"""Who may do what: every staff and owner action × every kind of outsider → refused with the
right message and nothing changed; and nobody acts on their own card, owners included.

The same matrix is checked twice, on both engines: at the domain level (domain.service, the
typed refusal) and through Telegram (the real bot and emulator: the translated message, forged
and stale button taps included).
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot.i18n import translator
from bot.texts import counter as counter_texts
from bot.texts import general
from bot.texts.refusals import refusal_text
from domain import errors
from domain.model import RewardUnit, UserProfile
from domain.service import LoyaltyService
from emulator.models import SentMessage
from tests.support.secure_bot import (
    SecureBot,
    assert_handled_well,
    changed_sections,
    record_figure,
    snapshot,
)

EN = translator("en")

OWNER, CASHIER, GARE_CASHIER, HOLDER, CUSTOMER, REVOKED, STRANGER = range(1000, 1007)
RIVAL_OWNER, RIVAL_CASHIER = 2000, 2001
HOME_STORE = "Café"

# Outsiders for the counter; each with the refusal they get for a card of the Café.
NOT_STAFF, NOT_FOUND, OTHER_STORE = "not staff", "not found", "other store"
STAFF_OUTSIDERS = {
    "stranger": (STRANGER, NOT_STAFF),
    "customer": (CUSTOMER, NOT_STAFF),
    "the card's holder": (HOLDER, NOT_STAFF),
    "cashier of another merchant": (RIVAL_CASHIER, NOT_FOUND),
    "owner of another merchant": (RIVAL_OWNER, NOT_FOUND),
    "cashier of another store (cross-location off)": (GARE_CASHIER, OTHER_STORE),
    "revoked cashier": (REVOKED, NOT_STAFF),
}
STAFF_OUTSIDERS_IDS = tuple(actor for actor, _ in STAFF_OUTSIDERS.values())
OWNER_OUTSIDERS = {
    "stranger": STRANGER,
    "customer": CUSTOMER,
    "cashier of another merchant": RIVAL_CASHIER,
    "cashier of another store": GARE_CASHIER,
    "revoked cashier": REVOKED,
    "cashier of the same merchant": CASHIER,
}


@dataclass
class Shop:
    """A merchant with two stores and cross-location off, its people, and a rival merchant."""

    number: str  # the holder's card, e.g. 1234-5678-9012
    digits: str
    qr_token: str
    owner_card: str
    owner_qr: str
    cashier_card: str
    cashier_qr: str


def profile(user_id: int, name: str) -> UserProfile:
    return UserProfile(user_id, name, None, "en")


async def build_shop(bots_service: LoyaltyService) -> Shop:
    """The shop, set up behind the bot's back: its people never opened a chat with the bot, so
    its operations record no notices (the bot's own service would queue them)."""
    service = LoyaltyService(bots_service.database, bots_service.clock)
    keys = (f"setup-{n}" for n in itertools.count())
    merchants, staff, counter = service.merchants, service.staff, service.counter
    cafe = await merchants.setup(
        profile(OWNER, "Owner"),
        HOME_STORE,
        language="en",
        reward="Free coffee",
        points_reward_text="5 € voucher",
    )
    for key, value in [("type", "hybrid"), ("cooldown", "0"), ("daily_limit", "0")]:
        await merchants.change_program(OWNER, key, value)
    await merchants.change_program(OWNER, "stamps_target", "2")
    # Room above the first reward: a card holding it still takes a stamp.
    await service.rewards.add(OWNER, 10, "Cake", RewardUnit.STAMPS)
    await merchants.add_store(OWNER, "Gare")
    for user_id, store in [(CASHIER, None), (GARE_CASHIER, "Gare"), (REVOKED, None)]:
        invite = await staff.create_invite(OWNER, store)
        await staff.accept_invite(profile(user_id, f"Staff {user_id}"), invite.token)
    await merchants.change_program(OWNER, "cross_location", "off")
    cards = {}
    for user_id in (HOLDER, CUSTOMER, OWNER, CASHIER):
        cards[user_id] = (await service.customers.enrol(profile(user_id, "C"), cafe.code)).card
    # Balances that would allow every operation: a full stamp card and a points reward.
    for user_id, giver in [(HOLDER, CASHIER), (OWNER, CASHIER), (CASHIER, OWNER)]:
        number = cards[user_id].number
        await counter.stamp(giver, number, 2, idempotency_key=next(keys))
        await counter.earn_points(giver, number, Decimal(200), idempotency_key=next(keys))
    rival = await merchants.setup(
        profile(RIVAL_OWNER, "Rival"),
        "Rival",
        language="en",
        reward="Free tea",
        points_reward_text="5 € voucher",
    )
    invite = await staff.create_invite(RIVAL_OWNER, None)
    await staff.accept_invite(profile(RIVAL_CASHIER, "Rival cashier"), invite.token)
    assert rival.merchant_id != cafe.merchant_id
    holder = cards[HOLDER]
    return Shop(
        number=holder.display_number,
        digits=holder.number,
        qr_token=holder.qr_token,
        owner_card=cards[OWNER].display_number,
        owner_qr=cards[OWNER].qr_token,
        cashier_card=cards[CASHIER].display_number,
        cashier_qr=cards[CASHIER].qr_token,
    )


async def revoke(service: LoyaltyService, user_id: int) -> None:
    listing = await service.staff.list_staff(OWNER)
    number = next(member.number for member in listing if member.user_id == user_id)
    await service.staff.revoke(OWNER, number)


# --- the domain level -----------------------------------------------------------------------

Action = Callable[[LoyaltyService, int, Shop, str], Awaitable[Any]]

STAFF_ACTIONS: dict[str, Action] = {
    "stamp": lambda s, a, shop, key: s.counter.stamp(a, shop.number, 1, idempotency_key=key),
    "stamp by QR token": lambda s, a, shop, key: s.counter.stamp(
        a, shop.qr_token, 1, idempotency_key=key
    ),
    "redeem (question)": lambda s, a, shop, key: s.counter.redeemable(a, shop.number),
    "redeem points (question)": lambda s, a, shop, key: s.counter.redeemable(a, shop.number, 100),
    "redeem stamps (confirm)": lambda s, a, shop, key: s.counter.redeem_stamps(
        a, shop.number, idempotency_key=key
    ),
    "redeem points (confirm)": lambda s, a, shop, key: s.counter.redeem_points(
        a, shop.number, 100, idempotency_key=key
    ),
    "points": lambda s, a, shop, key: s.counter.earn_points(
        a, shop.number, Decimal("12.50"), idempotency_key=key
    ),
    "void": lambda s, a, shop, key: s.counter.void_points(
        a, shop.number, 5, "return", idempotency_key=key
    ),
    "lookup": lambda s, a, shop, key: s.counter.lookup(a, shop.number),
    "undo": lambda s, a, shop, key: s.counter.undo(a),
}
OWNER_ACTIONS: dict[str, Action] = {
    "program": lambda s, a, shop, key: s.merchants.program(a),
    "program set": lambda s, a, shop, key: s.merchants.change_program(a, "stamps_target", "5"),
    "program set cross_location": lambda s, a, shop, key: s.merchants.change_program(
        a, "cross_location", "on", confirm_merge=True
    ),
    "addstore": lambda s, a, shop, key: s.merchants.add_store(a, "Kirchberg"),
    "stores (with join links)": lambda s, a, shop, key: s.merchants.stores(a),
    "poster (find store)": lambda s, a, shop, key: s.merchants.find_store(a, "Gare"),
    "invite (all stores)": lambda s, a, shop, key: s.staff.create_invite(a, None),
    "invite (one store)": lambda s, a, shop, key: s.staff.create_invite(a, "Gare"),
    "staff": lambda s, a, shop, key: s.staff.list_staff(a),
    "revoke": lambda s, a, shop, key: s.staff.revoke(a, 1),
    "summary today": lambda s, a, shop, key: s.reports.summary_for_owner(a, "today"),
    "summary month": lambda s, a, shop, key: s.reports.summary_for_owner(a, "month"),
    "export": lambda s, a, shop, key: s.reports.export_ledger(a, 30),
    "rewards": lambda s, a, shop, key: s.rewards.ladder(a),
    "rewards add": lambda s, a, shop, key: s.rewards.add(a, 7, "Cake"),
    "rewards remove": lambda s, a, shop, key: s.rewards.reward_at(a, 1),
}
OWN_CARD_ACTIONS = [name for name in STAFF_ACTIONS if name not in ("lookup", "undo")]
EXPECTED_ERROR = {
    NOT_STAFF: errors.NotStaff,
    NOT_FOUND: errors.CardNotFound,
    OTHER_STORE: errors.CardOfOtherStore,
}


def _own(shop: Shop, actor: int) -> Shop:
    """The shop seen with the actor's own card in place of the holder's."""
    number, token = (
        (shop.owner_card, shop.owner_qr) if actor == OWNER else (shop.cashier_card, shop.cashier_qr)
    )
    return Shop(number, number.replace("-", ""), token, *[""] * 4)


async def test_the_matrix_in_the_domain(service: LoyaltyService, engine_name: str) -> None:
    shop = await build_shop(service)
    await service.counter.stamp(REVOKED, shop.number, 1, idempotency_key="revoked-own-op")
    await revoke(service, REVOKED)  # their stamp is still inside the undo window
    keys = (f"matrix-{n}" for n in itertools.count())
    cells = 0

    async def refused(actor: int, action: Action, expected: type, target: Shop, what: str) -> None:
        nonlocal cells
        before = await snapshot(service)
        with pytest.raises(expected) as refusal:
            await action(service, actor, target, next(keys))
        assert type(refusal.value) is expected, (what, refusal.value)
        if expected is errors.CardOfOtherStore:
            assert refusal.value.store_name == HOME_STORE
        after = await snapshot(service)
        assert changed_sections(before, after) == set(), what
        cells += 1

    for (who, (actor, outcome)), (name, action) in itertools.product(
        STAFF_OUTSIDERS.items(), STAFF_ACTIONS.items()
    ):
        expected = EXPECTED_ERROR[outcome]
        if name == "undo" and outcome != NOT_STAFF:
            expected = errors.NothingToUndo  # staff elsewhere: nothing of theirs here
        await refused(actor, action, expected, shop, f"{who}: {name}")
    for (who, actor), (name, action) in itertools.product(
        OWNER_OUTSIDERS.items(), OWNER_ACTIONS.items()
    ):
        await refused(actor, action, errors.NotOwner, shop, f"{who}: {name}")
    for actor, name in itertools.product((OWNER, CASHIER), OWN_CARD_ACTIONS):
        await refused(actor, STAFF_ACTIONS[name], errors.OwnCard, _own(shop, actor), f"{name}")
    assert await service.maintenance.invariant_breaches() == []
    record_figure(f"authorization matrix, domain level, {engine_name}", f"{cells} cells")


# --- through Telegram -----------------------------------------------------------------------

TELEGRAM_STAFF_ACTIONS = [
    "/stamp {number}",
    "/stamp {qr}",
    "/redeem {number}",
    "/redeem {number} 100",
    "/points {number} 12,50",
    "/void {number} 5 return",
    "/lookup {number}",
    "/undo",
    "{number}",  # a card number typed as plain text: staff get the card
    "/start card_{qr}",  # the card's QR code opened with the phone camera
    "tap +1 stamp",
    "tap Redeem",
    "tap Add points",
    "tap Confirm (stamps)",
    "tap Confirm (points)",
]
TELEGRAM_OWNER_ACTIONS = [
    "/program",
    "/program set stamps_target 5",
    "/addstore Kirchberg",
    "/invite",
    "/invite all",
    "/invite Gare",
    "/staff",
    "/revoke 1",
    "/summary",
    "/summary week",
    "/export",
    "/export 7",
    "/poster",
    "/poster Gare",
    "/rewards",
    "/rewards add 7 Cake",
    "/rewards remove 1",
]
BUTTON_DATA = {
    "tap +1 stamp": "st:{digits}:forged01",
    "tap Redeem": "rq:{digits}",
    "tap Add points": "ap:{digits}",
    # Confirmations are bound to a step of the chat that asked: another chat's step id.
    "tap Confirm (stamps)": "rc:{stamps_step}",
    "tap Confirm (points)": "rc:{points_step}",
}
BUTTON_PREFIX = {
    "tap +1 stamp": "st:",
    "tap Redeem": "rq:",
    "tap Add points": "ap:",
    "tap Confirm (stamps)": "rc:",
    "tap Confirm (points)": "rc:",
}


def expected_text(action: str, outcome: str) -> str:
    if outcome == NOT_STAFF and action == "{number}":
        return general.not_understood(EN)
    if action == "/start card_{qr}" and outcome == NOT_STAFF:
        return counter_texts.scan_for_strangers(EN)  # nothing learnt, not even "no such card"
    if action == "/start card_{qr}" and outcome == NOT_FOUND:
        return counter_texts.stale_qr_for_staff(EN)  # staff: not a card of theirs, nothing more
    if action == "/undo" and outcome != NOT_STAFF:
        return refusal_text(EN, errors.NothingToUndo())
    refusal = {
        NOT_STAFF: errors.NotStaff(),
        NOT_FOUND: errors.CardNotFound(),
        OTHER_STORE: errors.CardOfOtherStore(store_name=HOME_STORE),
    }[outcome]
    return refusal_text(EN, refusal)


def _data(message: SentMessage, prefix: str) -> str:
    found = [
        b.callback_data
        for row in message.buttons
        for b in row
        if b.callback_data and b.callback_data.startswith(prefix)
    ]
    assert len(found) == 1, (prefix, message.buttons)
    return found[0]


async def test_the_matrix_through_telegram(secure_bot: SecureBot, engine_name: str) -> None:
    bot, tg = secure_bot, secure_bot.tg
    service = bot.service
    shop = await build_shop(service)
    users = {
        user_id: tg.user(user_id, f"User {user_id}", language_code="en", started=True)
        for user_id in (*STAFF_OUTSIDERS_IDS, OWNER, CASHIER)
    }
    fmt = {"number": shop.number, "qr": shop.qr_token, "digits": shop.digits}

    # While still staff, the soon-revoked cashier stamps, scans the card and asks to redeem:
    # they keep these messages, and their buttons, after they are revoked.
    revoked = users[REVOKED]
    assert_handled_well(await bot.send(revoked, f"/stamp {shop.number}"), bot)
    scanned = (await bot.send(revoked, f"/lookup {shop.number}")).first
    # Two rewards are affordable (the coffee's stamps, the voucher's points): pick the coffee.
    choice = (await bot.send(revoked, f"/redeem {shop.number}")).first
    stamps_question = (await bot.press(revoked, choice, "Free coffee (2 stamps)")).first
    points_question = (await bot.send(revoked, f"/redeem {shop.number} 100")).first
    fmt["stamps_step"] = _data(stamps_question, "rc:").split(":")[1]
    fmt["points_step"] = _data(points_question, "rc:").split(":")[1]
    stale = {
        "tap +1 stamp": (scanned, _data(scanned, "st:")),
        "tap Redeem": (scanned, _data(scanned, "rq:")),
        "tap Add points": (scanned, _data(scanned, "ap:")),
        "tap Confirm (stamps)": (stamps_question, _data(stamps_question, "rc:")),
        "tap Confirm (points)": (points_question, _data(points_question, "rc:")),
    }
    removed = await bot.send(users[OWNER], "/staff")
    number = next(
        line.split(".")[0] for line in removed.first.content.splitlines() if f"{REVOKED}" in line
    )
    question = await bot.send(users[OWNER], f"/revoke {number}")  # "Remove User …?" Yes/No
    assert_handled_well(question, bot)
    assert question.first.content == f"Remove Staff {REVOKED} from your staff?"
    assert_handled_well(await bot.press(users[OWNER], question.first, "Yes"), bot)
    assert await service.staff.membership(REVOKED) is None
    cells = 0

    async def check(user_id: int, action: str, expected: str, what: str) -> None:
        nonlocal cells
        user = users[user_id]
        before = await snapshot(service)
        if action in BUTTON_DATA:
            if user_id == REVOKED:
                message, data = stale[action]
                exchange = await bot.tap(user, message, data)
            else:
                if user.last_message is None:
                    await bot.send(user, "/help")
                exchange = await bot.forge(user, BUTTON_DATA[action].format(**fmt))
        else:
            exchange = await bot.send(user, action.format(**fmt))
        after = await snapshot(service)
        assert_handled_well(exchange, bot)
        assert exchange.first.content == expected, f"{what}: {exchange.first.content!r}"
        assert exchange.first.buttons == [], what
        assert changed_sections(before, after) == set(), what
        cells += 1

    for (who, (actor, outcome)), action in itertools.product(
        STAFF_OUTSIDERS.items(), TELEGRAM_STAFF_ACTIONS
    ):
        expected = expected_text(action, outcome)
        if action.startswith("tap Confirm") and actor != REVOKED:
            expected = general.button_expired(EN)  # another chat's step: there is none for them
        if action == "tap Confirm (stamps)" and actor == REVOKED:
            expected = general.button_expired(EN)  # their later /redeem replaced that question
        await check(actor, action, expected, f"{who}: {action}")
    not_owner = refusal_text(EN, errors.NotOwner())
    for (who, actor), action in itertools.product(OWNER_OUTSIDERS.items(), TELEGRAM_OWNER_ACTIONS):
        await check(actor, action, not_owner, f"{who}: {action}")

    # Nobody acts on their own card: the owner and a cashier, each holding a card here.
    own_card = refusal_text(EN, errors.OwnCard())
    for actor in (OWNER, CASHIER):
        own = _own(shop, actor)
        mine = {"number": own.number, "qr": own.qr_token, "digits": own.digits}
        user = users[actor]
        for action in (
            "/stamp {number}",
            "/stamp {qr}",
            "/stamp {number} 2",
            "/redeem {number}",
            "/redeem {number} 100",
            "/points {number} 12,50",
            "/void {number} 5 return",
        ):
            before = await snapshot(service)
            exchange = await bot.send(user, action.format(**mine))
            assert_handled_well(exchange, bot)
            assert exchange.first.content == own_card, (actor, action, exchange.first.content)
            assert changed_sections(before, await snapshot(service)) == set()
            cells += 1
        # Scanning one's own card shows it (looking is allowed); its buttons refuse.
        scan = (await bot.send(user, f"/start card_{own.qr_token}")).first
        for label, prefix in BUTTON_PREFIX.items():
            if label.startswith("tap Confirm"):
                continue  # no confirmation is ever asked: /redeem of one's own card is refused
            before = await snapshot(service)
            exchange = await bot.tap(user, scan, _data(scan, prefix))
            if label == "tap Add points":  # asks for the amount; the amount is refused
                assert_handled_well(exchange, bot)
                exchange = await bot.send(user, "12,50")
            assert_handled_well(exchange, bot)
            assert exchange.first.content == own_card, (actor, label, exchange.first.content)
            assert changed_sections(before, await snapshot(service)) == set()
            cells += 1
    assert await service.maintenance.invariant_breaches() == []
    record_figure(f"authorization matrix, Telegram, {engine_name}", f"{cells} cells")


async def test_customer_buttons_reach_no_one_elses_card(
    secure_bot: SecureBot, engine_name: str
) -> None:
    """The buttons of customers' screens carry card and ledger ids: a forged tap with someone
    else's (history pages, choice of card, new QR code, "not me") is refused, and a forged
    "merge the cards" answer from anyone but the owner too."""
    bot, tg = secure_bot, secure_bot.tg
    service = bot.service
    shop = await build_shop(service)
    card = next(c for c in await service.customers.cards(HOLDER) if c.number == shop.digits)
    page = await service.customers.history(HOLDER, card.card_id)
    earning = next(line.entry_id for line in page.lines if line.kind.is_earning)
    no_card = refusal_text(EN, errors.NoCard())
    forged = {
        f"hc:{card.card_id}": no_card,
        f"nq:{card.card_id}": no_card,
        f"h:{card.card_id}:{2**40}": no_card,
        f"nm:{earning}": refusal_text(EN, errors.EntryNotFound()),
        "mg:1:y": general.button_expired(EN),  # no merge question was asked in their chat
    }
    cells = 0
    for actor in (STRANGER, CUSTOMER, RIVAL_CASHIER, RIVAL_OWNER, CASHIER, GARE_CASHIER, OWNER):
        user = tg.user(actor, f"User {actor}", language_code="en", started=True)
        await bot.send(user, "/help")
        for data, expected in forged.items():
            if data == "mg:1:y" and actor in (OWNER, RIVAL_OWNER):
                continue  # owners may merge their own cards: that is the button's purpose
            before = await snapshot(service)
            exchange = await bot.forge(user, data)
            assert_handled_well(exchange, bot)
            assert exchange.first.content == expected, (actor, data, exchange.first.content)
            assert changed_sections(before, await snapshot(service)) == set(), (actor, data)
            cells += 1
    still = next(c for c in await service.customers.cards(HOLDER) if c.number == shop.digits)
    assert still.qr_token == shop.qr_token and still.stamp_count == card.stamp_count
    record_figure(f"forged customer-button taps, {engine_name}", f"{cells} cells")


async def test_guessing_card_numbers_pauses_the_guesser_only(secure_bot: SecureBot) -> None:
    """20 unknown cards in 10 minutes and a cashier is paused, even for a real card (so the
    pause is no oracle); other staff are not; ten minutes later it works again."""
    bot, tg = secure_bot, secure_bot.tg
    shop = await build_shop(bot.service)
    guesser = tg.user(RIVAL_CASHIER, "Guesser", language_code="en", started=True)
    for guess in range(20):
        exchange = await bot.send(guesser, f"/lookup 0000-0000-{guess:04d}")
        assert exchange.first.content == refusal_text(EN, errors.CardNotFound())
    for text in (f"/lookup {shop.number}", "0000-0000-9999", f"/start card_{shop.qr_token}"):
        exchange = await bot.send(guesser, text)
        assert_handled_well(exchange, bot)
        assert exchange.first.content.startswith("Too many unknown card numbers"), text
    colleague = tg.user(RIVAL_OWNER, "Rival", language_code="en", started=True)
    exchange = await bot.send(colleague, "/lookup 0000-0000-0001")
    assert exchange.first.content == refusal_text(EN, errors.CardNotFound())
    bot.clock.advance(timedelta(minutes=11))
    exchange = await bot.send(guesser, "/lookup 0000-0000-0001")
    assert exchange.first.content == refusal_text(EN, errors.CardNotFound())
