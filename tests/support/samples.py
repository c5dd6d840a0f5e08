"""Sample domain results for rendering tests, with names that need escaping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain.insights import Cohort, Insights, StaffActivity, VisitFigures, WeekOnWeek
from domain.model import (
    Activity,
    BonusPaid,
    CardView,
    DailySummary,
    Dispute,
    Enrolment,
    HistoryPage,
    Identity,
    Invite,
    LedgerKind,
    LedgerLine,
    Membership,
    Operation,
    ProgramType,
    Recipient,
    Reversal,
    Reward,
    RewardUnit,
    StaffListing,
    StaffRole,
    StoreActivity,
    StoreView,
    Summary,
)

WHEN = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
NASTY = "Tom & Jerry's <Café>"
# One reward of each unit: 10 stamps, 100 points.
LADDER = (
    Reward(1, RewardUnit.STAMPS, 10, "Free <b>coffee</b>"),
    Reward(2, RewardUnit.POINTS, 100, "5 € voucher"),
)


def card(
    program_type: ProgramType = ProgramType.HYBRID, stamps: int = 7, points: int = 120
) -> CardView:
    return CardView(
        card_id=1,
        number="123456789012",
        qr_token="q" * 32,
        customer_id=5,
        merchant_id=1,
        merchant_name=NASTY,
        store_id=1,
        store_name="Gare <1>",
        program_type=program_type,
        ladder=LADDER,
        stamp_count=stamps,
        points_balance=points,
        lifetime_stamps=30,
        rewards_redeemed=2,
        points_earned=300,
        points_redeemed=180,
        points_voided=0,
        points_expired=0,
        cross_location=True,
        timezone="Europe/Luxembourg",
        merchant_language="lb",
        active=True,
        created_at=WHEN,
        last_activity_at=WHEN,
        referral_code="abcdefghijkl",
        referral_bonus=50,
    )


def store(name: str = "Gare <1>") -> StoreView:
    return StoreView(store_id=1, merchant_id=1, merchant_name=NASTY, name=name, code="abcd2345")


def operation(
    kind: LedgerKind,
    stamps: int = 0,
    points: int = 0,
    amount: str | None = None,
    **more: Any,
) -> Operation:
    return Operation(
        entry_id=9,
        kind=kind,
        stamps_delta=stamps,
        points_delta=points,
        amount=None if amount is None else Decimal(amount),
        card=card(),
        store_name="Gare <1>",
        customer=Recipient(user_id=5, language="fr", telegram_language="fr", reachable=True),
        created_at=WHEN,
        **more,
    )


OPERATIONS = [
    operation(LedgerKind.STAMP, stamps=1),
    operation(LedgerKind.STAMP, stamps=3),
    operation(LedgerKind.REDEEM_STAMPS, stamps=-10),
    operation(LedgerKind.EARN_POINTS, points=18, amount="12.50"),
    operation(LedgerKind.REDEEM_POINTS, points=-100),
    operation(LedgerKind.VOID_POINTS, points=-1),
    operation(LedgerKind.UNDO, stamps=-1),
    operation(LedgerKind.STAMP, stamps=2, happy_hour_extra=1),
    operation(LedgerKind.EARN_POINTS, points=36, amount="12.50", happy_hour_extra=18),
    operation(
        LedgerKind.STAMP,
        stamps=1,
        bonuses=(
            BonusPaid(LedgerKind.WELCOME, 10, stamps=2, points=0),
            BonusPaid(LedgerKind.REFERRAL, 11, stamps=0, points=50),
        ),
    ),
    operation(LedgerKind.WELCOME, points=50),
    operation(LedgerKind.BIRTHDAY, stamps=2),
    operation(LedgerKind.REFERRAL, points=50, referral_side="referrer"),
    operation(LedgerKind.REFERRAL, stamps=1, referral_side="referred"),
]


def history() -> HistoryPage:
    lines = tuple(
        LedgerLine(
            entry_id=i,
            kind=kind,
            stamps_delta=s,
            points_delta=p,
            stamp_balance_after=5,
            points_balance_after=50,
            amount=Decimal("9.90") if kind is LedgerKind.EARN_POINTS else None,
            reason=None,
            store_name="Gare <1>",
            created_at=WHEN,
        )
        for i, (kind, s, p) in enumerate(
            [
                (LedgerKind.STAMP, 1, 0),
                (LedgerKind.REDEEM_STAMPS, -10, 0),
                (LedgerKind.EARN_POINTS, 0, 9),
                (LedgerKind.REDEEM_POINTS, 0, -100),
                (LedgerKind.VOID_POINTS, 0, -2),
                (LedgerKind.EXPIRE_POINTS, 0, -7),
                (LedgerKind.UNDO, -1, 0),
                (LedgerKind.NOT_ME, -1, 0),
                (LedgerKind.MERGE_OUT, -3, 0),
                (LedgerKind.MERGE_IN, 3, 0),
            ],
            start=1,
        )
    )
    return HistoryPage(lines=lines, older_cursor=1)


def membership(
    role: StaffRole = StaffRole.STAFF, store_name: str | None = "Gare <1>"
) -> Membership:
    return Membership(
        user_id=7,
        merchant_id=1,
        merchant_name=NASTY,
        role=role,
        store_id=1,
        store_name=store_name,
        timezone="Europe/Luxembourg",
        merchant_language="fr",
        owner_user_id=8,
    )


def identities() -> list[Identity]:
    return [
        Identity(5, None, "en", None, known=True),
        Identity(7, None, "en", membership(), known=True),
        Identity(8, None, "en", membership(StaffRole.OWNER, None), known=True),
    ]


def dispute(reversed_: bool) -> Dispute:
    return Dispute(
        disputed_kind=LedgerKind.STAMP if reversed_ else LedgerKind.REDEEM_STAMPS,
        reversal=operation(LedgerKind.NOT_ME, stamps=-1) if reversed_ else None,
        owner_user_id=8,
        card=card(),
        store_name="Gare <1>",
        staff_user_id=7,
        staff_name="Sam <i>",
        entry_created_at=WHEN,
    )


def enrolments() -> list[Enrolment]:
    stores = (store("Kirchberg & Co"), store())
    return [
        Enrolment(card=card(), created=True, joined_store=stores[1], stores=stores),
        Enrolment(
            card=card(),
            created=False,
            joined_store=StoreView(2, 1, NASTY, "Kirchberg & Co", "x"),
            stores=stores,
        ),
        Enrolment(card=card(), created=False, joined_store=stores[1], stores=stores),
    ]


def invite() -> Invite:
    return Invite(
        token="t" * 32, merchant_id=1, merchant_name=NASTY, store_name=None, expires_at=WHEN
    )


def staff_listing() -> list[StaffListing]:
    return [
        StaffListing(1, 3, 7, "Ann <x>", "ann", StaffRole.STAFF, None, WHEN),
        StaffListing(2, 4, 9, None, None, StaffRole.STAFF, "Gare", WHEN),
    ]


def reversal() -> Reversal:
    return Reversal(reversed_kind=LedgerKind.STAMP, operation=operation(LedgerKind.UNDO, stamps=-1))


def summary(*, single_day: bool, program_type: ProgramType = ProgramType.HYBRID) -> Summary:
    from datetime import date

    busy = Activity(
        new_cards=3,
        stamps_given=42,
        rewards_redeemed=4,
        points_earned=120,
        points_redeemed=100,
        points_voided=5,
        points_expired=0,
        customers_served=25,
    )
    quiet = Activity(new_cards=1, stamps_given=30, rewards_redeemed=4, customers_served=20)
    first = date(2026, 1, 13) if single_day else date(2026, 1, 7)
    return Summary(
        merchant_id=1,
        merchant_name=NASTY,
        owner_user_id=8,
        timezone="Europe/Luxembourg",
        language="fr",
        program_type=program_type,
        first_day=first,
        last_day=date(2026, 1, 13),
        stores=(StoreActivity("Gare <1>", busy), StoreActivity("Kirchberg & Co", quiet)),
        total=busy,
        compared_total=quiet,
        compared_first_day=date(2026, 1, 6),
        top_staff_name="Ann <x>",
        top_staff_operations=17,
    )


def daily_summary(*, quiet: bool, monday: bool) -> DailySummary:
    """The scheduled summary: the busy day or a day without activity, with Monday's figures."""
    day = summary(single_day=True)
    if quiet:
        day = replace(day, total=Activity(), top_staff_operations=0)
    week = WeekOnWeek(active_30=42, active_30_before=38, repeat_rate=0.35, repeat_rate_before=0.4)
    return DailySummary(summary=day, quiet_day_message=True, week=week if monday else None)


