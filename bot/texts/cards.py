"""Card screens: the card itself, history, stores, join results."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from bot.images import CardFace, Rung
from bot.texts import esc, labelled
from bot.texts.bonuses import bonus_label, invite_line
from domain.model import (
    CardView,
    Enrolment,
    HistoryPage,
    LedgerKind,
    LedgerLine,
    Reward,
    RewardUnit,
    StoreView,
)

PROGRESS_FULL, PROGRESS_EMPTY = "●", "○"


def stamp_progress(card: CardView) -> str:
    """`7/10` followed by a row of dots (capped so a 50-stamp card stays one line)."""
    shown = min(card.stamps_target, 20)
    filled = min(shown, round(card.stamp_count * shown / card.stamps_target))
    dots = PROGRESS_FULL * filled + PROGRESS_EMPTY * (shown - filled)
    return f"{card.stamp_count}/{card.stamps_target} {dots}"


NEXT_REWARDS_TOLD = 2  # a notice names the next rewards, not all ten of a long ladder


def ladder_progress(t: Translator, card: CardView) -> str:
    """Stamps toward the next rewards: "7/8 to Free coffee · 7/12 to Cake". A card with one
    reward, or with every reward reached (told as ready elsewhere), reads "7/8" as before."""
    ahead = [r for r in card.stamp_rewards if card.to_go(r) > 0][:NEXT_REWARDS_TOLD]
    if len(card.stamp_rewards) < 2 or not ahead:
        return f"{card.stamp_count}/{card.stamps_target}"
    return " · ".join(
        t.gettext(
            "{count}/{cost} to {reward}",
            count=t.number(card.stamp_count),
            cost=t.number(reward.cost),
            reward=esc(reward.name_in(t.language)),
        )
        for reward in ahead
    )


def stamp_change(t: Translator, stamps_delta: int) -> str:
    """A correction's change: "2 stamps taken off" or "2 stamps added back"."""
    if stamps_delta < 0:
        return t.ngettext("{n} stamp taken off", "{n} stamps taken off", -stamps_delta)
    return t.ngettext("{n} stamp added back", "{n} stamps added back", stamps_delta)


def card_text(
    t: Translator, card: CardView, invite_link: str | None = None, *, ladder_drawn: bool = False
) -> str:
    """The card as /card shows it (also the caption of its QR code image; ≤ 1024 characters),
    with the holder's invitation link when given. `ladder_drawn`: the page draws each reward's
    progress beside the text (the Mini App), so the dots and the reward lines are left out."""
    lines = [
        f"<b>{esc(card.merchant_name)}</b>",
        t.gettext("Card number: <code>{number}</code>", number=card.display_number),
    ]
    if card.program_type.has_stamps and not ladder_drawn:
        lines.append(t.gettext("Stamps: {progress}", progress=stamp_progress(card)))
    if card.program_type.has_points:
        lines.append(t.gettext("Points: {points}", points=t.number(card.points_balance)))
    rewards_at = len(lines)
    if not ladder_drawn:
        lines.extend(reward_lines(t, card))
    if card.cross_location:
        lines.append(t.gettext("Works at all our locations."))
    else:
        lines.append(t.gettext("Works at {store}.", store=esc(card.store_name)))
    lines.append(t.gettext("Show this QR code at the counter."))
    if invite_link is not None:
        lines.append(invite_line(t, invite_link))
    text = "\n".join(lines)
    if len(text) <= CAPTION_LIMIT or ladder_drawn:  # a page is no caption
        return text
    # A long ladder with long names: what is ready in one line, then the next reward of each.
    shown = len(reward_lines(t, card))
    lines[rewards_at : rewards_at + shown] = compact_reward_lines(t, card)
    return "\n".join(lines)


CAPTION_LIMIT = 1024  # Telegram's limit for a photo's caption
SHORT_NAME = 24


def _short(name: str) -> str:
    return esc(name if len(name) <= SHORT_NAME else name[: SHORT_NAME - 1] + "…")


def compact_reward_lines(t: Translator, card: CardView) -> list[str]:
    """The ladder in a few lines: the rewards ready now, then the next one of each unit."""
    lines = []
    ready = [r for r in card.rewards if card.to_go(r) == 0]
    if ready:
        lines.append(
            t.gettext(
                "✅ Ready: {rewards}",
                rewards=", ".join(_short(r.name_in(t.language)) for r in ready),
            )
        )
    for unit in (RewardUnit.STAMPS, RewardUnit.POINTS):
        upcoming = [r for r in card.rewards if r.unit is unit and card.to_go(r) > 0]
        if upcoming:
            nxt = upcoming[0]
            lines.append(_to_go_line(t, nxt, card.to_go(nxt), _short(nxt.name_in(t.language))))
    return lines


