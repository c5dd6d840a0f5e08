"""What staff see at the counter, and what customers are told about changes to their card."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from bot.i18n import Translator
from bot.texts import esc
from bot.texts.bonuses import bonus_notice, bonuses_for_cashier, happy_hour_line
from bot.texts.cards import ladder_progress, reward_lines, stamp_progress
from bot.texts.corrections import correction_notice, last_correction
from domain.model import (
    CardView,
    LedgerKind,
    Operation,
    Reversal,
    Reward,
    RewardUnit,
    format_card_number,
    rewards_reached,
)
from infra.steps import StepState


def balance_line(t: Translator, card: CardView, *, dots: bool = False) -> str:
    """A card's balance in a line; its stamps toward the next rewards of the ladder, or (`dots`,
    above the list of every reward) as a row of dots."""
    parts = []
    if card.program_type.has_stamps:
        several = len(card.stamp_rewards) > 1
        progress = ladder_progress(t, card) if several and not dots else stamp_progress(card)
        parts.append(t.gettext("stamps {progress}", progress=progress))
    if card.program_type.has_points:
        parts.append(t.ngettext("{n} point", "{n} points", card.points_balance))
    return " · ".join(parts)


def staff_card_text(t: Translator, card: CardView, *, ladder_drawn: bool = False) -> str:
    """A card as staff see it after a look-up or a scan; `ladder_drawn`: the page draws each
    reward's progress under it (the Mini App), so the reward lines are left out."""
    lines = [
        t.gettext(
            "Card <code>{number}</code> at {merchant}",
            number=card.display_number,
            merchant=esc(card.merchant_name),
        ),
        where_it_works(t, card),
        balance_line(t, card, dots=True),
        *([] if ladder_drawn else reward_lines(t, card)),
    ]
    if card.last_correction is not None and card.program_type.has_stamps:
        lines.append(last_correction(t, card.last_correction, card.timezone))
    return "\n".join(lines)


def next_stamp(t: Translator, card: CardView, now: datetime) -> list[str]:
    """Why a card shows no stamp buttons: the cooldown, and when it ends."""
    ready_at = card.stamp_ready_at
    if not card.program_type.has_stamps or ready_at is None or card.can_stamp_at(now):
        return []
    return [t.gettext("⏳ Next stamp from {time}.", time=t.time_only(ready_at, card.timezone))]


def where_it_works(t: Translator, card: CardView) -> str:
    if card.cross_location:
        return t.gettext("Works at every store of {merchant}.", merchant=esc(card.merchant_name))
    return t.gettext("Works at {store} only.", store=esc(card.store_name))


def rewards_ready(t: Translator, card: CardView) -> list[str]:
    """What the cashier can hand over now (shown with a Redeem button)."""
    lines = []
    for reward in card.affordable:
        if reward.unit is RewardUnit.STAMPS:
            lines.append(t.gettext("🎁 Reward ready: {reward}", reward=_name(t, reward)))
        else:
            lines.append(t.gettext("🎁 Points reward ready: {reward}", reward=_name(t, reward)))
    return lines


def _name(t: Translator, reward: Reward) -> str:
    return esc(reward.name_in(t.language))


def _reward_name(t: Translator, op: Operation) -> str:
    """What a redemption was for: its rung, or the single stamp reward before the ladder."""
    return _name(t, op.reward if op.reward is not None else op.card.first_reward(RewardUnit.STAMPS))


def operation_done(t: Translator, op: Operation) -> str:
    """The confirmation to staff, with the new balance."""
    card = op.card
    if op.replayed:
        head = t.gettext("Already done — nothing changed.")
    elif op.kind is LedgerKind.STAMP:
        head = t.ngettext("✅ {n} stamp added.", "✅ {n} stamps added.", op.stamps_delta)
    elif op.kind is LedgerKind.REDEEM_STAMPS:
        head = t.gettext(
            "✅ Reward redeemed: {reward}.", reward=_name(t, card.first_reward(RewardUnit.STAMPS))
        )
    elif op.kind is LedgerKind.REDEEM_REWARD:
        head = t.gettext("✅ Reward redeemed: {reward}.", reward=_reward_name(t, op))
    elif op.kind is LedgerKind.EARN_POINTS:
        assert op.amount is not None
        head = t.ngettext(
            "✅ {n} point added for {amount}.",
            "✅ {n} points added for {amount}.",
            op.points_delta,
            amount=t.money(op.amount),
        )
    elif op.kind is LedgerKind.REDEEM_POINTS:
        head = t.ngettext("✅ {n} point redeemed.", "✅ {n} points redeemed.", -op.points_delta)
    elif op.kind is LedgerKind.VOID_POINTS:
        head = t.ngettext("✅ {n} point taken back.", "✅ {n} points taken back.", -op.points_delta)
    else:
        head = t.gettext("✅ Done.")
    balance = t.gettext(
        "Card {number}: {balance}", number=card.display_number, balance=balance_line(t, card)
    )
    extras = []
    if not op.replayed and op.happy_hour_multiplier > 1:
        extras.append(happy_hour_line(t, op.happy_hour_multiplier))
    if not op.replayed:
        extras += bonuses_for_cashier(t, op.bonuses)
    ready = [] if op.replayed or op.kind.is_redemption else rewards_ready(t, card)
    return "\n".join([head, *extras, balance, *ready])