def insights(*, empty: bool = False) -> Insights:
    """The figures of a café with two stores and two cashiers (or of one with no visit yet)."""
    figures = VisitFigures(
        active_30=0 if empty else 42,
        active_90=0 if empty else 120,
        repeat_rate=None if empty else 0.35,
        days_between_visits=None if empty else 6.5,
        visits_30=0 if empty else 210,
    )
    return Insights(
        merchant_name=NASTY,
        today=date(2026, 6, 30),
        total=figures,
        per_store=() if empty else (("Gare <1>", figures), ("Kirchberg", figures)),
        cohorts=tuple(
            Cohort(date(2026, month, 1), 0 if empty else 10, (0.5, 0.25, None))
            for month in range(1, 7)
        ),
        visits_to_first_reward=None if empty else 9,
        rewards_redeemed=0 if empty else 12,
        rewards_became_ready=0 if empty else 15,
        rewards_outstanding=0 if empty else 3,
        lapsed=0 if empty else 17,
        winback_days=30,
        winback_followed=0 if empty else 4,
        winback_sent=0 if empty else 10,
        referrals_converted=0 if empty else 2,
        offer_followed=0 if empty else 5,
        offer_sent=0 if empty else 40,
        staff=() if empty else (StaffActivity(7, "Kim <b>", 30, 20), StaffActivity(8, "Lou", 1, 1)),
    )
