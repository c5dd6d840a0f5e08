"""Owners' reports: summaries by local day, daily series for charts, the ledger export.

Every query is bounded by the merchant and a time range on an index (ledger_entries
(merchant_id, created_at), cards (merchant_id, created_at)), so the cost follows the activity
of the period asked for, not the size of the whole ledger.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain import errors
from domain.db.bonuses import referrals_converted
from domain.db.tables import (
    Card,
    LedgerEntry,
    Merchant,
    Offer,
    OfferRecipient,
    Program,
    Reward,
    Store,
    User,
)
from domain.model import (
    SUMMARY_PERIODS,
    UNDOABLE_KINDS,
    Activity,
    DayActivity,
    ExportRow,
    LedgerExport,
    LedgerKind,
    ProgramType,
    StoreActivity,
    Summary,
)
from domain.service.base import ServiceBase, require_owner

EXPORT_MAX_DAYS = 3650
_COUNTER_KINDS = [kind.value for kind in UNDOABLE_KINDS]
_SERVED_KINDS = [
    LedgerKind.STAMP.value,
    LedgerKind.EARN_POINTS.value,
    LedgerKind.REDEEM_STAMPS.value,
    LedgerKind.REDEEM_POINTS.value,
    LedgerKind.REDEEM_REWARD.value,
]


_BONUS_COUNTS = {
    LedgerKind.WELCOME: "welcome_bonuses",
    LedgerKind.BIRTHDAY: "birthday_bonuses",
    LedgerKind.REFERRAL: "referral_bonuses",
}


def _fold(
    activity: Activity,
    kind: str,
    reversed_kind: str | None,
    count: int,
    stamps: int,
    points: int,
    extra: int = 0,
) -> Activity:
    """Add one aggregated group of ledger rows; reversals count against what they reversed.
    `extra`: what happy hours added to the group's stamps or points."""
    effective = LedgerKind(reversed_kind or kind)
    sign = -1 if reversed_kind else 1
    if effective in _BONUS_COUNTS:
        name = _BONUS_COUNTS[effective]
        return replace(activity, **{name: getattr(activity, name) + sign * count})
    if effective is LedgerKind.STAMP:
        return replace(
            activity,
            stamps_given=activity.stamps_given + stamps,
            happy_hour_stamps=activity.happy_hour_stamps + extra,
        )
    if effective is LedgerKind.REDEEM_STAMPS:
        return replace(activity, rewards_redeemed=activity.rewards_redeemed + sign * count)
    if effective is LedgerKind.EARN_POINTS:
        return replace(
            activity,
            points_earned=activity.points_earned + points,
            happy_hour_points=activity.happy_hour_points + extra,
        )
    if effective is LedgerKind.REDEEM_POINTS:
        return replace(activity, points_redeemed=activity.points_redeemed - points)
    if effective is LedgerKind.REDEEM_REWARD:  # a rung of the ladder, in stamps or points
        return replace(
            activity,
            rewards_redeemed=activity.rewards_redeemed + sign * count,
            points_redeemed=activity.points_redeemed - points,
        )
    if effective is LedgerKind.VOID_POINTS:
        return replace(activity, points_voided=activity.points_voided - points)
    if effective is LedgerKind.EXPIRE_POINTS:
        return replace(activity, points_expired=activity.points_expired - points)
    if effective is LedgerKind.CORRECT_STAMPS:  # told apart from what the counter gave
        return replace(
            activity,
            corrections=activity.corrections + count,
            stamps_corrected=activity.stamps_corrected + stamps,
        )
    return activity  # merges move balances between cards of one customer: no activity


