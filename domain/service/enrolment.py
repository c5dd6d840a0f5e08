"""Joining a café's programme: the person's profile brought up to date and a card made, or the
card they already have. Shared by the customer's join and by the other ways in (an invite, a
friend's referral link, the owner's own set-up)."""

from __future__ import annotations

from datetime import datetime

from domain import errors
from domain.codes import new_card_number, new_qr_token, new_referral_code
from domain.db.directory import DirectoryRepository
from domain.db.ledger import LedgerRepository
from domain.db.tables import Card, Store, User
from domain.db.webhooks import record_card_created
from domain.model import Enrolment, UserProfile
from domain.service.base import ladder_of, make_card_view, store_view
from domain.serving import serves


async def upsert_user(directory: DirectoryRepository, profile: UserProfile, now: datetime) -> User:
    """Create or refresh the user's Telegram profile (and lock the row on PostgreSQL)."""
    user = await directory.ensure_user(profile.user_id, now)
    user.first_name = profile.first_name
    user.username = profile.username
    user.telegram_language = profile.telegram_language
    user.erased_at = None
    user.reachable = True
    await directory.flush()
    return user


async def enrol_at(
    ledger: LedgerRepository,
    directory: DirectoryRepository,
    profile: UserProfile,
    store: Store,
    now: datetime,
) -> Enrolment:
    """Join `store`'s programme (cross-location rules); an existing card is returned."""
    merchant = await directory.merchant(store.merchant_id)
    if not serves(merchant.id):
        raise errors.OtherCafe(merchant.name)
    await upsert_user(directory, profile, now)  # also serialises this user's enrolments
    program = await directory.program(store.merchant_id)
    existing = await ledger.active_cards_of_customer(profile.user_id, merchant.id)
    if not program.cross_location:
        existing = [card for card in existing if card.store_id == store.id]
    created = not existing
    card = existing[0] if existing else await _new_card(ledger, profile.user_id, store, now)
    home = store if card.store_id == store.id else await directory.store(card.store_id)
    stores = await directory.stores_of_merchant(merchant.id) if program.cross_location else [home]
    return Enrolment(
        card=make_card_view(card, program, merchant, home, await ladder_of(directory, program)),
        created=created,
        joined_store=store_view(store, merchant),
        stores=tuple(store_view(s, merchant) for s in stores),
    )


async def _new_card(
    ledger: LedgerRepository, customer_id: int, store: Store, now: datetime
) -> Card:
    number = new_card_number()
    while await ledger.number_taken(number):  # 10^12 numbers: a retry is rare, not impossible
        number = new_card_number()
    referral_code = new_referral_code()
    while await ledger.referral_code_taken(referral_code):
        referral_code = new_referral_code()
    card = Card(
        number=number,
        qr_token=new_qr_token(),
        customer_id=customer_id,
        merchant_id=store.merchant_id,
        store_id=store.id,
        stamp_count=0,
        lifetime_stamps=0,
        rewards_redeemed=0,
        points_balance=0,
        points_earned=0,
        points_redeemed=0,
        points_voided=0,
        points_expired=0,
        active=True,
        created_at=now,
        last_activity_at=now,
        referral_code=referral_code,
    )
    ledger.session.add(card)
    await ledger.session.flush()
    await record_card_created(ledger.session, card)
    return card
