"""Welcome and referral bonuses at the first staff-confirmed visit, and happy hours, on a real
SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from domain import errors
from domain.clock import ManualClock
from domain.db.tables import BonusAward, LedgerEntry
from domain.model import LedgerKind
from domain.service import LoyaltyService
from infra import Infrastructure
from infra.tables import OutboxMessage
from tests.support.scenario import new_profile, open_shop

LUX = ZoneInfo("Europe/Luxembourg")


async def _kinds(service: LoyaltyService, card_id: int) -> list[str]:
    async with service.database.read() as session:
        rows = await session.execute(
            select(LedgerEntry.kind).where(LedgerEntry.card_id == card_id).order_by(LedgerEntry.id)
        )
        return list(rows.scalars())


async def _notices_to(service: LoyaltyService, user_id: int) -> list[str]:
    """The keys of the notices recorded in the outbox for this person, in order."""
    async with service.database.read() as session:
        rows = await session.execute(
            select(OutboxMessage.key)
            .where(OutboxMessage.recipient_id == user_id)
            .order_by(OutboxMessage.id)
        )
        return [key for key in rows.scalars() if key.startswith("notice:")]


# --- welcome ----------------------------------------------------------------------------------


async def test_welcome_bonus_is_paid_at_the_first_stamp_not_at_joining(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    shop = await open_shop(service, welcome_bonus="2", cooldown="0")
    cashier = await shop.hire("Cashier")
    customer = new_profile("Newcomer")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 0
    assert await _kinds(service, card.card_id) == []

    first = await service.counter.stamp(cashier.user_id, card.number)
    assert [b.kind for b in first.bonuses] == [LedgerKind.WELCOME]
    assert first.card.stamp_count == 3  # the stamp and the bonus, as the cashier sees it
    second = await service.counter.stamp(cashier.user_id, card.number)
    assert second.bonuses == ()
    assert await _kinds(service, card.card_id) == ["stamp", "welcome", "stamp"]
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 4
    # One notice per visit: the first stamp's tells the bonus too, the card after it.
    told = await _notices_to(service, customer.user_id)
    assert told == [f"notice:{first.entry_id}", f"notice:{second.entry_id}"]
    notice = await service.counter.operation_of(first.entry_id, (first.bonuses[0].entry_id,))
    assert notice.card.stamp_count == 3 and notice.bonuses == first.bonuses
    assert await service.maintenance.invariant_breaches() == []


async def test_welcome_bonus_is_paid_once_when_the_first_stamp_is_delivered_twice(
    service: LoyaltyService,
) -> None:
    shop = await open_shop(service, welcome_bonus="1", cooldown="0")
    cashier = await shop.hire("Cashier")
    customer = new_profile()
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    ops = await asyncio.gather(
        *(
            service.counter.stamp(cashier.user_id, card.number, idempotency_key="u77")
            for _ in range(2)
        )
    )
    assert sorted(op.replayed for op in ops) == [False, True]
    again = await service.counter.stamp(cashier.user_id, card.number, idempotency_key="u77")
    assert again.replayed
    assert await _kinds(service, card.card_id) == ["stamp", "welcome"]
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 2


async def test_two_concurrent_first_stamps_pay_one_welcome_bonus(service: LoyaltyService) -> None:
    shop = await open_shop(service, welcome_bonus="3", cooldown="0", daily_limit="0")
    cashiers = [await shop.hire(f"Cashier {i}") for i in range(2)]
    customer = new_profile()
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    ops = await asyncio.gather(*(service.counter.stamp(c.user_id, card.number) for c in cashiers))
    assert sorted(len(op.bonuses) for op in ops) == [0, 1]
    assert sorted(await _kinds(service, card.card_id)) == ["stamp", "stamp", "welcome"]
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 5
    assert await service.maintenance.invariant_breaches() == []


async def test_concurrent_first_visits_on_two_cards_of_one_customer_pay_one_welcome_bonus(
    service: LoyaltyService,
) -> None:
    shop = await open_shop(service, welcome_bonus="1", cross_location="off")
    second_store = await shop.add_store("Gare")
    cashiers = [await shop.hire("Centre", shop.first_store), await shop.hire("Gare", second_store)]
    customer = new_profile()
    cards = [
        (await service.customers.enrol(customer, store.code)).card
        for store in (shop.first_store, second_store)
    ]
    assert cards[0].card_id != cards[1].card_id
    await asyncio.gather(
        *(
            service.counter.stamp(c.user_id, card.number)
            for c, card in zip(cashiers, cards, strict=True)
        )
    )
    async with service.database.read() as session:
        welcomes = (
            await session.execute(
                select(func.count()).where(LedgerEntry.kind == LedgerKind.WELCOME.value)
            )
        ).scalar_one()
        awards = (await session.execute(select(func.count()).select_from(BonusAward))).scalar_one()
    assert (welcomes, awards) == (1, 1)


async def test_a_points_welcome_bonus_and_a_customer_who_came_before_it_existed(
    service: LoyaltyService,
) -> None:
    shop = await open_shop(service, type="hybrid", cooldown="0")
    cashier = await shop.hire("Cashier")
    regular = new_profile("Regular")
    regular_card = (await service.customers.enrol(regular, shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, regular_card.number)
    await shop.configure(welcome_bonus="50")
    again = await service.counter.stamp(cashier.user_id, regular_card.number)
    assert again.bonuses == ()  # not a first visit: no welcome bonus for regulars

    newcomer = new_profile("Newcomer")
    card = (await service.customers.enrol(newcomer, shop.first_store.code)).card
    op = await service.counter.stamp(cashier.user_id, card.number)
    assert [(b.kind, b.stamps, b.points) for b in op.bonuses] == [(LedgerKind.WELCOME, 0, 50)]
    assert (op.card.stamp_count, op.card.points_balance) == (1, 50)


# --- referrals --------------------------------------------------------------------------------


async def _referral_shop(service: LoyaltyService, **settings: str):
    shop = await open_shop(service, referral_bonus="2", cooldown="0", **settings)
    cashier = await shop.hire("Cashier")
    referrer = new_profile("Referrer")
    referrer_card = (await service.customers.enrol(referrer, shop.first_store.code)).card
    assert referrer_card.referral_code is not None
    return shop, cashier, referrer, referrer_card


async def test_a_referred_friends_first_stamp_pays_both_once(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    shop, cashier, referrer, referrer_card = await _referral_shop(service)
    friend = new_profile("Friend")
    assert referrer_card.referral_code is not None
    joined = await service.bonuses.join_by_referral(friend, referrer_card.referral_code)
    assert joined.created and joined.referred
    assert joined.card.store_id == referrer_card.store_id
    assert await _kinds(service, joined.card.card_id) == []  # nothing for joining

    op = await service.counter.stamp(cashier.user_id, joined.card.number)
    assert [b.kind for b in op.bonuses] == [LedgerKind.REFERRAL]
    await service.counter.stamp(cashier.user_id, joined.card.number)
    assert await _kinds(service, joined.card.card_id) == ["stamp", "referral", "stamp"]
    assert await _kinds(service, referrer_card.card_id) == ["referral"]
    referrer_now = await service.customers.card(referrer.user_id, referrer_card.card_id)
    assert referrer_now.stamp_count == 2
    assert len(await _notices_to(service, referrer.user_id)) == 1
    told = await _notices_to(service, friend.user_id)
    # Two stamps, two notices: the first one tells the friend's bonus too.
    assert len(told) == 2 and told[0] == f"notice:{op.entry_id}"
    referrer_entry = int((await _notices_to(service, referrer.user_id))[0].split(":")[1])
    assert (await service.counter.operation_of(referrer_entry)).referral_side == "referrer"
    assert await service.maintenance.invariant_breaches() == []


async def test_nobody_refers_themselves_and_existing_customers_are_not_referred(
    service: LoyaltyService,
) -> None:
    shop, cashier, referrer, referrer_card = await _referral_shop(service)
    code = referrer_card.referral_code
    assert code is not None
    own = await service.bonuses.join_by_referral(referrer, code)
    assert (own.created, own.referred) == (False, False)

    regular = new_profile("Regular")
    await service.customers.enrol(regular, shop.first_store.code)
    again = await service.bonuses.join_by_referral(regular, code)
    assert (again.created, again.referred) == (False, False)
    op = await service.counter.stamp(cashier.user_id, again.card.number)
    assert op.bonuses == ()
    assert await _kinds(service, referrer_card.card_id) == []

    friend = new_profile("Friend")
    first = await service.bonuses.join_by_referral(friend, code)
    second = await service.bonuses.join_by_referral(friend, code)  # the link opened twice
    assert (first.referred, second.referred) == (True, False)

    with pytest.raises(errors.ReferralNotFound):
        await service.bonuses.join_by_referral(new_profile(), "no-such-code")


async def test_the_referrers_bonuses_stop_at_the_monthly_cap_but_friends_still_get_theirs(
    service: LoyaltyService, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 1, 30, 12, 0, tzinfo=UTC))
    shop, cashier, referrer, referrer_card = await _referral_shop(service, referral_cap="2")
    assert referrer_card.referral_code is not None
    friends = []
    for i in range(4):
        friend = new_profile(f"Friend {i}")
        friends.append(
            (await service.bonuses.join_by_referral(friend, referrer_card.referral_code)).card
        )
    # Two friends come at the same moment, then a third: the cap is two a month.
    await asyncio.gather(*(service.counter.stamp(cashier.user_id, f.number) for f in friends[:2]))
    third = await service.counter.stamp(cashier.user_id, friends[2].number)
    assert [b.kind for b in third.bonuses] == [LedgerKind.REFERRAL]  # the friend still gets it
    assert await _kinds(service, referrer_card.card_id) == ["referral", "referral"]
    # 1 February, 00:30 in Luxembourg (still 31 January in UTC): a new month for the cap.
    clock.set(datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
    await service.counter.stamp(cashier.user_id, friends[3].number)
    assert await _kinds(service, referrer_card.card_id) == ["referral"] * 3
    assert (await service.customers.card(referrer.user_id, referrer_card.card_id)).stamp_count == 6
    assert await service.maintenance.invariant_breaches() == []


# --- happy hours ------------------------------------------------------------------------------


def _local(hour: int, minute: int, day: int = 13) -> datetime:
    """Tuesday 13 January 2026 (or another day of that month) at hh:mm in Luxembourg."""
    return datetime(2026, 1, day, hour, minute, tzinfo=LUX).astimezone(UTC)


@pytest.mark.parametrize(
    ("hour", "minute", "stamps"), [(13, 59, 1), (14, 0, 2), (15, 59, 2), (16, 0, 1)]
)
async def test_happy_hour_window_edges_in_the_merchants_timezone(
    service: LoyaltyService, clock: ManualClock, hour: int, minute: int, stamps: int
) -> None:
    shop = await open_shop(service, happy_hour="mon-fri 14:00-16:00 x2", cooldown="0")
    cashier = await shop.hire("Cashier")
    customer = new_profile()
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    clock.set(_local(hour, minute))
    op = await service.counter.stamp(cashier.user_id, card.number)
    assert (op.stamps_delta, op.happy_hour_extra) == (stamps, stamps - 1)
    assert op.happy_hour_multiplier == stamps
    assert op.card.stamp_count == stamps
    assert await service.maintenance.invariant_breaches() == []


async def test_a_happy_hour_across_midnight_and_points_multiplied(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop = await open_shop(service, type="points", happy_hour="fri 22:00-02:00 x3")
    cashier = await shop.hire("Cashier")
    customer = new_profile()
    card = (await service.customers.enrol(customer, shop.first_store.code)).card

    expected = {
        _local(21, 59, day=16): 10,  # Friday before the window
        _local(23, 30, day=16): 30,
        _local(1, 59, day=17): 30,  # Saturday night, still Friday's window
        _local(2, 0, day=17): 10,
        _local(23, 30, day=17): 10,  # Saturday evening: no window starts on Saturday
    }
    for moment, points in expected.items():
        clock.set(moment)
        op = await service.counter.earn_points(cashier.user_id, card.number, Decimal("10"))
        assert (moment, op.points_delta, op.happy_hour_extra) == (moment, points, points - 10)
    assert (await service.customers.card(customer.user_id, card.card_id)).points_balance == 90


async def test_the_daily_limit_counts_what_the_cashier_entered_not_the_happy_hour_extra(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop = await open_shop(
        service, happy_hour="mon-sun 00:00-24:00 x2", cooldown="0", daily_limit="2"
    )
    cashier = await shop.hire("Cashier")
    customer = new_profile()
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, card.number)
    await service.counter.stamp(cashier.user_id, card.number)
    with pytest.raises(errors.DailyLimitReached):
        await service.counter.stamp(cashier.user_id, card.number)
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 4
    undone = await service.counter.undo(cashier.user_id)  # the whole doubled stamp goes back
    assert undone.operation.stamps_delta == -2
    assert undone.operation.happy_hour_extra == -1
    assert await service.maintenance.invariant_breaches() == []


async def test_bonus_settings_follow_the_programmes_unit(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    with pytest.raises(errors.InvalidSettingValue):
        await shop.configure(welcome_bonus="11")  # stamps: 0 to 10
    await shop.configure(type="points", welcome_bonus="500")
    with pytest.raises(errors.BonusTooLargeForType):
        await shop.configure(type="stamps")
    settings = await service.merchants.program(shop.owner.user_id)
    assert (settings.type.value, settings.welcome_bonus, settings.referral_cap) == (
        "points",
        500,
        10,
    )
    await shop.configure(happy_hour="sat,sun 10:00-12:00 x3; mon-fri 14:00-16:00 x2")
    settings = await service.merchants.program(shop.owner.user_id)
    assert str(settings.happy_hour) == "sat,sun 10:00-12:00 x3; mon-fri 14:00-16:00 x2"
    await shop.configure(happy_hour="off")
    assert (await service.merchants.program(shop.owner.user_id)).happy_hour is None


async def test_the_summary_and_the_export_count_bonuses_referrals_and_happy_hour_extras(
    service: LoyaltyService, clock: ManualClock
) -> None:
    clock.set(_local(15, 0))  # inside the happy hour
    shop, cashier, referrer, referrer_card = await _referral_shop(
        service, welcome_bonus="1", happy_hour="tue 14:00-16:00 x2"
    )
    assert referrer_card.referral_code is not None
    friend = (
        await service.bonuses.join_by_referral(new_profile(), referrer_card.referral_code)
    ).card
    await service.counter.stamp(cashier.user_id, friend.number)  # 2 stamps, welcome, referral ×2
    await service.counter.stamp(cashier.user_id, referrer_card.number)  # 2 stamps, welcome
    day = clock.now().astimezone(LUX).date()
    summary = await service.reports.summary(referrer_card.merchant_id, day, day)
    total = summary.total
    assert (total.welcome_bonuses, total.referral_bonuses, total.birthday_bonuses) == (2, 2, 0)
    assert (total.referrals_converted, total.happy_hour_stamps, total.stamps_given) == (1, 2, 4)
    assert total.customers_served == 2
    rows = (await service.reports.export_ledger(shop.owner.user_id, 1)).rows
    assert sorted(row.kind.value for row in rows) == sorted(
        ["stamp", "welcome", "referral", "referral", "stamp", "welcome"]
    )
    assert sorted(row.happy_hour_extra for row in rows) == [0, 0, 0, 0, 1, 1]
