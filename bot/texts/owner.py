"""What owners see: set-up, stores, invites, staff and program settings."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from bot.texts import esc
from bot.texts.bonuses import happy_hours_text
from bot.texts.program import value_text
from domain.happy_hours import HappyHours
from domain.model import Invite, StaffJoined, StaffListing, StoreView
from domain.program import BONUS_KEYS, ProgramSettings, setting_value


def setup_done(t: Translator, store: StoreView, join_link: str) -> str:
    return t.gettext(
        "🎉 {merchant} is set up with a stamp card: 10 stamps for a free coffee.\nCustomers join with this link (or its QR code, /poster): {link}\nChange the program with /program, invite cashiers with /invite.",
        merchant=esc(store.merchant_name),
        link=join_link,
    )


def store_added(t: Translator, store: StoreView, join_link: str) -> str:
    return t.gettext(
        "Store {store} added. Its join link: {link}", store=esc(store.name), link=join_link
    )


def stores_list(t: Translator, stores: Sequence[tuple[StoreView, str]]) -> str:
    lines = [t.gettext("Your stores:")]
    for store, link in stores:
        lines.append(
            t.gettext(
                "• {store} — code <code>{code}</code>\n  {link}",
                store=esc(store.name),
                code=store.code,
                link=link,
            )
        )
    return "\n".join(lines)


def invite_created(t: Translator, invite: Invite, link: str, timezone: str) -> str:
    where = (
        t.gettext("all stores")
        if invite.store_name is None
        else t.gettext("store {store}", store=esc(invite.store_name))
    )
    return t.gettext(
        "Send this one-time link to your cashier ({where}). It works once, until {until}:\n{link}",
        where=where,
        until=t.date_time(invite.expires_at, timezone),
        link=link,
    )


def staff_list(t: Translator, staff: Sequence[StaffListing], timezone: str) -> str:
    if not staff:
        return t.gettext("You have no staff yet. Invite a cashier with /invite.")
    lines = [t.gettext("Your staff:")]
    for member in staff:
        name = esc(member.display_name or t.gettext("(no name)"))
        if member.username:
            name += f" (@{esc(member.username)})"
        where = t.gettext("all stores") if member.store_name is None else esc(member.store_name)
        lines.append(
            t.gettext(
                "{number}. {name} — {where}, since {since}",
                number=member.number,
                name=name,
                where=where,
                since=t.date_only(member.since, timezone),
            )
        )
    lines.append(t.gettext("Remove someone with /revoke followed by their number."))
    return "\n".join(lines)


def staff_joined(t: Translator, joined: StaffJoined) -> str:
    """The owner's notice that a cashier accepted an invite."""
    name = esc(joined.staff_name or t.gettext("(no name)"))
    if joined.store_name is None:
        return t.gettext(
            "👋 {name} joined your staff at all stores of {merchant}. See your staff with /staff.",
            name=name,
            merchant=esc(joined.merchant_name),
        )
    return t.gettext(
        "👋 {name} joined your staff at {store}. See your staff with /staff.",
        name=name,
        store=esc(joined.store_name),
    )


def revoke_question(t: Translator, member: StaffListing) -> str:
    name = esc(member.display_name or t.gettext("(no name)"))
    return t.gettext("Remove {name} from your staff?", name=name)


def revoked(t: Translator, member: StaffListing) -> str:
    name = esc(member.display_name or t.gettext("(no name)"))
    return t.gettext("{name} is no longer staff.", name=name)


def _value(t: Translator, value: object) -> str:
    if isinstance(value, HappyHours):
        return esc(happy_hours_text(t, value))
    if value is None:
        return t.gettext("off")
    if isinstance(value, bool):
        return t.gettext("on") if value else t.gettext("off")
    if hasattr(value, "strftime"):
        return value.strftime("%H:%M")  # type: ignore[no-any-return]
    return esc(value)


def program_changed(t: Translator, key: str, settings: ProgramSettings) -> str:
    value = _value(t, setting_value(settings, key))
    # "1 stamp", "50 points": in the programme's unit; a quiet day: "one short line", not "on".
    if key in BONUS_KEYS or key == "quiet_day":
        value = esc(value_text(t, key, settings))
    return t.gettext("Saved: {key} = {value}", key=key, value=value)


def merge_question(t: Translator, customers: int) -> str:
    return t.ngettext(
        "{n} customer has several cards (one per store). Turning cross-location on merges each customer's cards into their oldest card; nothing is lost. Continue?",
        "{n} customers have several cards (one per store). Turning cross-location on merges each customer's cards into their oldest card; nothing is lost. Continue?",
        customers,
    )


def hidden_balances_question(t: Translator, cards: int, hidden: str) -> str:
    """Before a type that stops showing what cards hold: nothing is lost, say so."""
    if hidden == "stamps":
        return t.ngettext(
            "{n} card holds stamps. The new type does not use stamps: they stay on the card, hidden, and come back if you switch the type back. Change the type?",
            "{n} cards hold stamps. The new type does not use stamps: they stay on the cards, hidden, and come back if you switch the type back. Change the type?",
            cards,
        )
    return t.ngettext(
        "{n} card holds points. The new type does not use points: they stay on the card, hidden, and come back if you switch the type back. Change the type?",
        "{n} cards hold points. The new type does not use points: they stay on the cards, hidden, and come back if you switch the type back. Change the type?",
        cards,
    )


def default_reward(t: Translator) -> str:
    """A new programme's stamp reward, in the owner's language."""
    return t.gettext("Free coffee")


def default_points_reward(t: Translator) -> str:
    return t.gettext("5 € voucher")
