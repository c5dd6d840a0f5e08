"""What a use case asks to happen outside the database once it has committed.

A use case returns its result and records its effects in the same transaction as its ledger
row, through the `EffectLog` port (domain/db/effect_log.py); the bot's dispatcher delivers them
later, each once. The domain only says *what* should happen (a customer is told about an
entry); rendering and sending are the Telegram layer's business. Effects are plain values:
they know no session.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, ClassVar

from domain.model.cards import Operation

# The metadata of a field the outbox does not keep: it lives only as long as the effect object.
NOT_STORED = {"stored": False}


@dataclass(frozen=True)
class NotifyCustomer:
    """Tell the card's holder about a ledger entry (a stamp, a redemption, an undo...)."""

    kind: ClassVar[str] = "notice"
    entry_id: int
    customer_id: int
    # Bonuses the same operation paid on the same card (a first visit's welcome and referral
    # bonuses): told in this one notice, with the card as it stands after them.
    bonus_entries: tuple[int, ...] = ()
    # The notice's operation as the use case that recorded it built it (what the cashier was
    # shown): a dispatcher in the same process, handed the row at the commit, tells it without
    # reading it back. Not stored: a row claimed from the table reads it from the ledger.
    operation: Operation | None = field(
        default=None, compare=False, repr=False, metadata=NOT_STORED
    )

    @property
    def key(self) -> str:
        return f"notice:{self.entry_id}"

    @property
    def recipient_id(self) -> int | None:
        return self.customer_id


@dataclass(frozen=True)
class AlertOwner:
    """A customer said "not me" about an entry: the owner hears of it."""

    kind: ClassVar[str] = "alert"
    entry_id: int  # the disputed entry
    owner_user_id: int

    @property
    def key(self) -> str:
        return f"alert:{self.entry_id}"

    @property
    def recipient_id(self) -> int | None:
        return self.owner_user_id


@dataclass(frozen=True)
class StaffJoinedNotice:
    """A cashier accepted an invite: the owner hears who joined, and where."""

    kind: ClassVar[str] = "joined"
    membership_id: int
    owner_user_id: int

    @property
    def key(self) -> str:
        return f"joined:{self.membership_id}"

    @property
    def recipient_id(self) -> int | None:
        return self.owner_user_id


@dataclass(frozen=True)
class RefreshWallet:
    """The card changed: its wallet passes must follow."""

    kind: ClassVar[str] = "wallet"
    card_id: int
    cause: str  # what changed it (an entry id, "qr", ...): one refresh per cause

    @property
    def key(self) -> str:
        return f"wallet:{self.card_id}:{self.cause}"

    @property
    def recipient_id(self) -> int | None:
        return None


@dataclass(frozen=True)
class RefreshBrandedPasses:
    """The café's colour or logo changed: the wallet passes of all its cards must follow."""

    kind: ClassVar[str] = "wallet-brand"
    merchant_id: int
    version: str  # the brand's change (its time as a tag): one refresh per change

    @property
    def key(self) -> str:
        return f"wallet-brand:{self.merchant_id}:{self.version}"

    @property
    def recipient_id(self) -> int | None:
        return None


@dataclass(frozen=True)
class RefreshBotProfile:
    """The café's name or logo changed: its own bot's profile (name, descriptions, photo) must
    follow. Setting a profile twice changes nothing, so a retry after a crash is harmless."""

    kind: ClassVar[str] = "bot-profile"
    merchant_id: int
    version: str  # the change (its time, as a tag): one refresh per change
    # whether the photo is set again: a logo's change (each new photo joins the bot's photos)
    photo: bool = True

    @property
    def key(self) -> str:
        return f"bot-profile:{self.merchant_id}:{self.version}"

    @property
    def recipient_id(self) -> int | None:
        return None


@dataclass(frozen=True)
class SendSummary:
    """A merchant's daily summary for one local day."""

    kind: ClassVar[str] = "summary"
    merchant_id: int
    day: date
    owner_user_id: int

    @property
    def key(self) -> str:
        return f"summary:{self.merchant_id}:{self.day.isoformat()}"

    @property
    def recipient_id(self) -> int | None:
        return self.owner_user_id


@dataclass(frozen=True)
class RemindExpiry:
    """A card's points expire soon: remind its holder."""

    kind: ClassVar[str] = "reminder"
    card_id: int
    customer_id: int
    expires_at: datetime

    @property
    def key(self) -> str:
        return f"reminder:{self.card_id}:{int(self.expires_at.timestamp())}"

    @property
    def recipient_id(self) -> int | None:
        return self.customer_id


@dataclass(frozen=True)
class AskForOffers:
    """After a customer's first visit at a merchant: ask once whether they want its offers."""

    kind: ClassVar[str] = "ask_offers"
    merchant_id: int
    customer_id: int
    # The card of the visit: someone who erased their data and came back (with a new card) is
    # asked again, under a key of its own (0 in effects recorded before it was kept).
    card_id: int = 0

    @property
    def key(self) -> str:
        base = f"ask_offers:{self.merchant_id}:{self.customer_id}"
        return f"{base}:{self.card_id}" if self.card_id else base

    @property
    def recipient_id(self) -> int | None:
        return self.customer_id


