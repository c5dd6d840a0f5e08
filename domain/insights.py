"""Owner insights (PRODUCT.md §11): whether customers come back, defined once, here.

Everything is computed from plain facts a repository reads (domain/db/insights.py): earnings
that were not undone, each with its customer, store, staff member and time. A **visit** is a
merchant-local day on which a customer had at least one earning (so a merged duplicate card
counts once: visits belong to the customer, not to the card). Days are the merchant's, so a
visit at 00:30 in Luxembourg during summer time is that day, not the day before in UTC.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

ACTIVE_WINDOWS = (30, 90)
REPEAT_WINDOW = 90  # days, for the repeat rate and the days between visits
COHORT_MONTHS = 6  # cohorts shown: the last six months of first visits
MONTHS_AFTER = 3  # for each cohort: came back in the 1st, 2nd and 3rd month after
WINBACK_RETURN_DAYS = 14
OFFER_RESPONSE_DAYS = 7
PERIOD_DAYS = 30  # redemption rate, referrals, offers and staff activity


# Facts are named tuples, not dataclasses: a busy café has tens of thousands of earnings in
# the cohorts' months, and a tuple is made several times faster.
class Earning(NamedTuple):
    """A staff-confirmed earning that was not undone."""

    customer_id: int
    store_id: int
    staff_user_id: int | None
    at: datetime


class Visit(NamedTuple):
    customer_id: int
    day: date  # the merchant's local day
    store_id: int  # where the day's first earning happened


# Every time zone's offset is a whole number of quarter hours, so all the instants of one UTC
# quarter hour fall on the same local day: the zone is consulted once per quarter hour.
_QUARTER_HOUR = 900


def local_days(timezone: str) -> Callable[[datetime], date]:
    """The merchant-local day of an instant, remembered per UTC quarter hour."""
    zone = ZoneInfo(timezone)
    known: dict[int, date] = {}

    def day_of(at: datetime) -> date:
        slot = int(at.timestamp()) // _QUARTER_HOUR
        day = known.get(slot)
        if day is None:
            day = known[slot] = at.astimezone(zone).date()
        return day

    return day_of


class Visits(list[Visit]):
    """Visits, with each customer's days sorted, worked out once: every figure asks for them
    (so a Visits is filled first, then read)."""

    @functools.cached_property
    def days_by_customer(self) -> dict[int, list[date]]:
        days: dict[int, list[date]] = defaultdict(list)
        for visit in self:
            days[visit.customer_id].append(visit.day)
        for customer_days in days.values():
            customer_days.sort()
        return days


def visits_of(earnings: Iterable[Earning], timezone: str) -> Visits:
    """One visit per customer and local day, at the store of that day's first earning."""
    day_of = local_days(timezone)
    first: dict[tuple[int, date], int] = {}
    # Earnings usually come in time order already (the repository reads them so): sorting
    # them again is then one cheap pass.
    for earning in sorted(earnings, key=lambda e: e.at):
        first.setdefault((earning.customer_id, day_of(earning.at)), earning.store_id)
    return Visits(Visit(customer, day, store) for (customer, day), store in first.items())


def _days_by_customer(visits: Iterable[Visit], since: date | None = None) -> dict[int, list[date]]:
    """Each customer's visit days from `since` on, sorted."""
    every = (visits if isinstance(visits, Visits) else Visits(visits)).days_by_customer
    if since is None:
        return every
    return {
        customer: days[bisect.bisect_left(days, since) :]
        for customer, days in every.items()
        if days[-1] >= since
    }


def active_members(visits: Iterable[Visit], today: date, days: int) -> int:
    """Customers with a visit in the last `days` days (today included)."""
    since = today - timedelta(days=days - 1)
    return len({v.customer_id for v in visits if since <= v.day <= today})


def repeat_rate(visits: Iterable[Visit], today: date, days: int = REPEAT_WINDOW) -> float | None:
    """Customers with two visits or more in the window ÷ customers with one or more."""
    counts = _days_by_customer(visits, today - timedelta(days=days - 1))
    if not counts:
        return None
    return sum(1 for d in counts.values() if len(d) >= 2) / len(counts)


def median_days_between_visits(
    visits: Iterable[Visit], today: date, days: int = REPEAT_WINDOW
) -> float | None:
    """The median gap, in days, between consecutive visits of a customer within the window."""
    gaps = [
        (later - earlier).days
        for customer_days in _days_by_customer(visits, today - timedelta(days=days - 1)).values()
        for earlier, later in itertools.pairwise(customer_days)
    ]
    return statistics.median(gaps) if gaps else None


def _month(day: date) -> date:
    return day.replace(day=1)


def _add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Cohort:
    """Customers whose first visit was in `month`, and the share of them who visited again in
    each of the months after (None for a month that has not begun yet)."""

    month: date
    size: int
    came_back: tuple[float | None, ...]


def cohorts(
    visits: Iterable[Visit],
    first_visits: Mapping[int, date],
    today: date,
    months: int = COHORT_MONTHS,
) -> list[Cohort]:
    """Return by first month, for the last `months` months (this month included).

    `first_visits`: each customer's first visit ever at the merchant; the visits must reach back
    to the oldest cohort's month."""
    visited_months: dict[int, set[date]] = defaultdict(set)
    month_of: dict[date, date] = {}  # a few hundred days among thousands of visits
    for visit in visits:
        month = month_of.get(visit.day)
        if month is None:
            month = month_of[visit.day] = _month(visit.day)
        visited_months[visit.customer_id].add(month)
    this_month = _month(today)
    result = []
    for back in range(months - 1, -1, -1):
        month = _add_months(this_month, -back)
        members = [c for c, first in first_visits.items() if _month(first) == month]
        shares: list[float | None] = []
        for after in range(1, MONTHS_AFTER + 1):
            later = _add_months(month, after)
            if later > this_month or not members:
                shares.append(None)
            else:
                again = sum(1 for c in members if later in visited_months[c])
                shares.append(again / len(members))
        result.append(Cohort(month, len(members), tuple(shares)))
    return result


