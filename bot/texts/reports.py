"""Owners' summaries, the export caption, the poster's words and points-expiry reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from babel.dates import format_date

from bot.i18n import Translator
from bot.texts import esc, labelled
from bot.texts.bonuses import bonus_label
from bot.texts.insights import percent
from domain.insights import WeekOnWeek
from domain.model import (
    Activity,
    CardView,
    DailySummary,
    LedgerKind,
    ProgramType,
    Reward,
    RewardUnit,
    Summary,
)
from domain.program import ProgramSettings


def _period(t: Translator, summary: Summary) -> str:
    if summary.first_day == summary.last_day:
        return format_date(summary.first_day, "full", locale=t.locale)
    first = format_date(summary.first_day, "medium", locale=t.locale)
    last = format_date(summary.last_day, "medium", locale=t.locale)
    return f"{first} – {last}"


def _compared(t: Translator, now: int, before: int) -> str:
    if now == before:
        return t.gettext("(same as before)")
    arrow = "↑" if now > before else "↓"
    return t.gettext("({arrow} from {before})", arrow=arrow, before=t.number(before))


Figure = tuple[str, int, int]  # label, this period, the period compared with


def _key_figures(
    t: Translator, program: ProgramType, total: Activity, before: Activity
) -> list[Figure]:
    """The three figures an owner reads first: who came, what they collected, what they got."""
    served = (t.gettext("Customers served"), total.customers_served, before.customers_served)
    if program.has_stamps:
        return [
            served,
            (t.gettext("Stamps given"), total.stamps_given, before.stamps_given),
            (t.gettext("Rewards redeemed"), total.rewards_redeemed, before.rewards_redeemed),
        ]
    return [
        served,
        (t.gettext("Points earned"), total.points_earned, before.points_earned),
        (t.gettext("Points redeemed"), total.points_redeemed, before.points_redeemed),
    ]


def _other_figures(
    t: Translator, program: ProgramType, total: Activity, before: Activity
) -> list[Figure]:
    """The rest, without what the program does not collect; rare ones only when they happened."""
    rows = [(t.gettext("New cards"), total.new_cards, before.new_cards)]
    if program is ProgramType.HYBRID:
        rows += [
            (t.gettext("Points earned"), total.points_earned, before.points_earned),
            (t.gettext("Points redeemed"), total.points_redeemed, before.points_redeemed),
        ]
    if program.has_points:
        rare = [
            (t.gettext("Points taken back"), total.points_voided, before.points_voided),
            (t.gettext("Points expired"), total.points_expired, before.points_expired),
        ]
        rows += [row for row in rare if row[1] or row[2]]
    growth = [
        (t.gettext("Welcome bonuses paid"), total.welcome_bonuses, before.welcome_bonuses),
        (t.gettext("Birthday bonuses paid"), total.birthday_bonuses, before.birthday_bonuses),
        (t.gettext("Referral bonuses paid"), total.referral_bonuses, before.referral_bonuses),
        (t.gettext("Referrals converted"), total.referrals_converted, before.referrals_converted),
        (t.gettext("Happy-hour extra stamps"), total.happy_hour_stamps, before.happy_hour_stamps),
        (t.gettext("Happy-hour extra points"), total.happy_hour_points, before.happy_hour_points),
    ]
    rows += [row for row in growth if row[1] or row[2]]  # only what the programme uses
    return rows


def _figure_line(t: Translator, figure: Figure) -> str:
    label, now, before = figure
    return "• " + labelled(t, label, f"<b>{t.number(now)}</b> {_compared(t, now, before)}")


def _store_line(t: Translator, program: ProgramType, name: str, activity: Activity) -> str:
    parts = [t.ngettext("{n} customer", "{n} customers", activity.customers_served)]
    if program.has_stamps:
        parts += [
            t.ngettext("{n} stamp", "{n} stamps", activity.stamps_given),
            t.ngettext("{n} reward", "{n} rewards", activity.rewards_redeemed),
        ]
    if program.has_points:
        parts.append(t.ngettext("{n} point earned", "{n} points earned", activity.points_earned))
    parts.append(t.ngettext("{n} new card", "{n} new cards", activity.new_cards))
    return labelled(t, f"<b>{esc(name)}</b>", ", ".join(parts))


def _corrections_line(t: Translator, total: Activity) -> str:
    """How many corrections of stamps, and what they changed in all (−2 stamps, +1 stamp)."""
    signed = "+" if total.stamps_corrected > 0 else "−" if total.stamps_corrected < 0 else ""
    stamps = t.ngettext(
        "{signed}{n} stamp", "{signed}{n} stamps", abs(total.stamps_corrected), signed=signed
    )
    return "• " + labelled(
        t, t.gettext("Corrections"), f"<b>{t.number(total.corrections)}</b> ({stamps})"
    )


def summary_text(t: Translator, summary: Summary) -> str:
    """The daily summary (and /summary): the key figures, the others, then each store."""
    single_day = summary.first_day == summary.last_day
    lines = [
        t.gettext(
            "📊 <b>{merchant}</b> — {period}",
            merchant=esc(summary.merchant_name),
            period=_period(t, summary),
        ),
        t.gettext("Compared with the same weekday last week.")
        if single_day
        else t.gettext("Compared with the period before."),
    ]
    program, total, before = summary.program_type, summary.total, summary.compared_total
    lines += [_figure_line(t, row) for row in _key_figures(t, program, total, before)]
    if summary.rewards:
        redeemed = ", ".join(f"{esc(name)} ×{t.number(n)}" for name, n in summary.rewards)
        lines.append(t.gettext("🎁 Rewards: {rewards}", rewards=redeemed))
    lines.append("")
    lines += [_figure_line(t, row) for row in _other_figures(t, program, total, before)]
    if program.has_stamps and total.corrections:  # only when there were any
        lines.append(_corrections_line(t, total))
    if summary.top_staff_operations:
        # Nested translation calls confuse the extractor: the name is translated first.
        name = esc(summary.top_staff_name or t.gettext("(no name)"))
        lines.append(
            t.ngettext(
                "Most active: {name} ({n} operation)",
                "Most active: {name} ({n} operations)",
                summary.top_staff_operations,
                name=name,
            )
        )
    if summary.offers_sent or summary.offers_delivered:
        lines.append(
            labelled(t, t.gettext("Offers sent"), t.number(summary.offers_sent))
            + " · "
            + labelled(t, t.gettext("delivered"), t.number(summary.offers_delivered))
        )
    if len(summary.stores) > 1:
        lines.append("")
        lines += [
            _store_line(t, program, store.store_name, store.activity) for store in summary.stores
        ]
    return "\n".join(lines)


def daily_summary_text(t: Translator, daily: DailySummary) -> str:
    """The scheduled summary: the day's table, or one line for a day without activity; on
    Mondays, then, active members and repeat rate against the week before."""
    summary = daily.summary
    if summary.quiet:
        lines = [
            t.gettext(
                "📊 <b>{merchant}</b> — {period}: a quiet day, no activity.",
                merchant=esc(summary.merchant_name),
                period=_period(t, summary),
            )
        ]
    else:
        lines = [summary_text(t, summary)]
    if daily.week is not None:
        lines += ["", _week_text(t, daily.week)]
    return "\n".join(lines)


def _week_text(t: Translator, week: WeekOnWeek) -> str:
    active = _figure_line(
        t, (t.gettext("Active members (30 days)"), week.active_30, week.active_30_before)
    )
    rate = labelled(
        t,
        t.gettext("Repeat rate (90 days)"),
        f"<b>{percent(t, week.repeat_rate)}</b> "
        + _compared_rate(t, week.repeat_rate, week.repeat_rate_before),
    )
    return "\n".join([t.gettext("📈 This week, against the week before:"), active, "• " + rate])


def _compared_rate(t: Translator, now: float | None, before: float | None) -> str:
    """A rate against the week before, as whole percents (the way they are shown)."""
    if before is None:
        return t.gettext("(nothing to compare with)")
    if now is not None and round(now * 100) == round(before * 100):
        return t.gettext("(same as before)")
    arrow = "↑" if now is not None and now > before else "↓"
    return t.gettext("({arrow} from {before})", arrow=arrow, before=percent(t, before))


def chart_title(t: Translator, days: int) -> str:
    return t.ngettext("Last {n} day", "Last {n} days", days)


def chart_labels(t: Translator) -> tuple[str, str, str]:
    return (
        t.gettext("Stamps given"),
        t.gettext("Points earned"),
        t.gettext("Customers served"),
    )


def chart_caption(t: Translator, first_day: date, last_day: date) -> str:
    """The chart's period, first and last day, as the viewer writes dates."""
    return t.gettext(
        "Activity from {first} to {last}",
        first=format_date(first_day, "medium", locale=t.locale),
        last=format_date(last_day, "medium", locale=t.locale),
    )