@dataclass(frozen=True)
class BringBack:
    """A message that brings a customer back: `reason` is "winback" (not seen for the
    programme's winback_days) or "almost" (one stamp or a few points from a reward). `lapse` is
    the card's last activity (a timestamp): one message of each reason per lapse."""

    kind: ClassVar[str] = "bring_back"
    card_id: int
    customer_id: int
    reason: str
    lapse: int

    @property
    def key(self) -> str:
        return f"bring_back:{self.reason}:{self.card_id}:{self.lapse}"

    @property
    def recipient_id(self) -> int | None:
        return self.customer_id


@dataclass(frozen=True)
class ListOfferRecipients:
    """An offer was sent: list its audience in batches, each recipient becoming a SendOffer."""

    kind: ClassVar[str] = "offer_list"
    offer_id: int

    @property
    def key(self) -> str:
        return f"offer_list:{self.offer_id}"

    @property
    def recipient_id(self) -> int | None:
        return None


@dataclass(frozen=True)
class SendOffer:
    """One customer's copy of an offer."""

    kind: ClassVar[str] = "offer"
    offer_id: int
    customer_id: int

    @property
    def key(self) -> str:
        return f"offer:{self.offer_id}:{self.customer_id}"

    @property
    def recipient_id(self) -> int | None:
        return self.customer_id


@dataclass(frozen=True)
class ReportOffer:
    """Every copy of an offer was tried: the owner gets the figures."""

    kind: ClassVar[str] = "offer_report"
    offer_id: int
    owner_user_id: int

    @property
    def key(self) -> str:
        return f"offer_report:{self.offer_id}"

    @property
    def recipient_id(self) -> int | None:
        return self.owner_user_id


@dataclass(frozen=True)
class MeetOwnBot:
    """The café now has its own bot: tell one of its customers or cashiers, once, through the
    platform bot they know, with a button that opens the café's bot."""

    kind: ClassVar[str] = "meetbot"
    merchant_id: int
    user_id: int
    bot_id: int

    @property
    def key(self) -> str:
        return f"meetbot:{self.bot_id}:{self.user_id}"

    @property
    def recipient_id(self) -> int | None:
        return self.user_id


@dataclass(frozen=True)
class OwnBotNews:
    """Tell the owner what became of the café's bot: `state` "active" (ready, or serving again
    with a new token) or "paused" (Telegram refused its token). Once per bot version."""

    kind: ClassVar[str] = "botnews"
    merchant_id: int
    owner_user_id: int
    bot_id: int
    version: int
    state: str

    @property
    def key(self) -> str:
        return f"botnews:{self.bot_id}:{self.version}:{self.state}"

    @property
    def recipient_id(self) -> int | None:
        return self.owner_user_id


@dataclass(frozen=True)
class StaffCorrected:
    """A cashier (not the owner) corrected a card's stamps: the owner hears of it."""

    kind: ClassVar[str] = "staff_corrected"
    entry_id: int
    owner_user_id: int
    staff_name: str

    @property
    def key(self) -> str:
        return f"staff_corrected:{self.entry_id}"

    @property
    def recipient_id(self) -> int | None:
        return self.owner_user_id


@dataclass(frozen=True)
class WebhookDisabled:
    """A webhook endpoint failed for the whole retry window and was disabled: tell the owner."""

    kind: ClassVar[str] = "webhook_off"
    endpoint_id: int
    merchant_id: int
    owner_user_id: int
    url: str

    @property
    def key(self) -> str:
        return f"webhook_off:{self.endpoint_id}"

    @property
    def recipient_id(self) -> int | None:
        return self.owner_user_id


Effect = (
    NotifyCustomer
    | AlertOwner
    | StaffCorrected
    | StaffJoinedNotice
    | RefreshWallet
    | RefreshBrandedPasses
    | RefreshBotProfile
    | SendSummary
    | RemindExpiry
    | AskForOffers
    | BringBack
    | ListOfferRecipients
    | SendOffer
    | ReportOffer
    | MeetOwnBot
    | OwnBotNews
    | WebhookDisabled
)


def stored_fields(effect: Effect) -> dict[str, Any]:
    """What of an effect the outbox keeps: every field but those only held in memory."""
    return {f.name: getattr(effect, f.name) for f in fields(effect) if f.metadata != NOT_STORED}


EFFECT_TYPES: dict[str, type[Effect]] = {
    cls.kind: cls
    for cls in (
        NotifyCustomer,
        StaffCorrected,
        AlertOwner,
        StaffJoinedNotice,
        RefreshWallet,
        RefreshBrandedPasses,
        RefreshBotProfile,
        SendSummary,
        RemindExpiry,
        AskForOffers,
        BringBack,
        ListOfferRecipients,
        SendOffer,
        ReportOffer,
        MeetOwnBot,
        OwnBotNews,
        WebhookDisabled,
    )
}