class ReportService(ServiceBase):
    """Summaries, series and exports for owners (the scheduled summary: summaries.py)."""

    async def summary_for_owner(
        self, owner_id: int, period: str
    ) -> tuple[Summary, list[DayActivity]]:
        """`/summary today|yesterday|week|month`: the summary, and a daily series for week/month."""
        if period not in SUMMARY_PERIODS:
            raise errors.InvalidSettingValue(key="summary", value=period, choices=SUMMARY_PERIODS)
        async with self._db.read() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            merchant_id = merchant.id
            timezone = (await self._directory(session).program(merchant_id)).timezone
        today = self._clock.now().astimezone(_zone(timezone)).date()
        first, last = {
            "today": (today, today),
            "yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
            "week": (today - timedelta(days=6), today),
            "month": (today - timedelta(days=29), today),
        }[period]
        summary = await self.summary(merchant_id, first, last)
        series = (
            await self.daily_series(merchant_id, first, last) if period in ("week", "month") else []
        )
        return summary, series

    async def summary(self, merchant_id: int, first_day: date, last_day: date) -> Summary:
        """Activity per store and in total over local days, with the comparison period."""
        span = (last_day - first_day).days + 1
        compared_first = first_day - timedelta(days=7 if span == 1 else span)
        compared_last = compared_first + timedelta(days=span - 1)
        async with self._db.read() as session:
            merchant = (
                await session.execute(select(Merchant).where(Merchant.id == merchant_id))
            ).scalar_one()
            program = (
                await session.execute(select(Program).where(Program.merchant_id == merchant_id))
            ).scalar_one()
            stores = list(
                (
                    await session.execute(
                        select(Store).where(Store.merchant_id == merchant_id).order_by(Store.id)
                    )
                ).scalars()
            )
            start, end = day_bounds(first_day, last_day, program.timezone)
            per_store = await _activity_by_store(session, merchant_id, start, end)
            total = await _activity_total(session, merchant_id, start, end)
            c_start, c_end = day_bounds(compared_first, compared_last, program.timezone)
            compared = await _activity_total(session, merchant_id, c_start, c_end)
            top_name, top_count = await _top_staff(session, merchant_id, start, end)
            rewards = await _rewards_redeemed(session, merchant_id, start, end)
            offers_sent, offers_delivered = await _offers(
                session, merchant_id, first_day, last_day, start, end
            )
        return Summary(
            merchant_id=merchant.id,
            merchant_name=merchant.name,
            owner_user_id=merchant.owner_user_id,
            timezone=program.timezone,
            language=program.language,
            program_type=ProgramType(program.type),
            first_day=first_day,
            last_day=last_day,
            stores=tuple(StoreActivity(s.name, per_store.get(s.id, Activity())) for s in stores),
            total=total,
            compared_total=compared,
            compared_first_day=compared_first,
            top_staff_name=top_name,
            top_staff_operations=top_count,
            rewards=rewards,
            offers_sent=offers_sent,
            offers_delivered=offers_delivered,
        )

    async def daily_series(
        self, merchant_id: int, first_day: date, last_day: date
    ) -> list[DayActivity]:
        """One Activity per local day, for charts (one indexed range query per day)."""
        async with self._db.read() as session:
            timezone = (
                await session.execute(
                    select(Program.timezone).where(Program.merchant_id == merchant_id)
                )
            ).scalar_one()
            series = []
            day = first_day
            while day <= last_day:
                start, end = day_bounds(day, day, timezone)
                series.append(
                    DayActivity(day, await _activity_total(session, merchant_id, start, end))
                )
                day += timedelta(days=1)
            return series

    # --- export -------------------------------------------------------------------------------

    async def export_ledger(self, owner_id: int, days: int) -> LedgerExport:
        """The merchant's ledger of the last `days` days, oldest first."""
        if not 1 <= days <= EXPORT_MAX_DAYS:
            raise errors.InvalidSettingValue(
                key="days", value=str(days), minimum=1, maximum=EXPORT_MAX_DAYS
            )
        since = self._clock.now() - timedelta(days=days)
        async with self._db.read() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            timezone, language = (
                await session.execute(
                    select(Program.timezone, Program.language).where(
                        Program.merchant_id == merchant.id
                    )
                )
            ).one()
            query = (
                select(LedgerEntry, Card.number, Store.name, User.first_name, Reward.name)
                .join(Card, Card.id == LedgerEntry.card_id)
                .join(Store, Store.id == LedgerEntry.store_id)
                .outerjoin(User, User.id == LedgerEntry.staff_user_id)
                .outerjoin(Reward, Reward.id == LedgerEntry.reward_id)
                .where(LedgerEntry.merchant_id == merchant.id, LedgerEntry.created_at >= since)
                .order_by(LedgerEntry.created_at, LedgerEntry.id)
            )
            rows = tuple(
                ExportRow(
                    created_at=entry.created_at,
                    store_name=store_name,
                    card_number=number,
                    kind=LedgerKind(entry.kind),
                    stamps_delta=entry.stamps_delta,
                    points_delta=entry.points_delta,
                    stamp_balance_after=entry.stamp_balance_after,
                    points_balance_after=entry.points_balance_after,
                    amount=entry.amount,
                    staff_name=staff_name,
                    reason=entry.reason,
                    reward_name=reward_name,
                    happy_hour_extra=entry.happy_hour_extra,
                )
                for entry, number, store_name, staff_name, reward_name in await session.execute(
                    query
                )
            )
        return LedgerExport(timezone=timezone, language=language, rows=rows)


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def day_bounds(first_day: date, last_day: date, timezone: str) -> tuple[datetime, datetime]:
    """UTC instants of the local midnights that open first_day and close last_day."""
    zone = _zone(timezone)
    after = last_day + timedelta(days=1)
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=zone)
    end = datetime(after.year, after.month, after.day, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _in_range(
    merchant_id: int, start: datetime, end: datetime
) -> tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]]:
    return (
        LedgerEntry.merchant_id == merchant_id,
        LedgerEntry.created_at >= start,
        LedgerEntry.created_at < end,
    )