def export_caption(t: Translator, days: int, rows: int) -> str:
    return t.ngettext(
        "The ledger of the last {days} days: {n} entry.",
        "The ledger of the last {days} days: {n} entries.",
        rows,
        days=t.number(days),
    )


def export_workbook_caption(t: Translator) -> str:
    return t.gettext("The same ledger for Excel: dates and amounts ready to sort and add up.")


def export_sheet_title(t: Translator) -> str:
    """The workbook's sheet name (Excel allows 31 characters)."""
    return t.gettext("Ledger")[:31]


def export_headers(t: Translator) -> list[str]:
    return [
        t.gettext("Date and time"),
        t.gettext("Store"),
        t.gettext("Card number"),
        t.gettext("Operation"),
        t.gettext("Stamps"),
        t.gettext("Points"),
        t.gettext("Stamps after"),
        t.gettext("Points after"),
        t.gettext("Amount (EUR)"),
        t.gettext("Staff"),
        t.gettext("Reason"),
        t.gettext("Happy-hour extra"),
    ]


def ledger_kind_label(t: Translator, kind: LedgerKind, reward_name: str | None = None) -> str:
    """An operation as the export's Operation column names it, from the business's side (the
    amounts are in their own columns, unlike the customer's /history)."""
    if kind is LedgerKind.REDEEM_REWARD:
        return t.gettext("Reward redeemed: {reward}", reward=reward_name or "?")
    labels = {
        LedgerKind.STAMP: lambda: t.gettext("Stamps given"),
        LedgerKind.REDEEM_STAMPS: lambda: t.gettext("Reward redeemed"),
        LedgerKind.EARN_POINTS: lambda: t.gettext("Points earned"),
        LedgerKind.REDEEM_POINTS: lambda: t.gettext("Points redeemed"),
        LedgerKind.VOID_POINTS: lambda: t.gettext("Points taken back"),
        LedgerKind.EXPIRE_POINTS: lambda: t.gettext("Points expired"),
        LedgerKind.UNDO: lambda: t.gettext("Correction by staff"),
        LedgerKind.NOT_ME: lambda: t.gettext("Reversed at the customer's request"),
        LedgerKind.REFUND: lambda: t.gettext("Purchase refunded by the till"),
        LedgerKind.MERGE_OUT: lambda: t.gettext("Moved to the customer's other card"),
        LedgerKind.MERGE_IN: lambda: t.gettext("Moved from the customer's other card"),
        LedgerKind.CORRECT_STAMPS: lambda: t.gettext("Stamps corrected"),
        LedgerKind.WELCOME: lambda: bonus_label(t, kind),
        LedgerKind.BIRTHDAY: lambda: bonus_label(t, kind),
        LedgerKind.REFERRAL: lambda: bonus_label(t, kind),
    }
    label = labels[kind]()
    return f"{label} ({reward_name})" if reward_name else label


