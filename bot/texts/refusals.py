"""One translated message per domain refusal (domain/errors/); those of the programme and of
the till API are kept beside this table (programme_refusals.py, api_refusals.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.i18n import Translator
from bot.texts import esc
from bot.texts.api_refusals import API_REFUSALS
from bot.texts.counter import large_purchase_question, void_all_question
from bot.texts.programme_refusals import PROGRAMME_REFUSALS
from domain import errors

_Render = Callable[[Translator, Any], str]


_MESSAGES: dict[type[errors.DomainError], _Render] = {
    errors.NotStaff: lambda t, e: t.gettext(
        "Only staff can do that. If you work at a store, ask the owner for an invite link."
    ),
    errors.NotOwner: lambda t, e: t.gettext(
        "Only a business owner can do that. To start your own program, send /setup followed by your business name."
    ),
    errors.OwnCard: lambda t, e: t.gettext(
        "You cannot do that on your own card — please ask a colleague."
    ),
    errors.CardOfOtherStore: lambda t, e: t.gettext(
        "This card belongs to {store}: it can only be used there.", store=esc(e.store_name)
    ),
    errors.CardInactive: lambda t, e: t.gettext("This card is no longer active."),
    errors.CardNumberWrongLength: lambda t, e: t.ngettext(
        "A card number has 12 digits; this one has {n}. Check it and send it again.",
        "A card number has 12 digits; this one has {n}. Check it and send it again.",
        e.digits,
    ),
    errors.CardNotFound: lambda t, e: t.gettext(
        "No card found. Check the card number (12 digits, e.g. 1234-5678-9012) or scan the QR code again."
    ),
    errors.StoreNotFound: lambda t, e: t.gettext(
        "No store found for “{reference}”. Check the code or scan the store's QR code again.",
        reference=esc(e.reference[:40]),
    ),
    errors.OtherCafe: lambda t, e: t.gettext(
        "This bot is another café's. {merchant} is served by its own bot or the platform bot: open its link or QR code again there.",
        merchant=esc(e.merchant_name),
    ),
    errors.NoCard: lambda t, e: t.gettext(
        "You have no card here. Scan the QR code at a participating store to join."
    ),
    errors.EntryNotFound: lambda t, e: t.gettext("That entry cannot be disputed."),
    errors.TooManyFailedLookups: lambda t, e: t.ngettext(
        "Too many unknown card numbers. Please wait {n} minute.",
        "Too many unknown card numbers. Please wait {n} minutes.",
        e.retry_after_minutes,
    ),
    errors.StampsNotInProgram: lambda t, e: t.gettext("This program collects points, not stamps."),
    errors.PointsNotInProgram: lambda t, e: t.gettext("This program collects stamps, not points."),
    errors.CooldownActive: lambda t, e: t.ngettext(
        "This card was stamped a moment ago. Please wait {n} minute.",
        "This card was stamped a moment ago. Please wait {n} minutes.",
        e.minutes_left,
    ),
    errors.DailyLimitReached: lambda t, e: (
        t.ngettext(
            "That is more than today's limit allows: only {n} more stamp is possible on this card today.",
            "That is more than today's limit allows: only {n} more stamps are possible on this card today.",
            e.remaining_today,
        )
        if e.remaining_today
        else t.ngettext(
            "Daily limit reached: at most {n} stamp per card per day.",
            "Daily limit reached: at most {n} stamps per card per day.",
            e.daily_limit,
        )
    ),
    errors.InvalidStampCount: lambda t, e: t.gettext(
        "You can give from {minimum} to {maximum} stamps at a time.",
        minimum=e.minimum,
        maximum=e.maximum,
    ),
    errors.NotEnoughStamps: lambda t, e: t.ngettext(
        "Not enough stamps yet: {have}/{n}.",
        "Not enough stamps yet: {have}/{n}.",
        e.stamps_target,
        have=e.stamp_count,
    ),
    errors.InvalidAmount: lambda t, e: t.gettext(
        "Please give an amount from {minimum} to {maximum}, for example 12,50.",
        minimum=t.money(e.minimum),
        maximum=t.money(e.maximum),
    ),
    errors.NoPointsForAmount: lambda t, e: t.gettext(
        "{amount} is too little to earn a point.", amount=t.money(e.amount)
    ),
    errors.InvalidPoints: lambda t, e: t.gettext(
        "Please give a number of points from {minimum} to {maximum}.",
        minimum=t.number(e.minimum),
        maximum=t.number(e.maximum),
    ),
    errors.NotEnoughPoints: lambda t, e: t.ngettext(
        "Not enough points: the balance is {balance}, {n} point is needed.",
        "Not enough points: the balance is {balance}, {n} points are needed.",
        e.points_needed,
        balance=t.number(e.points_balance),
    ),
    errors.NothingToUndo: lambda t, e: t.gettext("There is nothing of yours to undo."),
    errors.UndoWindowExpired: lambda t, e: t.ngettext(
        "Too late to undo: operations can be undone for {n} minute.",
        "Too late to undo: operations can be undone for {n} minutes.",
        e.window_minutes,
    ),
    errors.CannotReverse: lambda t, e: t.gettext(
        "This cannot be reversed any more: the balance has been used since."
    ),
    errors.AlreadyReversed: lambda t, e: t.gettext("This has already been reversed."),
    errors.CorrectionNotAllowed: lambda t, e: t.gettext(
        "Only the owner can correct stamps. The owner can allow staff with /program set staff_corrections on."
    ),
    errors.InvalidCorrection: lambda t, e: t.ngettext(
        "A correction changes from 1 to {n} stamp at a time: -2 takes 2 off, +2 adds 2 back.",
        "A correction changes from 1 to {n} stamps at a time: -2 takes 2 off, +2 adds 2 back.",
        e.maximum,
    ),
    errors.InvalidCorrectionReason: lambda t, e: t.ngettext(
        "A correction needs a reason of at most {n} character, e.g. wrong card.",
        "A correction needs a reason of at most {n} characters, e.g. wrong card.",
        e.max_length,
    ),
    errors.CorrectionExceedsBalance: lambda t, e: t.ngettext(
        "This card has only {n} stamp: a correction cannot take off more.",
        "This card has only {n} stamps: a correction cannot take off more.",
        e.stamp_count,
    ),
    errors.CorrectionAboveTopReward: lambda t, e: t.gettext(
        "A correction cannot take this card past its top reward ({top} stamps); it has {count}.",
        top=e.top,
        count=e.stamp_count,
    ),
    errors.CorrectionNotJustified: lambda t, e: t.ngettext(
        "Staff may add back only stamps that corrections or undos took off this card: {n} at most here. The owner can add more.",
        "Staff may add back only stamps that corrections or undos took off this card: {n} at most here. The owner can add more.",
        e.most,
    ),
    errors.InvalidName: lambda t, e: t.ngettext(
        "Please give a name of 1 to {n} character.",
        "Please give a name of 1 to {n} characters.",
        e.max_length,
    ),
    errors.AlreadyOwner: lambda t, e: t.gettext(
        "You already run {merchant}. One business per owner.", merchant=esc(e.merchant_name)
    ),
    errors.DuplicateStoreName: lambda t, e: t.gettext(
        "You already have a store called {store}.", store=esc(e.store_name)
    ),
    errors.InvalidBirthday: lambda t, e: t.gettext(
        "That is not a date I can read. Send the day and the month, for example {example}.",
        example=t.day_month_example(),
    ),
    errors.ReferralNotFound: lambda t, e: t.gettext(
        "This invitation link is not valid. Ask your friend to send it again, or scan the QR code at the store."
    ),
    # The counter's questions: a front end asks them with Confirm / Cancel and calls again
    # with confirmed=True.
    errors.LargePurchaseUnconfirmed: lambda t, e: large_purchase_question(
        t, e.amount, e.card_number
    ),
    errors.WholeBalanceVoidUnconfirmed: lambda t, e: void_all_question(
        t, e.points_balance, e.card_number
    ),
    errors.MembershipSwitchRequired: lambda t, e: t.gettext(
        "You are staff at {merchant}. Accepting this invite ends that.",
        merchant=esc(e.current_merchant_name),
    ),
    errors.OwnerCannotBecomeStaff: lambda t, e: t.gettext(
        "You own a business, so you cannot join another one as staff."
    ),
    errors.InviteNotFound: lambda t, e: t.gettext(
        "This invite link is not valid. Ask the owner for a new one."
    ),
    errors.InviteUsed: lambda t, e: t.gettext(
        "This invite link has already been used. Ask the owner for a new one."
    ),
    errors.InviteExpired: lambda t, e: t.gettext(
        "This invite link has expired. Ask the owner for a new one."
    ),
    errors.StaffMemberNotFound: lambda t, e: t.gettext(
        "There is no staff member number {number}. Send /staff to see the list.", number=e.number
    ),
    errors.CannotRevokeOwner: lambda t, e: t.gettext("The owner cannot be revoked."),
    errors.StoreOfDayRequired: lambda t, e: t.gettext(
        "Which store are you at today? Tap it once: what you were doing goes ahead, and your operations today count for that store."
    ),
    errors.NotYourStore: lambda t, e: t.gettext(
        "You cannot choose that store. Send /store to see yours."
    ),
    errors.RewardReadyRedeemFirst: lambda t, e: t.ngettext(
        "Reward ready — redeem first: the card holds {have}/{n} stamp, the most it can collect.",
        "Reward ready — redeem first: the card holds {have}/{n} stamps, the most it can collect.",
        e.top_cost,
        have=e.stamp_count,
    ),
    errors.OfferLimitReached: lambda t, e: (
        t.ngettext(
            "You have already sent today's offer: at most {n} offer per day. Try again tomorrow.",
            "You have already sent today's offers: at most {n} offers per day. Try again tomorrow.",
            e.limit,
        )
        if e.limit
        else t.gettext("Offers are turned off. Turn them on with /program set offers_per_day 1.")
    ),
    errors.InvalidOfferText: lambda t, e: t.ngettext(
        "An offer is a text of 1 to {n} character. Please send it again.",
        "An offer is a text of 1 to {n} characters. Please send it again.",
        e.max_length,
    ),
    errors.OfferNotFound: lambda t, e: t.gettext(
        "This offer is no longer waiting to be sent. Start a new one with /offer."
    ),
    errors.InvalidAudienceDays: lambda t, e: t.gettext(
        "Please choose from {minimum} to {maximum} days.", minimum=e.minimum, maximum=e.maximum
    ),
    errors.NoMerchantOfCustomer: lambda t, e: t.gettext(
        "You have no card yet, so no shop sends you offers. Scan a store's QR code to join."
    ),
    errors.BadBrandColour: lambda t, e: t.gettext(
        "“{given}” is not a colour I can use. Tap one of the colours offered, or give one like "
        "#1f5fa8.",
        given=esc(e.given),
    ),
    errors.BadBrandSymbol: lambda t, e: t.gettext(
        "“{given}” cannot be a stamp symbol: choose cup, star, heart, leaf or dot, or send one "
        "emoji.",
        given=esc(e.given),
    ),
    errors.BadLogo: lambda t, e: t.gettext(
        "I could not read this picture as a logo. Please send a PNG or JPEG photo under "
        "{megabytes} MB.",
        megabytes=e.max_megabytes,
    ),
    **PROGRAMME_REFUSALS,
    **API_REFUSALS,
}


def refusal_text(t: Translator, refusal: errors.DomainError) -> str:
    """The message for a refusal; every DomainError subclass has one (a test checks it)."""
    for cls in type(refusal).__mro__:
        render = _MESSAGES.get(cls)
        if render is not None:
            return render(t, refusal)
    return t.gettext("Sorry, that did not work.")


def covered_refusals() -> set[type[errors.DomainError]]:
    return set(_MESSAGES)
