"""What offers and the messages that bring customers back say: the consent question, the
customer's choices, win-back and "almost there", the owner's /offer flow and its reports."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from bot.texts import esc, labelled
from domain.model import CardView, RewardUnit
from domain.offers import OFFER_TEXT_MAX_LENGTH, AudienceKind
from domain.service import MerchantChoice, OfferFigures, OfferPreview

TELEGRAM_CAPTION_LIMIT = 1024

# --- the customer ---------------------------------------------------------------------------


def consent_question(t: Translator, merchant: str) -> str:
    return t.gettext(
        "Get offers from {merchant}? You can change your mind at any time with /offers.",
        merchant=esc(merchant),
    )


def consent_given(t: Translator, merchant: str) -> str:
    return t.gettext(
        "You will get offers from {merchant}. Send /offers off to stop them.",
        merchant=esc(merchant),
    )


def consent_refused(t: Translator, merchant: str) -> str:
    return t.gettext(
        "No offers from {merchant}. Send /offers on if you change your mind.",
        merchant=esc(merchant),
    )


def choices_text(t: Translator, choices: Sequence[MerchantChoice]) -> str:
    lines = [t.gettext("<b>Offers and messages</b>")]
    for choice in choices:
        state = t.gettext("offers on") if choice.offers else t.gettext("offers off")
        if not choice.nudges:
            state = t.gettext("{offers}, reminders off", offers=state)
        lines.append(labelled(t, esc(choice.merchant_name), state))
    lines.append(t.gettext("Send /offers on or /offers off to change it."))
    return "\n".join(lines)


def which_merchant(t: Translator, wanted: bool) -> str:
    if wanted:
        return t.gettext("Offers from which shop?")
    return t.gettext("Stop offers and messages from which shop?")


def offers_changed(t: Translator, choices: Sequence[MerchantChoice], wanted: bool) -> str:
    names = ", ".join(esc(c.merchant_name) for c in choices)
    if wanted:
        return t.gettext("You will get offers from {merchants}.", merchants=names)
    return t.gettext(
        "No more offers or messages from {merchants}. Send /offers on to get them again.",
        merchants=names,
    )


def unsubscribed(t: Translator, merchant: str) -> str:
    return t.gettext(
        "You will get no more offers from {merchant}. Send /offers on to get them again.",
        merchant=esc(merchant),
    )


def nudges_stopped(t: Translator, merchant: str) -> str:
    return t.gettext(
        "{merchant} will not send you these messages any more.", merchant=esc(merchant)
    )


def winback_text(t: Translator, card: CardView) -> str:
    return t.gettext(
        "We miss you at {merchant}! Your card is waiting for you. See you soon?",
        merchant=esc(card.merchant_name),
    )


def almost_there_text(t: Translator, card: CardView) -> str:
    if card.program_type.has_stamps and card.stamps_to_reward == 1:
        return t.gettext(
            "You are one stamp away from {reward} at {merchant}. See you soon?",
            reward=esc(card.next_reward(RewardUnit.STAMPS).name_in(t.language)),
            merchant=esc(card.merchant_name),
        )
    return t.ngettext(
        "You are {n} point away from {reward} at {merchant}. See you soon?",
        "You are {n} points away from {reward} at {merchant}. See you soon?",
        card.points_to_reward,
        reward=esc(card.next_reward(RewardUnit.POINTS).name_in(t.language)),
        merchant=esc(card.merchant_name),
    )


def offer_message(merchant: str, text: str) -> str:
    """An offer as its customers see it: the shop's name above the owner's words."""
    return f"<b>{esc(merchant)}</b>\n{esc(text)}"


def offer_visible_length(merchant: str, text: str) -> int:
    return len(merchant) + 1 + len(text)


# --- button labels ----------------------------------------------------------------------------


def unsubscribe_label(t: Translator) -> str:
    return t.pgettext("button", "Unsubscribe")


def stop_label(t: Translator) -> str:
    return t.pgettext("button", "Stop these messages")


def all_shops_label(t: Translator) -> str:
    return t.pgettext("button", "All of them")


def send_label(t: Translator) -> str:
    return t.pgettext("button", "Send")


def cancel_label(t: Translator) -> str:
    return t.pgettext("button", "Cancel")


LAPSED_CHOICES = (14, 30, 60, 90)


def audience_label(t: Translator, audience: AudienceKind, arg: int | None = None) -> str:
    if audience is AudienceKind.ALL:
        return t.pgettext("button", "All who opted in")
    if audience is AudienceKind.STORE:
        return t.pgettext("button", "One store's customers")
    if audience is AudienceKind.NEAR:
        return t.pgettext("button", "Near a reward")
    return t.ngettext("Not seen for {n} day", "Not seen for {n} days", arg or 0)


# --- the owner ----------------------------------------------------------------------------------


def offer_prompt(t: Translator) -> str:
    return t.gettext(
        "Write your offer (up to {n} characters), or send a photo with the offer as its caption. Only customers who said yes to offers get it.",
        n=t.number(OFFER_TEXT_MAX_LENGTH),
    )


def preview_button(t: Translator) -> str:
    return t.gettext(
        "This is a preview: a customer who taps Unsubscribe gets no more offers from you."
    )


def offer_placeholder(t: Translator) -> str:
    return t.gettext("Your offer")


def caption_too_long(t: Translator, allowed: int) -> str:
    return t.ngettext(
        "With a photo, the offer may have at most {n} character. Please send it again, shorter.",
        "With a photo, the offer may have at most {n} characters. Please send it again, shorter.",
        allowed,
    )


def audience_question(t: Translator) -> str:
    return t.gettext("Who should get it?")


def store_question(t: Translator) -> str:
    return t.gettext("Which store's customers?")


def _audience_words(
    t: Translator, preview_audience: AudienceKind, arg: int | None, store: str | None
) -> str:
    if preview_audience is AudienceKind.ALL:
        return t.gettext("everyone who opted in")
    if preview_audience is AudienceKind.STORE:
        return t.gettext("customers of {store}", store=esc(store or ""))
    if preview_audience is AudienceKind.NEAR:
        return t.gettext("customers near a reward")
    return t.ngettext(
        "customers not seen for {n} day or more",
        "customers not seen for {n} days or more",
        arg or 0,
    )


def preview_question(t: Translator, preview: OfferPreview) -> str:
    audience = _audience_words(t, preview.audience, preview.audience_arg, preview.store_name)
    return t.ngettext(
        "Above is the offer as your customers will see it. It goes to {n} customer ({audience}). Send it?",
        "Above is the offer as your customers will see it. It goes to {n} customers ({audience}). Send it?",
        preview.audience_size,
        audience=audience,
    )


def sending(t: Translator, preview: OfferPreview) -> str:
    return t.ngettext(
        "Sending to {n} customer. You will get a report when it is done.",
        "Sending to {n} customers. You will get a report when it is done.",
        preview.audience_size,
    )


def not_sent(t: Translator) -> str:
    return t.gettext("The offer was not sent.")


def report_text(t: Translator, figures: OfferFigures) -> str:
    return "\n".join(
        [
            t.gettext(
                "📣 Your offer of {date} has been sent.",
                date=t.date_time(figures.sent_at, figures.timezone),
            ),
            *_figure_lines(t, figures),
        ]
    )


def _figure_lines(t: Translator, figures: OfferFigures) -> list[str]:
    lines = [
        labelled(t, t.gettext("Audience"), t.number(figures.listed)),
        labelled(t, t.gettext("Delivered"), t.number(figures.delivered)),
        labelled(t, t.gettext("Blocked the bot"), t.number(figures.blocked)),
        labelled(t, t.gettext("Unsubscribed since"), t.number(figures.unsubscribed)),
    ]
    if figures.not_delivered:
        lines.append(labelled(t, t.gettext("Not delivered"), t.number(figures.not_delivered)))
    return lines


def recent_offers(t: Translator, offers: Sequence[OfferFigures]) -> str:
    if not offers:
        return t.gettext("You have not sent an offer yet. Write one with /offer.")
    lines = [t.gettext("<b>Your recent offers</b>")]
    for figures in offers:
        head = t.gettext(
            "{date} — {audience}: “{text}”",
            date=t.date_time(figures.sent_at, figures.timezone),
            audience=_audience_words(t, figures.audience, figures.audience_arg, figures.store_name),
            text=esc(_shortened(figures.text)),
        )
        if not figures.finished:
            head += " " + t.gettext("(sending…)")
        lines += ["", head, *_figure_lines(t, figures)]
    return "\n".join(lines)


def _shortened(text: str, length: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"