async def _grouped(
    session: AsyncSession, merchant_id: int, start: datetime, end: datetime, *, by_store: bool
) -> list[tuple[int | None, str, str | None, int, int, int, int]]:
    original = aliased(LedgerEntry)
    store_column = LedgerEntry.store_id if by_store else None
    columns = [
        LedgerEntry.kind,
        original.kind,
        func.count(),
        func.coalesce(func.sum(LedgerEntry.stamps_delta), 0),
        func.coalesce(func.sum(LedgerEntry.points_delta), 0),
        func.coalesce(func.sum(LedgerEntry.happy_hour_extra), 0),
    ]
    query = (
        select(*([store_column] if store_column is not None else []), *columns)
        .outerjoin(original, original.id == LedgerEntry.reverses_entry_id)
        .where(*_in_range(merchant_id, start, end))
    )
    query = query.group_by(
        *([store_column] if store_column is not None else []), LedgerEntry.kind, original.kind
    )
    result = []
    for row in await session.execute(query):
        values = tuple(row)
        if not by_store:
            values = (None, *values)
        result.append(
            (
                values[0],
                values[1],
                values[2],
                int(values[3]),
                int(values[4]),
                int(values[5]),
                int(values[6]),
            )
        )
    return result


async def _activity_by_store(
    session: AsyncSession, merchant_id: int, start: datetime, end: datetime
) -> dict[int, Activity]:
    activities: dict[int, Activity] = {}
    for store_id, kind, reversed_kind, count, stamps, points, extra in await _grouped(
        session, merchant_id, start, end, by_store=True
    ):
        assert store_id is not None
        activities[store_id] = _fold(
            activities.get(store_id, Activity()), kind, reversed_kind, count, stamps, points, extra
        )
    served = await session.execute(
        select(LedgerEntry.store_id, func.count(distinct(Card.customer_id)))
        .join(Card, Card.id == LedgerEntry.card_id)
        .where(*_in_range(merchant_id, start, end), LedgerEntry.kind.in_(_SERVED_KINDS))
        .group_by(LedgerEntry.store_id)
    )
    for store_id, customers in served:
        activities[store_id] = replace(
            activities.get(store_id, Activity()), customers_served=int(customers)
        )
    new_cards = await session.execute(
        select(Card.store_id, func.count())
        .where(Card.merchant_id == merchant_id, Card.created_at >= start, Card.created_at < end)
        .group_by(Card.store_id)
    )
    for store_id, count in new_cards:
        activities[store_id] = replace(activities.get(store_id, Activity()), new_cards=int(count))
    return activities


