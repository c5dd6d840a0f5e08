"""The owner's insights (/insights, the Mini App's Insights page): one read transaction, the
facts of domain/db/insights.py, the definitions of domain/insights.py."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain import insights as rules
from domain.db.insights import InsightsRepository
from domain.db.rewards import RewardRepository
from domain.insights import Insights, Visit, Visits
from domain.model import ProgramType, RewardUnit, local_day_start
from domain.service.base import ServiceBase, require_owner


def _cohort_start(today: date) -> date:
    start = today.replace(day=1)
    for _ in range(rules.COHORT_MONTHS - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return start


class InsightsService(ServiceBase):
    async def for_owner(self, owner_id: int) -> Insights:
        now = self._clock.now()
        async with self._db.read() as session:
            directory = self._directory(session)
            merchant = await require_owner(directory, owner_id)
            program = await directory.program(merchant.id)
            zone = ZoneInfo(program.timezone)
            today = now.astimezone(zone).date()
            # Visits reach back to the oldest cohort's first day, and at least 90 days.
            first_day = min(_cohort_start(today), today - timedelta(days=rules.REPEAT_WINDOW))
            since = local_day_start(datetime.combine(first_day, time(12), zone), program.timezone)
            period_start = now - timedelta(days=rules.PERIOD_DAYS)
            facts = InsightsRepository(session)
            window = await facts.ledger_window(merchant.id, since, period_start)
            earnings, redemptions = window.earnings, window.redemptions
            stamp_gains, point_gains = window.stamp_gains, window.point_gains
            new_customers = await facts.new_customers(merchant.id, since)
            rungs = await RewardRepository(session).rungs(merchant.id)
            stamp_costs = [r.cost for r in rungs if r.unit == RewardUnit.STAMPS.value]
            point_costs = [r.cost for r in rungs if r.unit == RewardUnit.POINTS.value]
            program_type = ProgramType(program.type)
            has_stamps, has_points = program_type.has_stamps, program_type.has_points
            outstanding = await facts.cards_with_reward_ready(
                merchant.id,
                min(stamp_costs) if has_stamps and stamp_costs else None,
                min(point_costs) if has_points and point_costs else None,
            )
            winback_days = program.winback_days
            lapsed = (
                await facts.lapsed(merchant.id, now - timedelta(days=winback_days))
                if winback_days
                else 0
            )
            winbacks = await facts.winback_messages(
                merchant.id,
                now - timedelta(days=rules.REPEAT_WINDOW),
                now - timedelta(days=rules.WINBACK_RETURN_DAYS),
            )
            referrals = await facts.referrals_converted(merchant.id, period_start)
            offers = await facts.offer_deliveries(
                merchant.id,
                period_start - timedelta(days=rules.OFFER_RESPONSE_DAYS),
                now - timedelta(days=rules.OFFER_RESPONSE_DAYS),
            )
            stores = await facts.store_names(merchant.id)
            names = await facts.names({e.staff_user_id for e in earnings if e.staff_user_id})
        visits = rules.visits_of(earnings, program.timezone)
        first_visits = _first_visits(visits, new_customers)
        first_redemptions = _first_days(
            [(c, at) for c, at in redemptions if c in first_visits], zone
        )
        ready = rules.rewards_became_ready(
            stamp_gains, stamp_costs if has_stamps else []
        ) + rules.rewards_became_ready(point_gains, point_costs if has_points else [])
        redeemed = sum(1 for _, at in redemptions if at >= period_start)
        winback_followed, winback_sent = rules.came_back_within(
            visits, winbacks, rules.WINBACK_RETURN_DAYS, program.timezone
        )
        offer_followed, offer_sent = rules.came_back_within(
            visits, offers, rules.OFFER_RESPONSE_DAYS, program.timezone
        )
        by_store: dict[int, Visits] = defaultdict(Visits)
        for visit in visits:
            by_store[visit.store_id].append(visit)
        return Insights(
            merchant_name=merchant.name,
            today=today,
            total=rules.visit_figures(visits, today),
            per_store=tuple(
                (name, rules.visit_figures(by_store.get(store_id, Visits()), today))
                for store_id, name in stores.items()
            )
            if len(stores) > 1
            else (),
            cohorts=tuple(rules.cohorts(visits, first_visits, today)),
            visits_to_first_reward=rules.visits_to_first_reward(visits, first_redemptions),
            rewards_redeemed=redeemed,
            rewards_became_ready=ready,
            rewards_outstanding=outstanding,
            lapsed=lapsed,
            winback_days=winback_days,
            winback_followed=winback_followed,
            winback_sent=winback_sent,
            referrals_converted=referrals,
            offer_followed=offer_followed,
            offer_sent=offer_sent,
            staff=tuple(rules.staff_activity(earnings, names, period_start)),
        )


def _first_visits(visits: list[Visit], customers: set[int]) -> dict[int, date]:
    """Each new customer's first visit day (their first earning that was not undone)."""
    first: dict[int, date] = {}
    for visit in visits:
        if visit.customer_id in customers:
            known = first.get(visit.customer_id)
            if known is None or visit.day < known:
                first[visit.customer_id] = visit.day
    return first


def _first_days(events: list[tuple[int, datetime]], zone: ZoneInfo) -> dict[int, date]:
    first: dict[int, date] = {}
    for customer, at in events:
        day = at.astimezone(zone).date()
        if customer not in first or day < first[customer]:
            first[customer] = day
    return first
