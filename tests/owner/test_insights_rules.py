"""Every definition of PRODUCT.md §11 on small hand-made ledgers with known answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain import insights as rules
from domain.insights import Earning, Visit

LUX = "Europe/Luxembourg"
TODAY = date(2026, 6, 30)


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _visits(*pairs: tuple[int, date]) -> list[Visit]:
    return [Visit(customer, day, 1) for customer, day in pairs]


def test_a_visit_is_a_customer_and_a_merchant_local_day() -> None:
    summer = date(2026, 3, 29)  # the night Luxembourg moves to summer time
    earnings = [
        Earning(1, 1, 9, _at(summer, 8)),
        Earning(1, 2, 9, _at(summer, 15)),  # the same day, another store: one visit
        # 22:30 UTC on 29 March is 00:30 on 30 March in Luxembourg (UTC+2): the next day.
        Earning(1, 1, 9, _at(summer, 22, 30)),
        # 22:30 UTC on 24 October is 00:30 on 25 October (still UTC+2 then).
        Earning(2, 1, 9, _at(date(2026, 10, 24), 22, 30)),
        # 23:30 UTC on 25 October is 00:30 on 26 October (UTC+1 after the change).
        Earning(2, 1, 9, _at(date(2026, 10, 25), 23, 30)),
    ]
    visits = sorted(rules.visits_of(earnings, LUX), key=lambda v: (v.customer_id, v.day))
    assert [(v.customer_id, v.day, v.store_id) for v in visits] == [
        (1, summer, 1),
        (1, date(2026, 3, 30), 1),
        (2, date(2026, 10, 25), 1),
        (2, date(2026, 10, 26), 1),
    ]


def test_active_members_count_customers_with_a_visit_in_the_window() -> None:
    visits = _visits(
        (1, TODAY),
        (1, TODAY - timedelta(days=3)),
        (2, TODAY - timedelta(days=29)),
        (3, TODAY - timedelta(days=30)),
        (4, TODAY - timedelta(days=89)),
        (5, TODAY - timedelta(days=90)),
    )
    assert rules.active_members(visits, TODAY, 30) == 2
    assert rules.active_members(visits, TODAY, 90) == 4


def test_repeat_rate_is_two_visits_or_more_over_one_or_more() -> None:
    visits = _visits(
        (1, TODAY),
        (1, TODAY - timedelta(days=10)),  # repeat
        (2, TODAY - timedelta(days=5)),  # once
        (3, TODAY - timedelta(days=1)),
        (3, TODAY - timedelta(days=100)),  # once in 90 days
        (4, TODAY - timedelta(days=2)),
        (4, TODAY - timedelta(days=3)),  # repeat
    )
    assert rules.repeat_rate(visits, TODAY) == pytest.approx(2 / 4)
    assert rules.repeat_rate([], TODAY) is None


def test_days_between_visits_is_the_median_gap_within_the_window() -> None:
    visits = _visits(
        (1, TODAY - timedelta(days=20)),
        (1, TODAY - timedelta(days=13)),
        (1, TODAY),  # 7, 13
        (2, TODAY - timedelta(days=4)),
        (2, TODAY - timedelta(days=2)),  # 2
        (3, TODAY - timedelta(days=200)),
        (3, TODAY),  # outside: no gap counted
    )
    assert rules.median_days_between_visits(visits, TODAY) == 7
    assert rules.median_days_between_visits(_visits((1, TODAY)), TODAY) is None


def test_return_by_first_month_follows_each_cohort_for_three_months() -> None:
    first = {1: date(2026, 3, 5), 2: date(2026, 3, 20), 3: date(2026, 5, 2), 4: date(2026, 6, 1)}
    visits = _visits(
        (1, date(2026, 3, 5)),
        (1, date(2026, 4, 2)),
        (1, date(2026, 6, 9)),
        (2, date(2026, 3, 20)),
        (2, date(2026, 4, 30)),
        (3, date(2026, 5, 2)),
        (3, date(2026, 5, 20)),  # again, but in the same month
        (4, date(2026, 6, 1)),
    )
    cohorts = {c.month: c for c in rules.cohorts(visits, first, TODAY)}
    assert list(cohorts) == [date(2026, m, 1) for m in range(1, 7)]
    march = cohorts[date(2026, 3, 1)]
    assert march.size == 2 and march.came_back == (1.0, 0.0, 0.5)
    may = cohorts[date(2026, 5, 1)]
    assert may.size == 1 and may.came_back == (0.0, None, None)  # July has not begun
    assert cohorts[date(2026, 6, 1)].came_back == (None, None, None)
    assert cohorts[date(2026, 1, 1)] == rules.Cohort(date(2026, 1, 1), 0, (None, None, None))


def test_visits_to_first_reward_counts_visits_up_to_the_first_redemption_day() -> None:
    visits = _visits(
        *((1, TODAY - timedelta(days=d)) for d in (30, 20, 10, 5)),  # redeemed on the 3rd
        *((2, TODAY - timedelta(days=d)) for d in (9, 8, 7, 6, 5)),  # redeemed on the 5th
        *((3, TODAY - timedelta(days=d)) for d in (3, 2)),  # never redeemed
    )
    first = {1: TODAY - timedelta(days=10), 2: TODAY - timedelta(days=5)}
    assert rules.visits_to_first_reward(visits, first) == 4  # median of 3 and 5
    assert rules.visits_to_first_reward(visits, {}) is None


def test_a_reward_becomes_ready_each_time_a_balance_crosses_its_cost() -> None:
    costs = [8, 12]
    gains = [(6, 7), (7, 8), (8, 9), (11, 13), (0, 12), (12, 14)]
    # 7→8 crosses 8; 11→13 crosses 12; 0→12 crosses both; the others cross nothing.
    assert rules.rewards_became_ready(gains, costs) == 4
    assert rules.share(3, 4) == 0.75 and rules.share(1, 0) is None


def test_came_back_within_counts_a_visit_after_the_message_day_only() -> None:
    sent = datetime(2026, 6, 1, 9, tzinfo=UTC)
    visits = _visits(
        (1, date(2026, 6, 1)),  # the same day: before the message could work
        (2, date(2026, 6, 15)),  # the 14th day after: counts
        (3, date(2026, 6, 16)),  # the 15th: too late
        (4, date(2026, 6, 3)),
    )
    messages = [(1, sent), (2, sent), (3, sent), (4, sent), (5, sent)]
    assert rules.came_back_within(visits, messages, 14, LUX) == (2, 5)


def test_staff_activity_counts_operations_and_customers_in_the_period() -> None:
    since = _at(TODAY - timedelta(days=29), 0)
    earnings = [
        Earning(1, 1, 7, _at(TODAY)),
        Earning(1, 1, 7, _at(TODAY - timedelta(days=1))),
        Earning(2, 1, 7, _at(TODAY)),
        Earning(3, 1, 8, _at(TODAY)),
        Earning(3, 1, 8, _at(TODAY - timedelta(days=40))),  # before the period
        Earning(4, 1, None, _at(TODAY)),  # no staff member (a bonus-like entry)
    ]
    activity = rules.staff_activity(earnings, {7: "Kim", 8: "Lou"}, since)
    assert [(a.name, a.operations, a.customers) for a in activity] == [("Kim", 3, 2), ("Lou", 1, 1)]


def test_mondays_figures_stand_as_at_the_end_of_the_day_and_a_week_before() -> None:
    monday = date(2026, 1, 12)
    visits = _visits(
        (1, date(2026, 1, 2)),
        (1, date(2026, 1, 5)),  # the Monday before: 1 is a repeat customer by then
        (2, date(2026, 1, 9)),
        (3, monday),
        (3, date(2026, 1, 13)),  # after the day (a summary caught up later): left out
        (4, date(2025, 12, 10)),  # 33 days before: active a week before, not any more
    )
    week = rules.week_on_week(visits, monday)
    assert (week.active_30, week.active_30_before) == (3, 2)
    # Of 4, 1, 2 and 3 in the 90 days, only 1 came twice; a week before, 1 of 4 and 1.
    assert (week.repeat_rate, week.repeat_rate_before) == (1 / 4, 1 / 2)


def test_mondays_figures_of_a_cafe_without_visits_compare_with_nothing() -> None:
    week = rules.week_on_week([], date(2026, 1, 12))
    assert (week.active_30, week.active_30_before) == (0, 0)
    assert (week.repeat_rate, week.repeat_rate_before) == (None, None)
