"""What a customer who says "not me" is asked and told, and the owner's alert about it."""

from __future__ import annotations

from bot.i18n import Translator
from bot.texts import esc
from bot.texts.counter import balance_line
from domain.model import Dispute


def dispute_done(t: Translator, dispute: Dispute) -> str:
    if dispute.undone_before:
        return t.gettext(
            "Thanks for telling us. {merchant} had already undone it, so your card did not change: {balance}. We have told them.",
            merchant=esc(dispute.card.merchant_name),
            balance=balance_line(t, dispute.card),
        )
    if dispute.reversed_by_customer:
        return t.gettext(
            "Thanks for telling us. We reversed it — your card now: {balance}",
            balance=balance_line(t, dispute.card),
        )
    return t.gettext(
        "Thanks for telling us. We have alerted {merchant}.",
        merchant=esc(dispute.card.merchant_name),
    )


def dispute_question(t: Translator, dispute: Dispute) -> str:
    """Asked under a "not me" tap, before anything is reversed or reported."""
    if dispute.undone_before:
        return t.gettext(
            "{merchant} has already undone this: your card is as it was before. Was it not you all the same? If you confirm, we tell {merchant} so they can check.",
            merchant=esc(dispute.card.merchant_name),
        )
    if dispute.disputed_kind.is_earning:
        return t.gettext(
            "Was this not you? If you confirm, we reverse it and tell {merchant}.",
            merchant=esc(dispute.card.merchant_name),
        )
    return t.gettext(
        "Was this not you? If you confirm, we tell {merchant} so they can check.",
        merchant=esc(dispute.card.merchant_name),
    )


def owner_alert(t: Translator, dispute: Dispute) -> str:
    when = t.date_time(dispute.entry_created_at, dispute.card.timezone)
    where = {"number": dispute.card.display_number, "store": esc(dispute.store_name), "when": when}
    if dispute.staff_name is None:  # recorded by no one known (an erased cashier, say)
        return _owner_alert_unnamed(t, dispute, where)
    cashier = esc(dispute.staff_name)
    earning = dispute.disputed_kind.is_earning
    if dispute.undone_before and earning:
        return t.gettext(
            "⚠️ A customer said “not me” to an earning on card {number} at {store} ({when}), recorded by {cashier}. It had already been undone at the counter: nothing changed.",
            cashier=cashier,
            **where,
        )
    if dispute.undone_before:
        return t.gettext(
            "⚠️ A customer said “not me” to a redemption on card {number} at {store} ({when}), recorded by {cashier}. It had already been undone at the counter: nothing changed.",
            cashier=cashier,
            **where,
        )
    if dispute.reversed_by_customer:
        return t.gettext(
            "⚠️ A customer said “not me” to an earning on card {number} at {store} ({when}), recorded by {cashier}; it was reversed.",
            cashier=cashier,
            **where,
        )
    return t.gettext(
        "⚠️ A customer said “not me” to a redemption on card {number} at {store} ({when}), recorded by {cashier}. Please check with your staff.",
        cashier=cashier,
        **where,
    )


def _owner_alert_unnamed(t: Translator, dispute: Dispute, where: dict[str, str]) -> str:
    if dispute.undone_before and dispute.disputed_kind.is_earning:
        return t.gettext(
            "⚠️ A customer said “not me” to an earning on card {number} at {store} ({when}). It had already been undone at the counter: nothing changed.",
            **where,
        )
    if dispute.undone_before:
        return t.gettext(
            "⚠️ A customer said “not me” to a redemption on card {number} at {store} ({when}). It had already been undone at the counter: nothing changed.",
            **where,
        )
    if dispute.reversed_by_customer:
        return t.gettext(
            "⚠️ A customer said “not me” to an earning on card {number} at {store} ({when}); it was reversed.",
            **where,
        )
    return t.gettext(
        "⚠️ A customer said “not me” to a redemption on card {number} at {store} ({when}). Please check with your staff.",
        **where,
    )
