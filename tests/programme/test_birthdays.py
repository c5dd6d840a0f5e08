"""The birthday bonus: once a year on the merchant-local day, across restarts and DST, with
29 February on 28 February in other years and nothing in the 30 days after setting the date."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain import errors
from domain.clock import ManualClock
from domain.db.tables import LedgerEntry
from domain.db.uow import Database
from domain.model import LedgerKind, UserProfile
from domain.service import LoyaltyService
from infra import Infrastructure
from tests.support.scenario import new_profile, open_shop

LUX = ZoneInfo("Europe/Luxembourg")


def _at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LUX).astimezone(UTC)


async def _birthday_rows(service: LoyaltyService, card_id: int) -> list[tuple[int, int]]:
    async with service.database.read() as session:
        rows = await session.execute(
            select(LedgerEntry.stamps_delta, LedgerEntry.points_delta)
            .where(LedgerEntry.card_id == card_id, LedgerEntry.kind == LedgerKind.BIRTHDAY.value)
            .order_by(LedgerEntry.id)
        )
        return [(row[0], row[1]) for row in rows]


async def _customer_with_birthday(
    service: LoyaltyService,
    clock: ManualClock,
    set_on: datetime,
    day: int,
    month: int,
    **settings: str,
) -> tuple[UserProfile, int]:
    clock.set(set_on)
    shop = await open_shop(service, birthday_bonus="2", **settings)
    customer = new_profile("Birthday child")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.bonuses.set_birthday(customer, day, month)
    return customer, card.card_id


async def test_paid_once_on_the_day_across_two_runs_and_a_restart(
    service: LoyaltyService, clock: ManualClock, database: Database, infra: Infrastructure
) -> None:
    customer, card_id = await _customer_with_birthday(service, clock, _at(2026, 3, 1), 24, 6)
    clock.set(_at(2026, 6, 23, 23, 59))
    assert await service.bonuses.pay_birthday_bonuses() == []  # the day before
    clock.set(_at(2026, 6, 24, 8, 59))
    assert await service.bonuses.pay_birthday_bonuses() == []  # nobody is woken at night
    clock.set(_at(2026, 6, 24, 9, 5))
    first = await service.bonuses.pay_birthday_bonuses()
    assert len(first) == 1
    clock.set(_at(2026, 6, 24, 18, 0))
    assert await service.bonuses.pay_birthday_bonuses() == []
    # A restart: a new service on the same database, the same day.
    restarted = LoyaltyService(database, clock, infra.outbox.log)
    assert await restarted.bonuses.pay_birthday_bonuses() == []
    assert await _birthday_rows(service, card_id) == [(2, 0)]
    notice = await service.counter.operation_of(first[0])
    assert (notice.kind, notice.customer.user_id, notice.card.stamp_count) == (
        LedgerKind.BIRTHDAY,
        customer.user_id,
        2,
    )
    clock.set(_at(2027, 6, 24, 10, 0))  # next year: once more
    assert len(await restarted.bonuses.pay_birthday_bonuses()) == 1
    assert await _birthday_rows(service, card_id) == [(2, 0), (2, 0)]
    assert await service.maintenance.invariant_breaches() == []


async def test_the_day_is_the_merchants_local_day(
    service: LoyaltyService, clock: ManualClock
) -> None:
    _, card_id = await _customer_with_birthday(
        service, clock, _at(2026, 1, 1), 10, 7, timezone="Pacific/Auckland"
    )
    # 9 July, 21:00 UTC is already 10 July, 09:00 in Auckland.
    clock.set(datetime(2026, 7, 9, 21, 0, tzinfo=UTC))
    assert len(await service.bonuses.pay_birthday_bonuses()) == 1
    clock.set(datetime(2026, 7, 10, 11, 0, tzinfo=UTC))  # 10 July, 23:00 in Auckland
    assert await service.bonuses.pay_birthday_bonuses() == []
    assert len(await _birthday_rows(service, card_id)) == 1


@pytest.mark.parametrize(
    ("day", "month", "moments"),
    [
        # 29 March 2026: clocks go forward at 02:00, so 09:00 is 07:00 UTC (08:00 the day before).
        (
            29,
            3,
            [
                datetime(2026, 3, 28, 22, 30, tzinfo=UTC),  # 28 March, 23:30 local
                datetime(2026, 3, 29, 6, 59, tzinfo=UTC),  # 08:59 summer time
                datetime(2026, 3, 29, 7, 0, tzinfo=UTC),  # 09:00 summer time: paid
                datetime(2026, 3, 29, 8, 0, tzinfo=UTC),
                datetime(2026, 3, 29, 21, 59, tzinfo=UTC),  # 23:59 local
            ],
        ),
        # 25 October 2026: clocks go back at 03:00, so 09:00 is 08:00 UTC (07:00 the day before).
        (
            25,
            10,
            [
                datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 summer time
                datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 02:30 winter time
                datetime(2026, 10, 25, 7, 30, tzinfo=UTC),  # 08:30 winter time: not yet
                datetime(2026, 10, 25, 8, 0, tzinfo=UTC),  # 09:00 winter time: paid
                datetime(2026, 10, 25, 22, 59, tzinfo=UTC),  # 23:59 local
            ],
        ),
    ],
)
async def test_once_across_a_dst_change(
    service: LoyaltyService, clock: ManualClock, day: int, month: int, moments: list[datetime]
) -> None:
    _, card_id = await _customer_with_birthday(service, clock, _at(2026, 1, 2), day, month)
    paid_at = []
    for moment in moments:
        clock.set(moment)
        if await service.bonuses.pay_birthday_bonuses():
            paid_at.append(moment)
    clock.set(datetime(2026, month, day + 1, 10, 0, tzinfo=UTC))  # the next local day
    assert await service.bonuses.pay_birthday_bonuses() == []
    assert paid_at == [moments[-3] if month == 3 else moments[-2]]
    assert len(await _birthday_rows(service, card_id)) == 1


async def test_29_february_is_celebrated_on_28_february_in_other_years(
    service: LoyaltyService, clock: ManualClock
) -> None:
    _, card_id = await _customer_with_birthday(service, clock, _at(2026, 1, 5), 29, 2)
    clock.set(_at(2027, 2, 28, 10))
    assert len(await service.bonuses.pay_birthday_bonuses()) == 1
    clock.set(_at(2027, 3, 1, 10))
    assert await service.bonuses.pay_birthday_bonuses() == []
    clock.set(_at(2028, 2, 28, 10))  # a leap year: the real day comes next
    assert await service.bonuses.pay_birthday_bonuses() == []
    clock.set(_at(2028, 2, 29, 10))
    assert len(await service.bonuses.pay_birthday_bonuses()) == 1
    assert len(await _birthday_rows(service, card_id)) == 2


async def test_nothing_in_the_30_days_after_setting_or_changing_the_date(
    service: LoyaltyService, clock: ManualClock
) -> None:
    customer, card_id = await _customer_with_birthday(service, clock, _at(2026, 5, 20), 10, 6)
    clock.set(_at(2026, 6, 10, 12))  # 21 days after setting it
    assert await service.bonuses.pay_birthday_bonuses() == []
    # Set exactly 30 days before: paid.
    customer2, card2 = await _customer_with_birthday(service, clock, _at(2026, 5, 11, 23, 0), 10, 6)
    clock.set(_at(2026, 6, 10, 12))
    assert len(await service.bonuses.pay_birthday_bonuses()) == 1
    assert await _birthday_rows(service, card_id) == []
    assert len(await _birthday_rows(service, card2)) == 1

    # Changing the date restarts the 30 days; the same date again does not.
    clock.set(_at(2026, 7, 1))
    same = await service.bonuses.set_birthday(customer2, 10, 6)
    assert not same.changed and same.set_at == _at(2026, 5, 11, 23, 0)
    moved = await service.bonuses.set_birthday(customer2, 20, 7)
    assert moved.changed and moved.set_at == _at(2026, 7, 1)
    clock.set(_at(2026, 7, 20, 12))
    assert await service.bonuses.pay_birthday_bonuses() == []


async def test_birthdays_are_checked_shown_in_mydata_and_forgotten(
    service: LoyaltyService, clock: ManualClock
) -> None:
    customer = new_profile()
    for day, month in ((31, 4), (30, 2), (0, 5), (12, 13)):
        with pytest.raises(errors.InvalidBirthday):
            await service.bonuses.set_birthday(customer, day, month)
    assert (await service.bonuses.birthday(customer.user_id)).birthday is None
    await service.bonuses.set_birthday(customer, 29, 2)
    data = await service.customers.export_data(customer.user_id)
    assert data["user"]["birthday"]["day"] == 29 and data["user"]["birthday"]["month"] == 2
    await service.customers.erase(customer.user_id)
    assert (await service.bonuses.birthday(customer.user_id)).birthday is None