async def _activity_total(
    session: AsyncSession, merchant_id: int, start: datetime, end: datetime
) -> Activity:
    activity = Activity()
    for _, kind, reversed_kind, count, stamps, points, extra in await _grouped(
        session, merchant_id, start, end, by_store=False
    ):
        activity = _fold(activity, kind, reversed_kind, count, stamps, points, extra)
    customers = (
        await session.execute(
            select(func.count(distinct(Card.customer_id)))
            .select_from(LedgerEntry)
            .join(Card, Card.id == LedgerEntry.card_id)
            .where(*_in_range(merchant_id, start, end), LedgerEntry.kind.in_(_SERVED_KINDS))
        )
    ).scalar_one()
    new_cards = (
        await session.execute(
            select(func.count())
            .select_from(Card)
            .where(Card.merchant_id == merchant_id, Card.created_at >= start, Card.created_at < end)
        )
    ).scalar_one()
    converted = await referrals_converted(session, merchant_id, start, end)
    return replace(
        activity,
        customers_served=int(customers),
        new_cards=int(new_cards),
        referrals_converted=converted,
    )


async def _rewards_redeemed(
    session: AsyncSession, merchant_id: int, start: datetime, end: datetime
) -> tuple[tuple[str, int], ...]:
    """How often each reward of the ladder was redeemed, reversals netted out; most first."""
    rows = await session.execute(
        select(Reward.id, Reward.name, LedgerEntry.kind, func.count())
        .join(Reward, Reward.id == LedgerEntry.reward_id)
        .where(*_in_range(merchant_id, start, end), LedgerEntry.reward_id.is_not(None))
        .group_by(Reward.id, Reward.name, LedgerEntry.kind)
    )
    counts: Counter[tuple[int, str]] = Counter()
    for reward_id, name, kind, count in rows:
        sign = 1 if kind == LedgerKind.REDEEM_REWARD.value else -1
        counts[(int(reward_id), name)] += sign * int(count)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    return tuple((name, n) for (_, name), n in ranked if n > 0)


async def _top_staff(
    session: AsyncSession, merchant_id: int, start: datetime, end: datetime
) -> tuple[str | None, int]:
    counts: Counter[int] = Counter()
    rows = await session.execute(
        select(LedgerEntry.staff_user_id, func.count())
        .where(
            *_in_range(merchant_id, start, end),
            LedgerEntry.staff_user_id.is_not(None),
            LedgerEntry.kind.in_(_COUNTER_KINDS),
        )
        .group_by(LedgerEntry.staff_user_id)
    )
    for staff_id, count in rows:
        if staff_id is not None:
            counts[int(staff_id)] = int(count)
    if not counts:
        return None, 0
    staff_id, count = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0]
    name = (
        await session.execute(select(User.first_name).where(User.id == staff_id))
    ).scalar_one_or_none()
    return name, count


async def _offers(
    session: AsyncSession,
    merchant_id: int,
    first_day: date,
    last_day: date,
    start: datetime,
    end: datetime,
) -> tuple[int, int]:
    """Offers sent on these local days, and copies of offers delivered between the bounds."""
    sent = await session.execute(
        select(func.count()).where(
            Offer.merchant_id == merchant_id,
            Offer.sent_at.is_not(None),
            Offer.local_day >= first_day,
            Offer.local_day <= last_day,
        )
    )
    delivered = await session.execute(
        select(func.count())
        .select_from(OfferRecipient)
        .join(Offer, Offer.id == OfferRecipient.offer_id)
        .where(
            Offer.merchant_id == merchant_id,
            OfferRecipient.outcome == "delivered",
            OfferRecipient.finished_at >= start,
            OfferRecipient.finished_at < end,
        )
    )
    return int(sent.scalar_one()), int(delivered.scalar_one())