def reward_lines(t: Translator, card: CardView) -> list[str]:
    """Each reward of the ladder: ready ✅, or how many stamps or points are still missing."""
    lines = []
    for reward in card.rewards:
        missing, name = card.to_go(reward), esc(reward.name_in(t.language))
        if missing == 0:
            lines.append(t.gettext("✅ {reward} — ready", reward=name))
        else:
            lines.append(_to_go_line(t, reward, missing, name))
    return lines


def _to_go_line(t: Translator, reward: Reward, missing: int, name: str) -> str:
    if reward.unit is RewardUnit.STAMPS:
        return t.ngettext(
            "⏳ {reward} — {n} stamp to go", "⏳ {reward} — {n} stamps to go", missing, reward=name
        )
    return t.ngettext(
        "⏳ {reward} — {n} point to go", "⏳ {reward} — {n} points to go", missing, reward=name
    )


def card_face(t: Translator, card: CardView) -> CardFace:
    """What the card image shows: the café, the progress the programme counts, the number."""
    stamps = (card.stamp_count, card.stamps_target) if card.program_type.has_stamps else None
    rungs = tuple(
        _rung(t, reward, card.to_go(reward)) for reward in (card.stamp_rewards if stamps else ())
    )
    return CardFace(
        merchant_name=card.merchant_name,
        stamps=stamps,
        stamps_text=f"{card.stamp_count}/{card.stamps_target}" if stamps else None,
        rungs=rungs,
        points_text=t.ngettext("{n} point", "{n} points", card.points_balance)
        if card.program_type.has_points
        else None,
        number_label=t.gettext("Card number"),
        number=card.display_number,
    )


def _rung(t: Translator, reward: Reward, missing: int) -> Rung:
    name = reward.name_in(t.language)
    if missing == 0:
        return Rung(reward.cost, t.gettext("✓ {reward} — ready", reward=name), True)
    return Rung(reward.cost, f"{reward.cost} · {name}", False)


def preview_face(t: Translator, merchant_name: str, rewards: Sequence[Reward]) -> CardFace:
    """A sample card of the café for its owner's eyes (/brand): the first reward just reached,
    so the preview shows filled and empty stamps and a ready reward."""
    stamp_rewards = [reward for reward in rewards if reward.unit is RewardUnit.STAMPS]
    points = [reward for reward in rewards if reward.unit is RewardUnit.POINTS]
    stamps = None
    if stamp_rewards:
        collected = stamp_rewards[0].cost
        stamps = (collected, stamp_rewards[-1].cost)
    return CardFace(
        merchant_name=merchant_name,
        stamps=stamps,
        stamps_text=f"{stamps[0]}/{stamps[1]}" if stamps else None,
        rungs=tuple(_rung(t, r, max(0, r.cost - stamps[0])) for r in stamp_rewards)
        if stamps
        else (),
        points_text=t.ngettext("{n} point", "{n} points", points[0].cost) if points else None,
        number_label=t.gettext("Card number"),
        number="0000-0000-0000",
    )


def joined_text(t: Translator, enrolment: Enrolment) -> str:
    """The reply to joining: welcome, or the existing card and where it works."""
    card = enrolment.card
    if enrolment.created:
        head = t.gettext(
            "Welcome to the loyalty program of {merchant}! Here is your card.",
            merchant=esc(card.merchant_name),
        )
    elif card.cross_location and enrolment.joined_store.store_id != card.store_id:
        head = t.gettext(
            "You already have a card at {merchant}: it works at all our locations: {stores}.",
            merchant=esc(card.merchant_name),
            stores=", ".join(esc(s.name) for s in enrolment.stores),
        )
    else:
        head = t.gettext(
            "You already have a card at {merchant}. Here it is.", merchant=esc(card.merchant_name)
        )
    return head


def stores_text(t: Translator, card: CardView, stores: Sequence[StoreView]) -> str:
    names = "\n".join(f"• {esc(store.name)}" for store in stores)
    if card.cross_location:
        head = t.gettext(
            "Your card at {merchant} works at all our locations:", merchant=esc(card.merchant_name)
        )
    else:
        head = t.gettext(
            "Your card at {merchant} works at this store only:", merchant=esc(card.merchant_name)
        )
    return f"{head}\n{names}"


