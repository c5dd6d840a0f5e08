"""Consent, the messages that bring customers back, and offers, on a real SQLite file and a
real PostgreSQL: PRODUCT.md §8 "Messages that bring customers back" and "Offers"."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain import errors
from domain.clock import ManualClock
from domain.db.tables import OfferRecipient, User
from domain.effects import AskForOffers, BringBack, ReportOffer, SendOffer
from domain.model import UserProfile
from domain.offers import AudienceKind, OfferOutcome
from domain.service import LoyaltyService
from infra import Infrastructure
from infra.tables import OutboxMessage
from tests.support.scenario import Shop, new_profile, open_shop


async def _visited(
    shop: Shop, cashier: UserProfile, store_code: str | None = None, stamps: int = 1
):  # type: ignore[no-untyped-def]
    """A new customer with a card and `stamps` stamps (0: joined, never served)."""
    customer = new_profile("Customer")
    card = (await shop.service.customers.enrol(customer, store_code or shop.first_store.code)).card
    if stamps:
        await shop.service.counter.stamp(cashier.user_id, card.number, stamps)
    return customer, card


async def _effects(infra: Infrastructure, kind: str) -> list[OutboxMessage]:
    """The effects of one kind queued in the outbox, oldest first."""
    async with infra.outbox.database.read() as session:
        rows = await session.execute(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
        return list(rows.scalars())


async def _shop(service: LoyaltyService, **settings: str) -> tuple[Shop, UserProfile]:
    shop = await open_shop(service, cooldown="0", daily_limit="0", **settings)
    return shop, await shop.hire("Cashier")


# --- consent ------------------------------------------------------------------------------------


async def test_consent_is_off_by_default_and_asked_once_after_the_first_visit(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    shop, cashier = await _shop(service)
    joined = new_profile("Joined only")
    await service.customers.enrol(joined, shop.first_store.code)
    assert await _effects(infra, AskForOffers.kind) == []  # joining is not a visit

    customer, card = await _visited(shop, cashier)
    await service.counter.stamp(cashier.user_id, card.number)
    asked = await _effects(infra, AskForOffers.kind)
    assert [row.recipient_id for row in asked] == [customer.user_id]
    notice = [r for r in await _effects(infra, "notice") if r.recipient_id == customer.user_id]
    assert notice[0].id < asked[0].id  # after the visit's notice
    assert [c.offers for c in await service.consent.choices(customer.user_id)] == [False]
    assert [c.nudges for c in await service.consent.choices(customer.user_id)] == [True]


async def test_opting_in_and_out_changes_the_audience(service: LoyaltyService) -> None:
    shop, cashier = await _shop(service)
    customer, _ = await _visited(shop, cashier)
    await service.offers.check_allowance(shop.owner.user_id)
    draft = await service.offers.draft(shop.owner.user_id, "Two for one")
    preview = await service.offers.choose_audience(
        shop.owner.user_id, draft.offer_id, AudienceKind.ALL
    )
    assert preview.audience_size == 0

    await service.consent.set_offers(customer.user_id, None, True)
    preview = await service.offers.choose_audience(
        shop.owner.user_id, draft.offer_id, AudienceKind.ALL
    )
    assert preview.audience_size == 1

    choice = (await service.consent.set_offers(customer.user_id, None, False))[0]
    assert (choice.offers, choice.nudges) == (False, False)  # /offers off stops everything
    preview = await service.offers.choose_audience(
        shop.owner.user_id, draft.offer_id, AudienceKind.ALL
    )
    assert preview.audience_size == 0

    stranger = new_profile("Stranger")
    with pytest.raises(errors.NoMerchantOfCustomer):
        await service.consent.set_offers(stranger.user_id, None, True)


# --- win-back and almost there --------------------------------------------------------------


async def test_win_back_goes_once_per_lapse(
    service: LoyaltyService, infra: Infrastructure, clock: ManualClock
) -> None:
    shop, cashier = await _shop(service, winback_days="30", stamps_target="10")
    customer, card = await _visited(shop, cashier)
    clock.advance(timedelta(days=29))
    assert await service.consent.queue_bring_back_messages() == 0
    clock.advance(timedelta(days=1, minutes=1))
    assert await service.consent.queue_bring_back_messages() == 1
    assert await service.consent.queue_bring_back_messages() == 0  # once for this lapse
    clock.advance(timedelta(days=40))
    assert await service.consent.queue_bring_back_messages() == 0

    await service.counter.stamp(cashier.user_id, card.number)  # a new lapse begins
    clock.advance(timedelta(days=31))
    assert await service.consent.queue_bring_back_messages() == 1
    sent = [r for r in await _effects(infra, BringBack.kind) if '"winback"' in r.payload]
    assert len(sent) == 2 and {r.recipient_id for r in sent} == {customer.user_id}


async def test_stopping_the_messages_or_winback_days_zero_sends_none(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier = await _shop(service)
    stopped, _ = await _visited(shop, cashier)
    await service.consent.stop_nudges(
        stopped.user_id, (await service.consent.choices(stopped.user_id))[0].merchant_id
    )
    other_shop, other_cashier = await _shop(service, winback_days="0")
    await _visited(other_shop, other_cashier)
    clock.advance(timedelta(days=400))
    assert await service.consent.queue_bring_back_messages() == 0


async def test_almost_there_after_a_week_one_stamp_or_a_tenth_of_the_points_away(
    service: LoyaltyService, infra: Infrastructure, clock: ManualClock
) -> None:
    shop, cashier = await _shop(service, stamps_target="5")
    near, near_card = await _visited(shop, cashier, stamps=4)
    await _visited(shop, cashier, stamps=2)  # three stamps away: not near
    points_shop, points_cashier = await _shop(service, type="points", points_reward="100")
    close, close_card = await _visited(points_shop, points_cashier, stamps=0)
    far, far_card = await _visited(points_shop, points_cashier, stamps=0)
    await service.counter.earn_points(points_cashier.user_id, close_card.number, Decimal(92))
    await service.counter.earn_points(points_cashier.user_id, far_card.number, Decimal(80))

    clock.advance(timedelta(days=6))
    assert await service.consent.queue_bring_back_messages() == 0
    clock.advance(timedelta(days=1, minutes=1))
    assert await service.consent.queue_bring_back_messages() == 2
    almost = [r for r in await _effects(infra, BringBack.kind) if '"almost"' in r.payload]
    assert {r.recipient_id for r in almost} == {near.user_id, close.user_id}
    assert await service.consent.queue_bring_back_messages() == 0
    message = await service.consent.bring_back_message_of(near_card.card_id, "almost")
    assert message.wanted and message.card.stamps_to_reward == 1


# --- offers ---------------------------------------------------------------------------------------


async def _opted_in(
    shop: Shop, cashier: UserProfile, store_code: str | None = None, stamps: int = 1
) -> UserProfile:
    customer, _ = await _visited(shop, cashier, store_code, stamps)
    await shop.service.consent.set_offers(customer.user_id, None, True)
    return customer


async def _send(
    service: LoyaltyService,
    shop: Shop,
    audience: AudienceKind = AudienceKind.ALL,
    arg: int | None = None,
):  # type: ignore[no-untyped-def]
    draft = await service.offers.draft(shop.owner.user_id, "Two for one")
    await service.offers.choose_audience(shop.owner.user_id, draft.offer_id, audience, arg)
    return await service.offers.send(shop.owner.user_id, draft.offer_id)


async def test_offers_per_day_counts_merchant_local_days(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier = await _shop(service, offers_per_day="2")
    await _opted_in(shop, cashier)
    await _send(service, shop)
    await _send(service, shop)
    with pytest.raises(errors.OfferLimitReached) as caught:
        await service.offers.check_allowance(shop.owner.user_id)
    assert caught.value.limit == 2
    with pytest.raises(errors.OfferLimitReached):
        await _send(service, shop)
    clock.advance(timedelta(hours=15))  # 10:00 → 01:00 the next day in Luxembourg
    await _send(service, shop)
    await shop.configure(offers_per_day="0")
    clock.advance(timedelta(days=1))
    with pytest.raises(errors.OfferLimitReached) as caught:
        await service.offers.check_allowance(shop.owner.user_id)
    assert caught.value.limit == 0


async def test_two_sends_at_once_never_exceed_the_daily_allowance(service: LoyaltyService) -> None:
    shop, cashier = await _shop(service)
    await _opted_in(shop, cashier)
    drafts = []
    for _ in range(2):
        draft = await service.offers.draft(shop.owner.user_id, "Two for one")
        await service.offers.choose_audience(shop.owner.user_id, draft.offer_id, AudienceKind.ALL)
        drafts.append(draft.offer_id)
    results = await asyncio.gather(
        *(service.offers.send(shop.owner.user_id, d) for d in drafts), return_exceptions=True
    )
    assert sorted(type(r).__name__ for r in results) == ["OfferLimitReached", "OfferPreview"]


async def test_each_audience_selects_its_customers(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier = await _shop(service, stamps_target="5")
    gare = await shop.add_store("Gare")
    # The cashier of both stores says where they work, each day (PRODUCT.md §11).
    await service.stores_of_day.choose(cashier.user_id, shop.first_store.store_id)
    early = await _opted_in(shop, cashier, stamps=4)  # near a reward, will lapse
    clock.advance(timedelta(days=40))
    await service.stores_of_day.choose(cashier.user_id, gare.store_id)
    at_gare = await _opted_in(shop, cashier, gare.code)
    recent = await _opted_in(shop, cashier)
    not_in, _ = await _visited(shop, cashier)  # never opted in: in no audience
    draft = await service.offers.draft(shop.owner.user_id, "Hello")

    async def audience(kind: AudienceKind, arg: int | None = None) -> int:
        preview = await service.offers.choose_audience(
            shop.owner.user_id, draft.offer_id, kind, arg
        )
        return preview.audience_size

    assert await audience(AudienceKind.ALL) == 3
    assert await audience(AudienceKind.STORE, gare.store_id) == 1
    assert await audience(AudienceKind.STORE, shop.first_store.store_id) == 2
    assert await audience(AudienceKind.LAPSED, 30) == 1
    assert await audience(AudienceKind.LAPSED, 60) == 0
    assert await audience(AudienceKind.NEAR) == 1
    with pytest.raises(errors.InvalidAudienceDays):
        await audience(AudienceKind.LAPSED, 0)
    other, _ = await _shop(service)
    with pytest.raises(errors.StoreNotFound):
        await audience(AudienceKind.STORE, other.first_store.store_id)

    sent = await service.offers.send(shop.owner.user_id, draft.offer_id)
    assert sent.audience is AudienceKind.NEAR and sent.audience_size == 1
    assert not_in and early and at_gare and recent


async def test_recipients_are_listed_in_batches_each_tried_once_with_one_report(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    shop, cashier = await _shop(service)
    customers = [await _opted_in(shop, cashier) for _ in range(5)]
    sent = await _send(service, shop)
    offer_id = sent.draft.offer_id
    assert [await service.offers.list_recipients(offer_id, batch=2) for _ in range(3)] == [
        False,
        False,
        True,
    ]
    assert await service.offers.list_recipients(offer_id, batch=2)  # listing again: nothing new
    copies = await _effects(infra, SendOffer.kind)
    assert sorted(r.recipient_id or 0 for r in copies) == sorted(c.user_id for c in customers)

    first, second, *rest = customers
    assert await service.offers.begin_copy(offer_id, first.user_id)
    await service.offers.end_copy(offer_id, first.user_id, OfferOutcome.DELIVERED)
    assert not await service.offers.begin_copy(offer_id, first.user_id)  # done: never again
    # A copy tried when a crash struck is never tried again: it counts as unsure.
    assert await service.offers.begin_copy(offer_id, second.user_id)
    assert not await service.offers.begin_copy(offer_id, second.user_id)
    assert await _effects(infra, ReportOffer.kind) == []
    await asyncio.gather(
        *(service.offers.end_copy(offer_id, c.user_id, OfferOutcome.BLOCKED) for c in rest)
    )
    reports = await _effects(infra, ReportOffer.kind)
    assert [r.recipient_id for r in reports] == [shop.owner.user_id]

    await service.consent.set_offers(rest[0].user_id, None, False, everything=False)
    figures = await service.offers.figures(offer_id)
    assert (figures.listed, figures.delivered, figures.blocked) == (5, 1, 3)
    assert (figures.not_delivered, figures.unsubscribed, figures.finished) == (1, 1, True)
    async with service.database.read() as session:
        outcomes = list(
            (
                await session.execute(
                    select(OfferRecipient.outcome).where(OfferRecipient.offer_id == offer_id)
                )
            ).scalars()
        )
    assert sorted(outcomes) == ["blocked"] * 3 + ["delivered", "unsure"]
    assert [o.offer_id for o in await service.offers.recent(shop.owner.user_id)] == [offer_id]


async def test_a_403_counts_as_blocked_at_once_even_if_the_worker_dies_before_its_batch_ends(
    service: LoyaltyService,
) -> None:
    shop, cashier = await _shop(service)
    blocker, other = [await _opted_in(shop, cashier) for _ in range(2)]
    offer_id = (await _send(service, shop)).draft.offer_id
    assert await service.offers.list_recipients(offer_id)
    pairs = [(offer_id, blocker.user_id), (offer_id, other.user_id)]
    assert await service.offers.begin_copies(pairs) == set(pairs)
    await service.offers.copy_blocked(offer_id, blocker.user_id)  # Telegram answered 403
    # The worker dies before the batch's end_copies; the worker that takes the copies over
    # finds both tried, so both would be unsure: the 403 already recorded stays.
    assert await service.offers.begin_copies(pairs) == set()
    await service.offers.end_copies({pair: OfferOutcome.UNSURE for pair in pairs})
    figures = await service.offers.figures(offer_id)
    assert (figures.blocked, figures.not_delivered, figures.finished) == (1, 1, True)
    async with service.database.read() as session:
        user = await session.get(User, blocker.user_id)
    assert user is not None and not user.reachable


async def test_an_empty_audience_reports_at_once_and_drafts_stay_the_owners(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    shop, _ = await _shop(service)
    sent = await _send(service, shop)
    assert await service.offers.list_recipients(sent.draft.offer_id)
    assert len(await _effects(infra, ReportOffer.kind)) == 1
    with pytest.raises(errors.OfferNotFound):  # sent: no longer a draft
        await service.offers.send(shop.owner.user_id, sent.draft.offer_id)
    rival, _ = await _shop(service)
    draft = await service.offers.draft(shop.owner.user_id, "Mine")
    with pytest.raises(errors.OfferNotFound):
        await service.offers.choose_audience(rival.owner.user_id, draft.offer_id, AudienceKind.ALL)
    with pytest.raises(errors.NotOwner):
        await service.offers.draft(new_profile("Nobody").user_id, "Hi")


async def test_near_a_reward_means_near_any_reward_of_the_ladder(
    service: LoyaltyService, infra: Infrastructure, clock: ManualClock
) -> None:
    shop, cashier = await _shop(service, stamps_target="5")
    await service.rewards.add(shop.owner.user_id, 10, "Free cake")
    near_first = await _opted_in(shop, cashier, stamps=4)  # one from the 5-stamp coffee
    near_second = await _opted_in(shop, cashier, stamps=9)  # past the coffee, one from the cake
    between = await _opted_in(shop, cashier, stamps=7)  # three from the cake: not near
    draft = await service.offers.draft(shop.owner.user_id, "Hello")
    preview = await service.offers.choose_audience(
        shop.owner.user_id, draft.offer_id, AudienceKind.NEAR
    )
    assert preview.audience_size == 2

    clock.advance(timedelta(days=7, minutes=1))
    assert await service.consent.queue_bring_back_messages() == 2
    almost = [r for r in await _effects(infra, BringBack.kind) if '"almost"' in r.payload]
    assert {r.recipient_id for r in almost} == {near_first.user_id, near_second.user_id}
    assert between.user_id not in {r.recipient_id for r in almost}
