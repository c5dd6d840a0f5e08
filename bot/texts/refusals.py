"""One translated message per domain refusal (domain/errors/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.i18n import Translator
from bot.texts import esc, setting_registry
from bot.texts.bonuses import happy_hour_format, past_midnight_question
from bot.texts.counter import large_purchase_question, void_all_question
from domain import errors

_Render = Callable[[Translator, Any], str]


def _setting_refusal(t: Translator, e: errors.InvalidSettingValue) -> str:
    head = t.gettext(
        "“{value}” is not a valid value for {key}.",
        value=esc(e.value[:50]),
        key=esc(setting_registry.label(t, e.key)),
    )
    if e.key == "happy_hour":
        rule = happy_hour_format(t)
    elif e.choices:
        rule = t.gettext("Allowed values: {choices}.", choices=", ".join(e.choices))
    elif e.minimum is not None and e.maximum is not None:
        # The unit with the highest value: "from 0 to 1,440 minutes", "from 1 to 50 stamps".
        unit = setting_registry.unit_of(e.key, e.unit)
        whole = isinstance(e.maximum, int)
        rule = t.gettext(
            "Allowed values: from {minimum} to {maximum}.",
            minimum=t.number(e.minimum),
            maximum=unit(t, int(e.maximum)) if unit and whole else t.number(e.maximum),
        )
        example = setting_registry.view_of(e.key).example
        if example is not None:  # what may be typed besides a number ("30 min, 2h or off")
            rule += "\n" + t.gettext("For example: {example}", example=esc(example(t)))
    elif e.max_length is not None:
        rule = t.ngettext(
            "Allowed values: a text of at most {n} character.",
            "Allowed values: a text of at most {n} characters.",
            e.max_length,
        )
    else:
        rule = t.gettext("For example: {example}", example=esc(e.example or ""))
    return f"{head}\n{rule}"


def _cost_refusal(t: Translator, e: errors.InvalidRewardCost) -> str:
    if e.unit == "stamps":
        return t.gettext(
            "A reward costs from {minimum} to {maximum} stamps.",
            minimum=t.number(e.minimum),
            maximum=t.number(e.maximum),
        )
    return t.gettext(
        "A reward costs from {minimum} to {maximum} points.",
        minimum=t.number(e.minimum),
        maximum=t.number(e.maximum),
    )


def _duplicate_cost(t: Translator, e: errors.DuplicateRewardCost) -> str:
    if e.unit == "stamps":
        return t.ngettext(
            "{reward} already costs {n} stamp: give this reward another cost.",
            "{reward} already costs {n} stamps: give this reward another cost.",
            e.cost,
            reward=esc(e.name),
        )
    return t.ngettext(
        "{reward} already costs {n} point: give this reward another cost.",
        "{reward} already costs {n} points: give this reward another cost.",
        e.cost,
        reward=esc(e.name),
    )


def _ladder_full(t: Translator, e: errors.LadderFull) -> str:
    if e.unit == "stamps":
        return t.ngettext(
            "The programme already has {n} stamp reward, the most it can have. Remove one first.",
            "The programme already has {n} stamp rewards, the most it can have. Remove one first.",
            e.maximum,
        )
    return t.ngettext(
        "The programme already has {n} points reward, the most it can have. Remove one first.",
        "The programme already has {n} points rewards, the most it can have. Remove one first.",
        e.maximum,
    )


def _last_reward(t: Translator, e: errors.LastRewardKept) -> str:
    if e.unit == "stamps":
        return t.gettext(
            "This is the only stamp reward: a programme keeps at least one. Rename it or change its cost instead."
        )
    return t.gettext(
        "This is the only points reward: a programme keeps at least one. Rename it or change its cost instead."
    )


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
    errors.UnknownSetting: lambda t, e: (
        t.gettext(
            "There is no setting “{key}”. Did you mean “{near}”? /program lists them all.",
            key=esc(e.key[:40]),
            near=e.near,
        )
        if e.near
        else t.gettext(
            "There is no setting “{key}”. Settings: {keys}.",
            key=esc(e.key[:40]),
            keys=", ".join(e.allowed_keys),
        )
    ),
    errors.InvalidSettingValue: _setting_refusal,
    errors.BonusTooLargeForType: lambda t, e: t.gettext(
        "{key} is {value}, more than this type allows (0 to {maximum}): lower it first with /program set {key} and a smaller value.",
        key=e.key,
        value=t.number(e.value),
        maximum=t.number(e.maximum),
    ),
    errors.InvalidBirthday: lambda t, e: t.gettext(
        "That is not a date I can read. Send the day and the month, for example {example}.",
        example=t.day_month_example(),
    ),
    errors.ReferralNotFound: lambda t, e: t.gettext(
        "This invitation link is not valid. Ask your friend to send it again, or scan the QR code at the store."
    ),
    errors.MergeConfirmationRequired: lambda t, e: t.ngettext(
        "{n} customer has several cards; turning cross-location on merges them.",
        "{n} customers have several cards; turning cross-location on merges them.",
        e.customers,
    ),
    errors.HappyHourPastMidnight: lambda t, e: past_midnight_question(t, e.window, e.minutes),
    # The counter's questions: a front end asks them with Confirm / Cancel and calls again
    # with confirmed=True.
    errors.LargePurchaseUnconfirmed: lambda t, e: large_purchase_question(
        t, e.amount, e.card_number
    ),
    errors.WholeBalanceVoidUnconfirmed: lambda t, e: void_all_question(
        t, e.points_balance, e.card_number
    ),
    errors.TypeChangeHidesBalances: lambda t, e: t.ngettext(
        "{n} card holds a balance that this type would hide.",
        "{n} cards hold a balance that this type would hide.",
        e.cards,
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
    errors.InvalidRewardCost: _cost_refusal,
    errors.InvalidRewardName: lambda t, e: t.ngettext(
        "Please give the reward a name of 1 to {n} character.",
        "Please give the reward a name of 1 to {n} characters.",
        e.max_length,
    ),
    errors.LadderFull: _ladder_full,
    errors.DuplicateRewardCost: _duplicate_cost,
    errors.LastRewardKept: _last_reward,
    errors.RewardNotFound: lambda t, e: (
        t.gettext(
            "There is no reward number {number}. Send /rewards to see the list.",
            number=e.number,
        )
        if e.number is not None
        else t.gettext("This reward is no longer offered.")
    ),
    errors.FirstRewardMustStayFirst: lambda t, e: t.gettext(
        "{key} is the cost of the first reward and must stay below the next one ({next}). Change the other rewards with /rewards.",
        key=e.key,
        next=t.number(e.next_cost),
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
    errors.KeyUsedForAnotherCard: lambda t, e: t.gettext(
        "This request was already used for another card, so nothing was changed. Please try again."
    ),
    errors.KeyUsedForAnotherRequest: lambda t, e: t.gettext(
        "This Idempotency-Key was already used for another request, so nothing was changed. Use a new key for a new request."
    ),
    errors.ReceiptAlreadyUsed: lambda t, e: t.gettext(
        "Receipt {receipt} has already earned on a card: a receipt earns once.",
        receipt=esc(e.receipt),
    ),
    errors.ReceiptNotFound: lambda t, e: t.gettext(
        "No purchase with receipt {receipt} earned on a card here.", receipt=esc(e.receipt)
    ),
    errors.ReceiptRefunded: lambda t, e: t.gettext(
        "Receipt {receipt} has already been refunded: a receipt is refunded once.",
        receipt=esc(e.receipt),
    ),
    errors.ReceiptOfOtherStore: lambda t, e: t.gettext(
        "Receipt {receipt} earned at {store}: only a key of that store, or of the whole café, "
        "can refund it.",
        receipt=esc(e.receipt),
        store=esc(e.store_name),
    ),
    errors.InvalidCursor: lambda t, e: t.gettext(
        "This cursor is not one the operations list gave. Start without one, or pass the "
        "last answer's next cursor."
    ),
    errors.ApiKeyRefused: lambda t, e: t.gettext(
        "This API key is unknown or revoked. Send it as Authorization: Bearer followed by the key."
    ),
    errors.ApiKeyScopeMissing: lambda t, e: t.gettext(
        "This API key may not do that: it needs the {scope} scope.", scope=e.scope
    ),
    errors.InvalidApiKeyName: lambda t, e: t.ngettext(
        "A key's name is 1 to {n} character: letters, digits, dots, dashes or underscores, no spaces.",
        "A key's name is 1 to {n} characters: letters, digits, dots, dashes or underscores, no spaces.",
        e.max_length,
    ),
    errors.InvalidApiKeyScopes: lambda t, e: t.gettext(
        "A key's scopes are {allowed}, separated by commas.", allowed=", ".join(e.allowed)
    ),
    errors.DuplicateApiKeyName: lambda t, e: t.gettext(
        "You already have a key named {name}. Choose another name, or revoke that key first.",
        name=esc(e.name),
    ),
    errors.ApiKeyNotFound: lambda t, e: t.gettext(
        "You have no key named {name}. Send /apikeys to see your keys.", name=esc(e.name)
    ),
    errors.InvalidWebhookUrl: lambda t, e: t.gettext(
        "This is not a web address I can send events to. Send one like https://example.com/loyalty."
    ),
    errors.WebhookNeedsHttps: lambda t, e: t.gettext(
        "Events are only sent over HTTPS: the address must start with https://."
    ),
    errors.WebhookHostUnknown: lambda t, e: t.gettext(
        "I cannot find the server {host}. Please check the address.", host=esc(e.host)
    ),
    errors.WebhookAddressRefused: lambda t, e: t.gettext(
        "{host} is an address of a private network: events are only sent to servers on the internet.",
        host=esc(e.host),
    ),
    errors.TooManyWebhooks: lambda t, e: t.ngettext(
        "You already have {n} webhook, the most allowed. Remove one first with /webhooks remove.",
        "You already have {n} webhooks, the most allowed. Remove one first with /webhooks remove.",
        e.limit,
    ),
    errors.DuplicateWebhook: lambda t, e: t.gettext(
        "{url} is registered already. Send /webhooks to see your webhooks.", url=esc(e.url)
    ),
    errors.WebhookNotFound: lambda t, e: t.gettext(
        "You have no webhook number {number}. Send /webhooks to see the numbers.",
        number=e.number,
    ),
    errors.WebhookRemoved: lambda t, e: t.gettext(
        "That webhook is no longer yours to change. Send /webhooks to see your webhooks."
    ),
    errors.WebhookNotDisabled: lambda t, e: t.gettext(
        "Webhook {url} is enabled already: nothing to do.", url=esc(e.url)
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