def entry_label(t: Translator, line: LedgerLine) -> str:
    labels = {
        LedgerKind.STAMP: lambda: t.ngettext("+{n} stamp", "+{n} stamps", line.stamps_delta),
        LedgerKind.REDEEM_STAMPS: lambda: t.gettext("Reward redeemed"),
        LedgerKind.EARN_POINTS: lambda: t.ngettext("+{n} point", "+{n} points", line.points_delta),
        LedgerKind.REDEEM_POINTS: lambda: t.ngettext(
            "{n} point redeemed", "{n} points redeemed", -line.points_delta
        ),
        LedgerKind.VOID_POINTS: lambda: t.ngettext(
            "{n} point taken back", "{n} points taken back", -line.points_delta
        ),
        LedgerKind.EXPIRE_POINTS: lambda: t.ngettext(
            "{n} point expired", "{n} points expired", -line.points_delta
        ),
        LedgerKind.UNDO: lambda: t.gettext("Correction by staff"),
        LedgerKind.NOT_ME: lambda: t.gettext("Reversed at your request"),
        LedgerKind.REFUND: lambda: t.gettext("Purchase refunded"),
        LedgerKind.MERGE_OUT: lambda: t.gettext("Moved to your other card"),
        LedgerKind.MERGE_IN: lambda: t.gettext("Moved from your other card"),
        LedgerKind.CORRECT_STAMPS: lambda: t.gettext(
            "Correction: {change}", change=stamp_change(t, line.stamps_delta)
        ),
        LedgerKind.REDEEM_REWARD: lambda: t.gettext(
            "Reward redeemed: {reward}",
            reward=esc(line.reward.name_in(t.language) if line.reward else "?"),
        ),
        LedgerKind.WELCOME: lambda: bonus_label(t, line.kind),
        LedgerKind.BIRTHDAY: lambda: bonus_label(t, line.kind),
        LedgerKind.REFERRAL: lambda: bonus_label(t, line.kind),
    }
    label = labels[line.kind]()
    if line.kind is LedgerKind.CORRECT_STAMPS and line.reason:
        label += f" ({esc(line.reason)})"
    if line.kind in (LedgerKind.UNDO, LedgerKind.NOT_ME) and line.reward is not None:
        label += f" ({esc(line.reward.name_in(t.language))})"
    return label


def history_text(t: Translator, card: CardView, page: HistoryPage, *, first_page: bool) -> str:
    if not page.lines:
        return t.gettext(
            "No activity on your card at {merchant} yet.", merchant=esc(card.merchant_name)
        )
    head = (
        t.gettext("Latest activity on your card at {merchant}:", merchant=esc(card.merchant_name))
        if first_page
        else t.gettext(
            "Older activity on your card at {merchant}:", merchant=esc(card.merchant_name)
        )
    )
    rows = [
        f"{when}\n    {what}" for when, what in (history_row(t, card, line) for line in page.lines)
    ]
    return head + "\n" + "\n".join(rows)


def history_row(t: Translator, card: CardView, line: LedgerLine) -> tuple[str, str]:
    """One history line: when and where, then what happened and the balance after it."""
    balance = (
        f"{line.stamp_balance_after}/{card.stamps_target}"
        if card.program_type.has_stamps and line.stamps_delta
        else t.ngettext("{n} point", "{n} points", line.points_balance_after)
    )
    amount = f" · {t.money(line.amount)}" if line.amount is not None else ""
    return (
        f"{t.date_time(line.created_at, card.timezone)} · {esc(line.store_name)}",
        f"{entry_label(t, line)}{amount} → {balance}",
    )


def cards_overview(t: Translator, cards: Sequence[CardView]) -> str:
    """/start without a payload for a known customer: their cards in one message."""
    if not cards:
        return t.gettext(
            "You have no loyalty card yet. Scan the QR code at a participating store to join."
        )
    lines = [t.gettext("Your loyalty cards:")]
    for card in cards:
        progress = (
            stamp_progress(card)
            if card.program_type.has_stamps
            else t.ngettext("{n} point", "{n} points", card.points_balance)
        )
        lines.append("• " + labelled(t, f"<b>{esc(card.merchant_name)}</b>", progress))
    lines.append(t.gettext("Send /card to see a card with its QR code."))
    return "\n".join(lines)


def which_card(t: Translator) -> str:
    return t.gettext("Which card?")


def new_qr_done(t: Translator) -> str:
    return t.gettext("Here is your new QR code. The old one no longer works.")


def card_without_image(t: Translator, card: str, link: str) -> str:
    """The card when its QR code image could not be sent: the number still reaches them."""
    note = t.gettext(
        "The QR code image could not be sent just now: show this card number at the counter, or send /card again later."
    )
    return f"{card}\n\n{note}\n{esc(link)}"
