"""What the owner reads in /insights: whether customers come back (PRODUCT.md §11)."""

from __future__ import annotations

from typing import NamedTuple

from babel.dates import format_skeleton
from babel.numbers import format_percent

from bot.i18n import Translator
from bot.texts import esc
from domain.insights import Insights, VisitFigures

NONE = "—"  # a figure with nothing to count yet


def percent(t: Translator, value: float | None) -> str:
    return NONE if value is None else format_percent(value, locale=t.locale)


def _number(t: Translator, value: float | None) -> str:
    if value is None:
        return NONE
    return t.number(int(value)) if float(value).is_integer() else f"{value:.1f}"


def store_line(t: Translator, figures: VisitFigures) -> str:
    """A store's (or the total's) visits in one line, in the chat's answer and the Mini App."""
    return t.gettext(
        "{active_30} active in 30 days · {active_90} in 90 · repeat rate {repeat}",
        active_30=t.number(figures.active_30),
        active_90=t.number(figures.active_90),
        repeat=percent(t, figures.repeat_rate),
    )


def insights_text(t: Translator, found: Insights) -> str:
    total = found.total
    lines = [
        t.gettext("📈 <b>Insights — {merchant}</b>", merchant=esc(found.merchant_name)),
        "",
        t.gettext(
            "👥 Active members: {active_30} in the last 30 days, {active_90} in 90 days",
            active_30=t.number(total.active_30),
            active_90=t.number(total.active_90),
        ),
        t.gettext(
            "🔁 Repeat rate: {rate} of the customers of the last 90 days came twice or more",
            rate=percent(t, total.repeat_rate),
        ),
        t.gettext(
            "📅 Days between visits (median): {days}", days=_number(t, total.days_between_visits)
        ),
        t.gettext(
            "🎁 Visits to a first reward (median): {visits}",
            visits=_number(t, found.visits_to_first_reward),
        ),
        t.gettext(
            "✅ Rewards in 30 days: {redeemed} redeemed of {ready} that became ready ({rate}); ready and not yet taken now: {outstanding}",
            redeemed=t.number(found.rewards_redeemed),
            ready=t.number(found.rewards_became_ready),
            rate=percent(t, found.redemption_rate),
            outstanding=t.number(found.rewards_outstanding),
        ),
    ]
    if found.winback_days:
        lines.append(
            t.gettext(
                "💤 No visit for {days} days: {lapsed}; came back within 14 days of a “we miss you”: {rate} ({followed} of {sent})",
                days=found.winback_days,
                lapsed=t.number(found.lapsed),
                rate=percent(t, found.winback_return),
                followed=found.winback_followed,
                sent=found.winback_sent,
            )
        )
    lines.append(
        t.gettext(
            "🤝 Friends who came through an invitation (30 days): {count}",
            count=t.number(found.referrals_converted),
        )
    )
    if found.offer_sent:
        lines.append(
            t.gettext(
                "📣 Offers: {rate} of the customers who got one came within 7 days ({followed} of {sent})",
                rate=percent(t, found.offer_response),
                followed=found.offer_followed,
                sent=found.offer_sent,
            )
        )
    if found.per_store:
        lines += ["", f"<b>{per_store_title(t)}</b>"]
        lines += [f"• {esc(name)}: {store_line(t, figures)}" for name, figures in found.per_store]
    if found.staff:
        lines += ["", f"<b>{staff_title(t)}</b>"]
        lines += [
            "• "
            + t.ngettext(
                "{name}: {n} operation, {customers} customers",
                "{name}: {n} operations, {customers} customers",
                activity.operations,
                name=esc(activity.name),
                customers=activity.customers,
            )
            for activity in found.staff
        ]
    return "\n".join(lines)


def per_store_title(t: Translator) -> str:
    return t.gettext("Per store")


def staff_title(t: Translator) -> str:
    return t.gettext("Staff, last 30 days")


def cohort_title(t: Translator) -> str:
    return t.gettext("Customers who came back, by month of their first visit")


def cohort_labels(t: Translator) -> tuple[str, str, str]:
    return (
        t.gettext("1st month after"),
        t.gettext("2nd month after"),
        t.gettext("3rd month after"),
    )


