"""A merchant's activity over a period: summaries, day by day figures and the ledger export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.insights import WeekOnWeek
from domain.model.ledger import LedgerKind
from domain.model.rewards import ProgramType

SUMMARY_PERIODS = ("today", "yesterday", "week", "month")


@dataclass(frozen=True)
class Activity:
    """What happened in one store (or all of them) over a period; reversals already netted out."""

    new_cards: int = 0
    stamps_given: int = 0
    rewards_redeemed: int = 0
    points_earned: int = 0
    points_redeemed: int = 0
    points_voided: int = 0
    points_expired: int = 0
    customers_served: int = 0
    corrections: int = 0  # corrections of stamps
    stamps_corrected: int = 0  # their stamps in all (negative: taken off)
    welcome_bonuses: int = 0  # bonuses paid, by kind (how many)
    birthday_bonuses: int = 0
    referral_bonuses: int = 0
    happy_hour_stamps: int = 0  # what happy hours added to earnings, net of reversals
    happy_hour_points: int = 0
    referrals_converted: int = 0  # referred customers who came for the first time


@dataclass(frozen=True)
class StoreActivity:
    store_name: str
    activity: Activity


@dataclass(frozen=True)
class Summary:
    """A merchant's activity over local days [first_day, last_day], with the comparison period."""

    merchant_id: int
    merchant_name: str
    owner_user_id: int
    timezone: str
    language: str
    program_type: ProgramType  # what the programme collects: the summary and its chart show it
    first_day: date
    last_day: date
    stores: tuple[StoreActivity, ...]
    total: Activity
    compared_total: Activity  # the same weekday last week, or the period before
    compared_first_day: date
    top_staff_name: str | None
    top_staff_operations: int
    rewards: tuple[tuple[str, int], ...] = ()  # the ladder's rewards redeemed, by name
    offers_sent: int = 0  # offers sent in the period
    offers_delivered: int = 0  # copies of offers Telegram accepted in the period

    @property
    def quiet(self) -> bool:
        """Nothing happened: no operation, no new card, no offer (a table of zeros)."""
        return self.total == Activity() and not (self.offers_sent or self.offers_delivered)


@dataclass(frozen=True)
class DailySummary:
    """The scheduled summary of one local day: the day, what the owner wants said of a day
    without activity, and on Mondays how the week went."""

    summary: Summary
    quiet_day_message: bool  # a quiet day: one short line (True) or nothing
    week: WeekOnWeek | None = None  # Mondays: active members and repeat rate, week on week

    @property
    def silent(self) -> bool:
        """Nothing to send: a quiet day the owner wants no word about, and no week to tell."""
        return self.summary.quiet and not self.quiet_day_message and self.week is None


@dataclass(frozen=True)
class DayActivity:
    day: date
    activity: Activity


@dataclass(frozen=True)
class ExportRow:
    """One ledger entry as the CSV export shows it."""

    created_at: datetime
    store_name: str
    card_number: str
    kind: LedgerKind
    stamps_delta: int
    points_delta: int
    stamp_balance_after: int
    points_balance_after: int
    amount: Decimal | None
    staff_name: str | None
    reason: str | None
    reward_name: str | None = None
    happy_hour_extra: int = 0


@dataclass(frozen=True)
class LedgerExport:
    """A merchant's ledger of a period, oldest first, with what lays it out: the merchant's
    timezone for its times, and its language for the spreadsheet's separators (an English
    owner of a French café hands the file to a French accountant)."""

    timezone: str
    language: str
    rows: tuple[ExportRow, ...]