def poster_call_to_action(t: Translator, program_type: ProgramType) -> str:
    if program_type is ProgramType.POINTS:
        return t.gettext("Collect points with every purchase!")
    return t.gettext("Collect stamps with every visit!")


def poster_instructions(t: Translator) -> str:
    return t.gettext("Scan with your phone camera to get your loyalty card in Telegram.")


def poster_offers(t: Translator, rewards: Sequence[Reward]) -> list[str]:
    """What a customer collects for what: one line per reward of the ladder, cheapest first."""
    offers = []
    for reward in rewards:
        name = reward.name_in(t.language)  # each language's block its own name
        if reward.unit is RewardUnit.STAMPS:
            line = t.ngettext(
                "{n} stamp = {reward}", "{n} stamps = {reward}", reward.cost, reward=name
            )
        else:
            line = t.ngettext(
                "{n} point = {reward}", "{n} points = {reward}", reward.cost, reward=name
            )
        offers.append(line)
    return offers


def poster_welcome(t: Translator, settings: ProgramSettings) -> str | None:
    """The welcome bonus, in the unit bonuses are paid in, when the café gives one."""
    amount = settings.welcome_bonus
    if amount <= 0:
        return None
    if settings.bonus_in_points:
        return t.ngettext(
            "Welcome gift: {n} point on your first visit",
            "Welcome gift: {n} points on your first visit",
            amount,
        )
    return t.ngettext(
        "Welcome gift: {n} stamp on your first visit",
        "Welcome gift: {n} stamps on your first visit",
        amount,
    )


def poster_code_hint(t: Translator, code: str, bot_username: str) -> str:
    return t.gettext("or send /join {code} to @{bot}", code=code, bot=bot_username)


def poster_caption(t: Translator, store_name: str) -> str:
    return t.gettext(
        "Your poster for {store}: print it (A4) or show it on a screen at the counter.",
        store=esc(store_name),
    )


def usage_summary(t: Translator) -> str:
    return t.gettext("Usage: /summary [today | yesterday | week | month]")


def usage_export(t: Translator) -> str:
    return t.gettext("Usage: /export [days], e.g. /export 30")


def expiry_reminder(t: Translator, card: CardView, expires_at: datetime) -> str:
    return t.ngettext(
        "⏳ Your {n} point at {merchant} will expire on {date}. Visit us before then to keep it!",
        "⏳ Your {n} points at {merchant} will expire on {date}. Visit us before then to keep them!",
        card.points_balance,
        merchant=esc(card.merchant_name),
        date=t.date_only(expires_at, card.timezone),
    )