def undo_done(t: Translator, reversal: Reversal) -> str:
    card = reversal.operation.card
    return t.gettext(
        "↩️ Undone. Card {number}: {balance}",
        number=card.display_number,
        balance=balance_line(t, card),
    )


def customer_notice(t: Translator, op: Operation) -> str:
    """The chat message a customer gets after a change to their card, in their language."""
    card = op.card
    where = esc(op.store_name)
    if op.kind.is_bonus:
        return bonus_notice(t, op)
    happy = (
        "\n" + happy_hour_line(t, op.happy_hour_multiplier) if op.happy_hour_multiplier > 1 else ""
    )
    # A first visit's bonuses come in the same message, the card shown as it is after them.
    bonuses = "".join("\n" + line for line in bonuses_for_cashier(t, op.bonuses))
    if op.kind is LedgerKind.STAMP:
        text = t.ngettext(
            "You got a stamp at {store} — {progress}",
            "You got {n} stamps at {store} — {progress}",
            op.stamps_delta,
            store=where,
            progress=ladder_progress(t, card),
        )
        text += happy + bonuses
        before = card.stamp_count - op.stamps_delta - sum(b.stamps for b in op.bonuses)
        for reward in rewards_reached(card.stamp_rewards, before, card.stamp_count):
            text += "\n" + t.gettext("🎁 Your reward is ready: {reward}!", reward=_name(t, reward))
        return text
    if op.kind is LedgerKind.REDEEM_REWARD and op.stamps_delta:
        return t.gettext(
            "You redeemed {reward} at {store}. Enjoy! Stamps now: {progress}",
            reward=_reward_name(t, op),
            store=where,
            progress=ladder_progress(t, card),
        )
    if op.kind is LedgerKind.REDEEM_REWARD:
        return t.gettext(
            "You redeemed {reward} at {store}. Enjoy! Points now: {balance}",
            reward=_reward_name(t, op),
            store=where,
            balance=t.number(card.points_balance),
        )
    if op.kind is LedgerKind.REDEEM_STAMPS:
        return t.gettext(
            "You redeemed {reward} at {store}. Enjoy! Stamps now: {progress}",
            reward=_name(t, card.first_reward(RewardUnit.STAMPS)),
            store=where,
            progress=ladder_progress(t, card),
        )
    if op.kind is LedgerKind.EARN_POINTS:
        return (
            t.ngettext(
                "You earned {n} point at {store} — balance: {balance}",
                "You earned {n} points at {store} — balance: {balance}",
                op.points_delta,
                store=where,
                balance=t.number(card.points_balance),
            )
            + happy
            + bonuses
        )
    if op.kind is LedgerKind.REDEEM_POINTS:
        return t.ngettext(
            "You redeemed {n} point at {store} — balance: {balance}",
            "You redeemed {n} points at {store} — balance: {balance}",
            -op.points_delta,
            store=where,
            balance=t.number(card.points_balance),
        )
    if op.kind is LedgerKind.CORRECT_STAMPS:
        return correction_notice(t, op)
    if op.kind is LedgerKind.VOID_POINTS:
        return t.ngettext(
            "{n} point was taken back at {store} (a return) — balance: {balance}",
            "{n} points were taken back at {store} (a return) — balance: {balance}",
            -op.points_delta,
            store=where,
            balance=t.number(card.points_balance),
        )
    if op.kind is LedgerKind.REFUND:
        # As a cashier's undo is told, naming why: what the purchase earned was taken back.
        return t.gettext(
            "Your purchase at {store} was refunded, and what it earned taken back — now: {balance}",
            store=where,
            balance=balance_line(t, card),
        )
    return t.gettext(
        "Your card at {merchant} was corrected by staff — now: {balance}",
        merchant=esc(card.merchant_name),
        balance=balance_line(t, card),
    )


def redeem_question(
    t: Translator, card: CardView, points: int | None, reward: Reward | None = None
) -> str:
    if reward is not None and reward.unit is RewardUnit.STAMPS:
        # Progress toward this reward, not the ladder's top: "5/5" for a coffee at 5 stamps.
        return t.gettext(
            "Redeem {reward} on card {number} ({progress})?",
            reward=_name(t, reward),
            number=card.display_number,
            progress=f"{min(card.stamp_count, reward.cost)}/{reward.cost}",
        )
    if reward is not None:
        return t.ngettext(
            "Redeem {reward} for {n} point on card {number} (balance {balance})?",
            "Redeem {reward} for {n} points on card {number} (balance {balance})?",
            reward.cost,
            reward=_name(t, reward),
            number=card.display_number,
            balance=t.number(card.points_balance),
        )
    if points is None:
        return t.gettext(
            "Redeem {reward} on card {number} ({progress})?",
            reward=_name(t, card.first_reward(RewardUnit.STAMPS)),
            number=card.display_number,
            progress=f"{card.stamp_count}/{card.stamps_target}",
        )
    return t.ngettext(
        "Redeem {n} point on card {number} (balance {balance})?",
        "Redeem {n} points on card {number} (balance {balance})?",
        points,
        number=card.display_number,
        balance=t.number(card.points_balance),
    )


