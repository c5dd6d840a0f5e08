"""Bonuses and happy hours as customers and cashiers read them; birthdays and invitations."""

from __future__ import annotations

from bot.i18n import Translator
from bot.texts import esc
from domain.happy_hours import HAPPY_HOUR_EXAMPLE, HappyHours, HappyHourWindow, parse_happy_hours
from domain.model import BonusPaid, CardView, LedgerKind, Operation


def _amount(t: Translator, stamps: int, points: int) -> str:
    if points:
        return t.ngettext("{n} point", "{n} points", points)
    return t.ngettext("{n} stamp", "{n} stamps", stamps)


def _now(t: Translator, card: CardView) -> str:
    """The card after a bonus, in the unit bonuses are paid in."""
    if card.bonus_in_points:
        return t.gettext("balance: {balance}", balance=t.number(card.points_balance))
    return f"{card.stamp_count}/{card.stamps_target}"


def happy_hour_line(t: Translator, multiplier: int) -> str:
    return t.gettext("🎉 Happy hour ×{multiplier}", multiplier=multiplier)


def day_names(t: Translator) -> tuple[str, ...]:
    """Short names of the days, Monday first, as happy hours show them (and accept them)."""
    return (
        t.pgettext("weekday", "mon"),
        t.pgettext("weekday", "tue"),
        t.pgettext("weekday", "wed"),
        t.pgettext("weekday", "thu"),
        t.pgettext("weekday", "fri"),
        t.pgettext("weekday", "sat"),
        t.pgettext("weekday", "sun"),
    )


def happy_hours_text(t: Translator, hours: HappyHours | None) -> str:
    """`lun-ven 14:00-16:00 x2; sam 10:00-12:00 x3`: the days in the reader's language."""
    return t.gettext("off") if hours is None else hours.text(day_names(t))


def happy_hour_format(t: Translator) -> str:
    """How happy hours are written, with the separators between windows."""
    example = happy_hours_text(t, parse_happy_hours(HAPPY_HOUR_EXAMPLE + "; sat 10:00-12:00 x3"))
    return t.gettext(
        "Write the days, the hours and the multiplier (x2 to x5), for example {example}. Separate several windows with “;” or “,”; “off” turns happy hours off.",
        example=esc(example),
    )


def past_midnight_question(t: Translator, window: str, minutes: int) -> str:
    """Before a happy hour that ends the next day (often a typo for the other way round)."""
    hours = parse_happy_hours(window)
    shown = happy_hours_text(t, hours)
    late = hours.windows[0] if hours is not None else None
    swapped = ""
    if late is not None:
        swapped = happy_hours_text(
            t, HappyHours((HappyHourWindow(late.days, late.end, late.start, late.multiplier),))
        )
    return t.gettext(
        "⚠️ “{window}” runs past midnight: it ends the next day, {duration} later. Did you mean “{swapped}”? Keep the window past midnight?",
        window=esc(shown),
        duration=t.ngettext("{n} hour", "{n} hours", minutes // 60)
        if minutes % 60 == 0
        else t.gettext("{hours} h {minutes}", hours=minutes // 60, minutes=f"{minutes % 60:02d}"),
        swapped=esc(swapped),
    )


def bonus_label(t: Translator, kind: LedgerKind) -> str:
    """A bonus's name, in /history, the cashier's confirmation and the export."""
    return {
        LedgerKind.WELCOME: lambda: t.gettext("Welcome bonus"),
        LedgerKind.BIRTHDAY: lambda: t.gettext("Birthday bonus"),
        LedgerKind.REFERRAL: lambda: t.gettext("Referral bonus"),
    }[kind]()


def bonuses_for_cashier(t: Translator, bonuses: tuple[BonusPaid, ...]) -> list[str]:
    """Under a first visit's confirmation and in its notice: what the programme added."""
    return [
        t.gettext(
            "🎁 {bonus}: +{amount}",
            bonus=bonus_label(t, bonus.kind),
            amount=_amount(t, bonus.stamps, bonus.points),
        )
        for bonus in bonuses
    ]


def bonus_notice(t: Translator, op: Operation) -> str:
    """The customer's message about a bonus on their card."""
    card = op.card
    values = {
        "merchant": esc(card.merchant_name),
        "amount": _amount(t, op.stamps_delta, op.points_delta),
        "now": _now(t, card),
    }
    if op.kind is LedgerKind.WELCOME:
        return t.gettext(
            "🎁 Welcome to {merchant}! Your welcome bonus: +{amount} — now {now}", **values
        )
    if op.kind is LedgerKind.BIRTHDAY:
        return t.gettext("🎂 Happy birthday from {merchant}! +{amount} — now {now}", **values)
    if op.referral_side == "referrer":
        return t.gettext(
            "🤝 A friend you invited came to {merchant} for the first time: +{amount} for you — now {now}",
            **values,
        )
    return t.gettext(
        "🤝 Thanks for coming to {merchant} through a friend's invitation: +{amount} — now {now}",
        **values,
    )


def invite_text(t: Translator, card: CardView, link: str) -> str:
    """/invitefriend: the customer's link for this merchant, and what it brings."""
    lines = [
        t.gettext(
            "Invite your friends to {merchant}: send them this link.",
            merchant=esc(card.merchant_name),
        )
    ]
    if card.referral_bonus > 0:
        amount = (
            t.ngettext("{n} point", "{n} points", card.referral_bonus)
            if card.bonus_in_points
            else t.ngettext("{n} stamp", "{n} stamps", card.referral_bonus)
        )
        lines.append(
            t.gettext(
                "At their first visit, you both get {amount}.",
                amount=amount,
            )
        )
    lines.append(link)
    return "\n".join(lines)


def invite_line(t: Translator, link: str) -> str:
    """On /card: the invitation link, in one line."""
    return t.gettext("Invite a friend: {link}", link=link)


def referred_join(t: Translator) -> str:
    """Joining through a friend's link, told after the welcome."""
    return t.gettext("You came through a friend's invitation: thank you, and welcome!")


# --- birthdays --------------------------------------------------------------------------------


def birthday_prompt(t: Translator, current: str | None) -> str:
    example = t.day_month_example()
    if current is None:
        return t.gettext(
            "🎂 When is your birthday? Send the day and the month, for example {example}. Businesses that give birthday bonuses send yours on the day.",
            example=example,
        )
    return t.gettext(
        "🎂 Your birthday: {date}. To change it, send the day and the month, for example {example}.",
        date=current,
        example=example,
    )


def birthday_placeholder(t: Translator) -> str:
    return t.day_month_example().split(",")[0]


def birthday_saved(t: Translator, date_text: str, changed: bool) -> str:
    if not changed:
        return t.gettext("🎂 Your birthday stays {date}.", date=date_text)
    return t.gettext(
        "🎂 Saved: {date}. Birthday bonuses come on the day, from 30 days after setting the date.",
        date=date_text,
    )


def birthday_again(t: Translator, problem: str) -> str:
    """A date that could not be read: what is wrong, and the question stays open."""
    return problem + "\n" + t.gettext("Send your birthday again (day and month).")
