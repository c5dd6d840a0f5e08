"""After /forget: the devices holding the customer's passes are forgotten, the passes are no longer
served, and the free text of the ledger is blanked, on both engines."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy import select

from bot.wallet.config import AppleWalletConfig
from domain.clock import ManualClock
from domain.db.tables import LedgerEntry, WalletRegistration
from domain.db.uow import Database
from domain.service import LoyaltyService
from infra.passkit import pass_token
from tests.support.wallet import PASS_TYPE_ID, auth, new_holder

DEVICE = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
PUSH_TOKEN = "e" * 64
REASON = "returned the red scarf Marie bought for her sister"


async def test_forget_drops_wallet_devices_stops_the_pass_and_blanks_ledger_reasons(
    service: LoyaltyService,
    apple: AppleWalletConfig,
    database: Database,
    web: httpx.AsyncClient,
    clock: ManualClock,
) -> None:
    holder = await new_holder(service, type="points")
    other = await new_holder(service, type="points")  # someone else's card: left alone
    passes = []
    for each in (holder, other):
        wallet_card = await service.wallet.issue(each.card.card_id)
        passes.append(wallet_card)
        await service.counter.earn_points(each.cashier_id, each.card.number, Decimal("20"))
        await service.counter.void_points(each.cashier_id, each.card.number, 5, REASON)
        url = f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}/{wallet_card.serial_number}"
        headers = auth(pass_token(apple.secret, wallet_card.card.card_id))
        response = await web.post(url, json={"pushToken": PUSH_TOKEN}, headers=headers)
        assert response.status_code == 201
    exported = await service.customers.export_data(holder.card.customer_id)
    assert exported["wallet_devices"] == [
        {
            "card_number": holder.card.display_number,
            "device": DEVICE,
            "registered_at": clock.now().isoformat(),
        }
    ]

    assert await service.customers.erase(holder.card.customer_id) == 1

    async with database.read() as session:
        registered = (await session.scalars(select(WalletRegistration.serial_number))).all()
        entries = (await session.execute(select(LedgerEntry).order_by(LedgerEntry.id))).scalars()
        ledger = [(e.card_id, e.kind, e.points_delta, e.reason) for e in entries]
    assert registered == [other.card.number]
    assert ledger == [
        (holder.card.card_id, "earn_points", 20, None),
        (holder.card.card_id, "void_points", -5, None),  # the amounts stay, the words go
        (other.card.card_id, "earn_points", 20, None),
        (other.card.card_id, "void_points", -5, REASON),
    ]

    erased, kept = passes
    for wallet_card, status in ((erased, 401), (kept, 200)):
        pass_url = f"/v1/passes/{PASS_TYPE_ID}/{wallet_card.serial_number}"
        headers = auth(pass_token(apple.secret, wallet_card.card.card_id))
        assert (await web.get(pass_url, headers=headers)).status_code == status
    registration = f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}/{erased.serial_number}"
    body, headers = {"pushToken": PUSH_TOKEN}, auth(pass_token(apple.secret, erased.card.card_id))
    assert (await web.post(registration, json=body, headers=headers)).status_code == 401
    listing = await web.get(f"/v1/devices/{DEVICE}/registrations/{PASS_TYPE_ID}")
    assert listing.json()["serialNumbers"] == [kept.serial_number]
