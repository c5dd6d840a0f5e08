"""What the owner reads in /insights: whether customers come back (PRODUCT.md §11)."""

from __future__ import annotations

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


def _visits_line(t: Translator, figures: VisitFigures) -> str:
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
        lines += ["", t.gettext("<b>Per store</b>")]
        lines += [f"• {esc(name)}: {_visits_line(t, figures)}" for name, figures in found.per_store]
    if found.staff:
        lines += ["", t.gettext("<b>Staff, last 30 days</b>")]
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