def reward_choice(t: Translator, card: CardView) -> str:
    """Several rewards are affordable: the cashier picks the one the customer wants."""
    return t.gettext(
        "Which reward for card {number} ({balance})?",
        number=card.display_number,
        balance=balance_line(t, card),
    )


def reward_button(t: Translator, reward: Reward) -> str:
    if reward.unit is RewardUnit.STAMPS:
        return t.ngettext(
            "{reward} ({n} stamp)",
            "{reward} ({n} stamps)",
            reward.cost,
            reward=reward.name_in(t.language),
        )
    return t.ngettext(
        "{reward} ({n} point)",
        "{reward} ({n} points)",
        reward.cost,
        reward=reward.name_in(t.language),
    )


def redeem_cancelled(t: Translator) -> str:
    return t.gettext("Cancelled — nothing was redeemed.")


def ask_amount(t: Translator, card: CardView) -> str:
    return t.gettext(
        "Send the purchase amount for card {number}, for example 12,50.", number=card.display_number
    )


def stale_qr_for_staff(t: Translator) -> str:
    """Staff scanned a QR code that no longer opens a card (replaced with /newqr, or the
    customer left the programme)."""
    return t.gettext(
        "This QR code opens no card of your business: it may be out of date (the customer has a newer one). Ask them to open /card and show the code there."
    )


def scan_for_strangers(t: Translator) -> str:
    return t.gettext(
        "This QR code is a loyalty card. Only the staff of its store can use it — show it at the counter."
    )


def amount_placeholder(t: Translator) -> str:
    """What the answer field shows under an amount prompt: an example in the person's locale."""
    return t.amount(Decimal("12.50"))


def amount_again(t: Translator, problem: str, number: str) -> str:
    """A wrong amount: what is wrong, and the same question again (the step stays open)."""
    return (
        problem
        + "\n"
        + t.gettext("Send the amount for card {number} again.", number=format_card_number(number))
    )


def amount_not_applied(
    t: Translator, state: StepState | None, asked_for: str | None, open_card: str | None
) -> str:
    """An amount typed with no open question for it: nothing was credited; which card to press."""
    if state is StepState.SUPERSEDED and asked_for is not None:
        head = t.gettext(
            "Not added: the amount question for card {number} was closed when you opened another card.",
            number=format_card_number(asked_for),
        )
    elif state is StepState.DONE and asked_for is not None:
        head = t.gettext(
            "Not added: the amount for card {number} was already added.",
            number=format_card_number(asked_for),
        )
    elif state is StepState.EXPIRED and asked_for is not None:
        head = t.gettext(
            "Not added: the amount question for card {number} has expired.",
            number=format_card_number(asked_for),
        )
    else:
        head = t.gettext("Not added: no card is waiting for an amount.")
    if open_card is not None:
        hint = t.gettext(
            "To add points to card {number}, press “Add points” under it, or send /points {number} and the amount.",
            number=format_card_number(open_card),
        )
    else:
        hint = t.gettext(
            "Open the card first (scan it or type its number), then press “Add points”."
        )
    return f"{head}\n{hint}"


def number_at_stamp_counter(t: Translator, open_card: str | None) -> str:
    """A bare number typed at a café whose cards collect stamps only: nothing was done."""
    head = t.gettext("Nothing done: your cards collect stamps, not points.")
    if open_card is not None:
        hint = t.gettext(
            "To stamp card {number}, press “+1 stamp”, “+2” or “+3” under it, or type +2.",
            number=format_card_number(open_card),
        )
    else:
        hint = t.gettext(
            "Open the card first (scan it or type its whole number), then press “+1 stamp” or type +2."
        )
    return f"{head}\n{hint}"


def large_purchase_question(t: Translator, amount: Decimal, number: str) -> str:
    return t.gettext(
        "{amount} is a large purchase. Add points for {amount} to card {number}?",
        amount=t.money(amount),
        number=format_card_number(number),
    )


def void_all_question(t: Translator, balance: int, number: str) -> str:
    return t.ngettext(
        "This takes back the whole balance of card {number}: {n} point. Go ahead?",
        "This takes back the whole balance of card {number}: {n} points. Go ahead?",
        balance,
        number=format_card_number(number),
    )


def no_open_card(t: Translator) -> str:
    return t.gettext("Which card? Scan it or type its number first, then +2 adds two stamps to it.")
