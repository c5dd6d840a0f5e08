"""Owners' reports: summaries by local day, daily series for charts, the ledger export.

The reads are domain/db/reports.py's, each bounded by the merchant and a time range on an index.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain import errors
from domain.db.bonuses import referrals_converted
from domain.db.reports import ReportRepository
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
            directory, reports = self._directory(session), ReportRepository(session)
            merchant = await directory.merchant(merchant_id)
            program = await directory.program(merchant_id)
            stores = await directory.stores_of_merchant(merchant_id)
            start, end = day_bounds(first_day, last_day, program.timezone)
            per_store = await _activity_by_store(reports, merchant_id, start, end)
            total = await _activity_total(reports, merchant_id, start, end)
            c_start, c_end = day_bounds(compared_first, compared_last, program.timezone)
            compared = await _activity_total(reports, merchant_id, c_start, c_end)
            top_name, top_count = await _top_staff(reports, merchant_id, start, end)
            rewards = await _rewards_redeemed(reports, merchant_id, start, end)
            offers_sent = await reports.offers_sent(merchant_id, first_day, last_day)
            offers_delivered = await reports.offer_copies_delivered(merchant_id, start, end)
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
            timezone = (await self._directory(session).program(merchant_id)).timezone
            reports = ReportRepository(session)
            series = []
            day = first_day
            while day <= last_day:
                start, end = day_bounds(day, day, timezone)
                series.append(
                    DayActivity(day, await _activity_total(reports, merchant_id, start, end))
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
            directory = self._directory(session)
            merchant = await require_owner(directory, owner_id)
            program = await directory.program(merchant.id)
            timezone, language = program.timezone, program.language
            lines = await ReportRepository(session).export_lines(merchant.id, since)
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
                for entry, number, store_name, staff_name, reward_name in lines
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


async def _activity_by_store(
    reports: ReportRepository, merchant_id: int, start: datetime, end: datetime
) -> dict[int, Activity]:
    activities: dict[int, Activity] = {}
    for store_id, kind, reversed_kind, count, stamps, points, extra in await reports.activity(
        merchant_id, start, end, by_store=True
    ):
        assert store_id is not None
        activities[store_id] = _fold(
            activities.get(store_id, Activity()), kind, reversed_kind, count, stamps, points, extra
        )
    served = await reports.customers_served_by_store(merchant_id, start, end, _SERVED_KINDS)
    for store_id, customers in served.items():
        activities[store_id] = replace(
            activities.get(store_id, Activity()), customers_served=customers
        )
    for store_id, count in (await reports.new_cards_by_store(merchant_id, start, end)).items():
        activities[store_id] = replace(activities.get(store_id, Activity()), new_cards=count)
    return activities


async def _activity_total(
    reports: ReportRepository, merchant_id: int, start: datetime, end: datetime
) -> Activity:
    activity = Activity()
    for _, kind, reversed_kind, count, stamps, points, extra in await reports.activity(
        merchant_id, start, end, by_store=False
    ):
        activity = _fold(activity, kind, reversed_kind, count, stamps, points, extra)
    return replace(
        activity,
        customers_served=await reports.customers_served(merchant_id, start, end, _SERVED_KINDS),
        new_cards=await reports.new_cards(merchant_id, start, end),
        referrals_converted=await referrals_converted(reports.session, merchant_id, start, end),
    )


async def _rewards_redeemed(
    reports: ReportRepository, merchant_id: int, start: datetime, end: datetime
) -> tuple[tuple[str, int], ...]:
    """How often each reward of the ladder was redeemed, reversals netted out; most first."""
    counts: Counter[tuple[int, str]] = Counter()
    for reward_id, name, kind, count in await reports.reward_rows(merchant_id, start, end):
        sign = 1 if kind == LedgerKind.REDEEM_REWARD.value else -1
        counts[(reward_id, name)] += sign * count
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    return tuple((name, n) for (_, name), n in ranked if n > 0)


async def _top_staff(
    reports: ReportRepository, merchant_id: int, start: datetime, end: datetime
) -> tuple[str | None, int]:
    counts = await reports.operations_by_staff(merchant_id, start, end, _COUNTER_KINDS)
    if not counts:
        return None, 0
    staff_id, count = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0]
    return await reports.first_name(staff_id), count