def visits_to_first_reward(
    visits: Iterable[Visit], first_redemptions: Mapping[int, date]
) -> float | None:
    """The median number of visits a customer made up to the day of their first redemption."""
    days = _days_by_customer(visits)
    counts = [
        sum(1 for day in days.get(customer, []) if day <= redeemed)
        for customer, redeemed in first_redemptions.items()
    ]
    counts = [count for count in counts if count > 0]
    return statistics.median(counts) if counts else None


def rewards_became_ready(balances: Iterable[tuple[int, int]], costs: Sequence[int]) -> int:
    """How many rewards became ready: each (before, after) balance of an earning crosses every
    rung whose cost lies in (before, after]."""
    return sum(1 for before, after in balances for cost in costs if before < cost <= after)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def came_back_within(
    visits: Iterable[Visit], messages: Iterable[tuple[int, datetime]], days: int, timezone: str
) -> tuple[int, int]:
    """Of the messages sent (customer, when), how many were followed by a visit of that
    customer within `days` days (the day of the message excluded): (followed, sent)."""
    zone = ZoneInfo(timezone)
    by_customer = _days_by_customer(visits)
    sent = followed = 0
    for customer, when in messages:
        sent += 1
        day = when.astimezone(zone).date()
        if any(
            day < visit <= day + timedelta(days=days) for visit in by_customer.get(customer, [])
        ):
            followed += 1
    return followed, sent


@dataclass(frozen=True)
class VisitFigures:
    """What the visits of one store (or of all) say."""

    active_30: int
    active_90: int
    repeat_rate: float | None
    days_between_visits: float | None
    visits_30: int


def visit_figures(visits: Sequence[Visit], today: date) -> VisitFigures:
    since = today - timedelta(days=PERIOD_DAYS - 1)
    return VisitFigures(
        active_30=active_members(visits, today, 30),
        active_90=active_members(visits, today, 90),
        repeat_rate=repeat_rate(visits, today),
        days_between_visits=median_days_between_visits(visits, today),
        visits_30=sum(1 for v in visits if since <= v.day <= today),
    )


@dataclass(frozen=True)
class WeekOnWeek:
    """Monday's summary: active members (30 days) and the repeat rate on a day, and on the
    same day a week before."""

    active_30: int
    active_30_before: int
    repeat_rate: float | None
    repeat_rate_before: float | None


def week_on_week(visits: Sequence[Visit], today: date) -> WeekOnWeek:
    """The figures as they stood at the end of `today` and of the same day a week before
    (later visits, as when a missed summary is caught up, are left out)."""
    before = today - timedelta(days=7)
    up_to_today = [v for v in visits if v.day <= today]
    up_to_before = [v for v in up_to_today if v.day <= before]
    return WeekOnWeek(
        active_30=active_members(up_to_today, today, 30),
        active_30_before=active_members(up_to_before, before, 30),
        repeat_rate=repeat_rate(up_to_today, today),
        repeat_rate_before=repeat_rate(up_to_before, before),
    )


@dataclass(frozen=True)
class StaffActivity:
    staff_user_id: int
    name: str
    operations: int  # earnings booked in the period (undone ones left out)
    customers: int  # different customers they served


def staff_activity(
    earnings: Iterable[Earning], names: Mapping[int, str], since: datetime
) -> list[StaffActivity]:
    operations: dict[int, int] = defaultdict(int)
    customers: dict[int, set[int]] = defaultdict(set)
    for earning in earnings:
        if earning.staff_user_id is None or earning.at < since:
            continue
        operations[earning.staff_user_id] += 1
        customers[earning.staff_user_id].add(earning.customer_id)
    return sorted(
        (
            StaffActivity(staff, names.get(staff, str(staff)), count, len(customers[staff]))
            for staff, count in operations.items()
        ),
        key=lambda activity: (-activity.operations, activity.name),
    )


@dataclass(frozen=True)
class Insights:
    """Every figure of §11 for one café, in total and per store."""

    merchant_name: str
    today: date
    total: VisitFigures
    per_store: tuple[tuple[str, VisitFigures], ...]
    cohorts: tuple[Cohort, ...]
    visits_to_first_reward: float | None
    rewards_redeemed: int  # in the period
    rewards_became_ready: int  # in the period
    rewards_outstanding: int  # cards with a reward ready now
    lapsed: int  # members with no visit for winback_days
    winback_days: int
    winback_followed: int
    winback_sent: int
    referrals_converted: int  # in the period
    offer_followed: int
    offer_sent: int
    staff: tuple[StaffActivity, ...] = field(default=())

    @property
    def redemption_rate(self) -> float | None:
        return share(self.rewards_redeemed, self.rewards_became_ready)

    @property
    def winback_return(self) -> float | None:
        return share(self.winback_followed, self.winback_sent)

    @property
    def offer_response(self) -> float | None:
        return share(self.offer_followed, self.offer_sent)