def cohort_month(t: Translator, month: object, size: int) -> str:
    name = format_skeleton("MMMyy", month, locale=t.locale)  # type: ignore[arg-type]
    return t.ngettext("{month}\n{n} customer", "{month}\n{n} customers", size, month=name)


def insights_caption(t: Translator) -> str:
    return t.gettext(
        "Of the customers who first came in each month, the share who came again in the months after."
    )


class Figure(NamedTuple):
    """One figure of the Mini App's Insights page: its name, its value, what it means."""

    label: str
    value: str
    explanation: str


def insight_figures(t: Translator, found: Insights) -> list[Figure]:
    """The §11 figures as the Insights page shows them, each with one line on what it counts
    (the same numbers as `insights_text`, the chat's answer)."""
    total = found.total
    figures = [
        Figure(
            t.gettext("Active members"),
            t.number(total.active_30),
            t.gettext(
                "Cards with a visit in the last 30 days ({active_90} in the last 90 days).",
                active_90=t.number(total.active_90),
            ),
        ),
        Figure(
            t.gettext("Repeat rate"),
            percent(t, total.repeat_rate),
            t.gettext("Of the customers of the last 90 days, those who came on two days or more."),
        ),
        Figure(
            t.gettext("Days between visits"),
            _number(t, total.days_between_visits),
            t.gettext("The usual gap between two visits of the same customer (90 days)."),
        ),
        Figure(
            t.gettext("Visits to a first reward"),
            _number(t, found.visits_to_first_reward),
            t.gettext("How many visits a customer usually makes before their first reward."),
        ),
        Figure(
            t.gettext("Redemption rate"),
            percent(t, found.redemption_rate),
            t.gettext(
                "Rewards redeemed in 30 days ({redeemed}) of those that became ready ({ready}).",
                redeemed=t.number(found.rewards_redeemed),
                ready=t.number(found.rewards_became_ready),
            ),
        ),
        Figure(
            t.gettext("Rewards outstanding"),
            t.number(found.rewards_outstanding),
            t.gettext("Rewards ready and not yet taken: what the café owes today."),
        ),
    ]
    if found.winback_days:
        figures += [
            Figure(
                t.gettext("Lapsed"),
                t.number(found.lapsed),
                t.gettext(
                    "Members with no visit for {days} days.", days=t.number(found.winback_days)
                ),
            ),
            Figure(
                t.gettext("Came back after “we miss you”"),
                percent(t, found.winback_return),
                t.gettext(
                    "Of {sent} such messages, {followed} were followed by a visit within 14 days.",
                    sent=t.number(found.winback_sent),
                    followed=t.number(found.winback_followed),
                ),
            ),
        ]
    figures.append(
        Figure(
            t.gettext("Friends brought"),
            t.number(found.referrals_converted),
            t.gettext("Invited friends whose first visit was in the last 30 days."),
        )
    )
    if found.offer_sent:
        figures.append(
            Figure(
                t.gettext("Offer response"),
                percent(t, found.offer_response),
                t.gettext(
                    "Of {sent} customers who got an offer, {followed} came within 7 days.",
                    sent=t.number(found.offer_sent),
                    followed=t.number(found.offer_followed),
                ),
            )
        )
    return figures


class CohortRow(NamedTuple):
    """One month of first visits, as a row of bars: its name and size, and for each month
    after, the share who came back (None: that month has not begun)."""

    month: str
    customers: str
    came_back: tuple[tuple[float | None, str], ...]  # (share 0–1, as words)


def cohort_rows(t: Translator, found: Insights) -> list[CohortRow]:
    return [
        CohortRow(
            format_skeleton("MMMyy", cohort.month, locale=t.locale),
            t.ngettext("{n} customer", "{n} customers", cohort.size),
            tuple((share, percent(t, share)) for share in cohort.came_back),
        )
        for cohort in found.cohorts
        if cohort.size
    ]


def staff_line(t: Translator, operations: int, customers: int) -> str:
    return t.ngettext(
        "{n} operation, {customers} customers",
        "{n} operations, {customers} customers",
        operations,
        customers=t.number(customers),
    )
