"""The wallets in the running bot: /card offers both passes when configured, a stamp in chat
updates Google's object, the webhook app serves the PassKit web service only when Apple Wallet
is configured, and with nothing configured the wallet hooks do nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.runner import running
from app.webhook import create_app
from bot import wallet
from bot.config import Settings
from bot.i18n import translator
from bot.jobs import expire_points_and_remind
from bot.wallet.config import APPLE_VARIABLES, GOOGLE_VARIABLES
from domain.brand import SWATCHES
from domain.clock import ManualClock
from domain.effects import RefreshWallet
from domain.service import LoyaltyService
from emulator.driver import BotApiEmulator
from infra.passkit import PassKit, pass_token
from infra.tables import OutboxMessage
from tests.support.chat import card_number_in, eventually, join_staff, link_in, say
from tests.support.databases import migrated_database
from tests.support.running_bot import RUN_HOWEVER_LATE, TOKEN, new_application
from tests.support.servers import free_port, serving
from tests.support.wallet import (
    BOT_USERNAME,
    ISSUER_ID,
    PASS_TYPE_ID,
    Pki,
    ServiceAccount,
    apple_environment,
    google_environment,
    new_holder,
)
from tests.wallet.fake_google import FakeGoogleWallet
from tests.wallet.test_apple_pass import pass_verifies, unzip

EN = translator("en")
WALLET_VARIABLES = (*APPLE_VARIABLES, *GOOGLE_VARIABLES, "WALLET_BASE_URL", "WALLET_SECRET")


@pytest.fixture
def no_wallet(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in WALLET_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def fake_google(service_account: ServiceAccount) -> AsyncIterator[FakeGoogleWallet]:
    fake = FakeGoogleWallet(service_account.client_email, service_account.public_pem)
    async with serving(fake.app()) as url:
        fake.base_url = url
        yield fake


async def test_with_nothing_configured_the_hooks_do_nothing(
    no_wallet: None, service: LoyaltyService
) -> None:
    holder = await new_holder(service)
    assert await wallet.offer(service, holder.card, "https://t.me/x?start=card_y") is None
    await wallet.card_changed(service, holder.card.card_id, BOT_USERNAME)
    assert (
        await PassKit(service.database, service.clock).updated_serials(
            "any-device", PASS_TYPE_ID, None
        )
        is None
    )


async def test_card_offers_both_passes_and_a_stamp_updates_google(
    monkeypatch: pytest.MonkeyPatch,
    pki: Pki,
    service_account: ServiceAccount,
    fake_google: FakeGoogleWallet,
    database_url: str,
    clock: ManualClock,
    tmp_path: Path,
) -> None:
    environment = apple_environment(pki) | google_environment(
        service_account,
        GOOGLE_WALLET_TOKEN_URL=fake_google.token_url,
        GOOGLE_WALLET_API_URL=fake_google.api_url,
    )
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as tg:
        application = new_application(tg, database_url, clock)
        async with running(application):
            owner = tg.user(40, "Owner", language_code="en")
            join = link_in(await say(owner, "/setup Café"), "join_")
            await say(owner, "/program set cooldown 0")
            cashier = tg.user(41, "Cashier", language_code="en")
            await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
            customer = tg.user(42, "Marie", language_code="en")
            await customer.open_link(join)
            await customer.next_message()
            card = await customer.next_message()
            (google_button,) = card.buttons[0]
            assert google_button.text == EN.pgettext("button", "Save to Google Wallet")
            assert google_button.url.startswith("https://pay.google.com/gp/v/save/")
            # offered once Google holds the café's class and the card's object
            assert [resource for resource, _ in fake_google.inserts] == [
                "loyaltyClass",
                "loyaltyObject",
            ]
            document = await customer.next_message()
            assert document.document_mime_type == "application/vnd.apple.pkpass"
            assert document.caption == EN.pgettext("button", "Add to Apple Wallet")
            files = unzip(document.document_bytes or b"")
            assert pass_verifies(files, pki.ca, tmp_path)
            assert json.loads(files["pass.json"])["serialNumber"] == card_number_in(card).replace(
                "-", ""
            )

            service = application.bot_data.runtime.service
            assert service is not None
            (view,) = await service.customers.cards(42)
            await say(cashier, f"/stamp {card_number_in(card)}")
            await customer.next_message()

            async def patched_once() -> bool:  # passes are updated in the background
                return len(fake_google.patches) == 1

            await eventually(patched_once)
            ((object_id, patched),) = fake_google.patches
            assert object_id == f"{ISSUER_ID}.{view.card_id}"
            assert patched["loyaltyPoints"]["balance"] == {"string": "1/10"}

            async def patched(times: int) -> bool:
                return len(fake_google.patches) == times

            # Google down at the next stamp: the stamp is made and told at once; the pass's
            # update waits in the outbox and goes out once Google answers again.
            fake_google.fail_with = 503
            stamped = await say(cashier, f"/stamp {card_number_in(card)}")
            assert "2/10" in stamped.content
            notices = [(await customer.next_message()).content for _ in range(2)]
            assert any("2/10" in notice for notice in notices), notices  # and the offers' question

            async def refused() -> bool:
                return fake_google.refused > 0

            await eventually(refused)

            async def retry_scheduled() -> bool:  # back in the outbox, due after its back-off
                infra = application.bot_data.runtime.infra
                assert infra is not None
                async with infra.outbox.database.read() as session:
                    waiting = await session.scalar(
                        select(func.count()).where(
                            OutboxMessage.kind == RefreshWallet.kind,
                            OutboxMessage.done_at.is_(None),
                            OutboxMessage.claimed_until.is_(None),
                            OutboxMessage.attempts >= 1,
                        )
                    )
                return bool(waiting)

            # The clock moves once the retry is scheduled: moved before, the back-off would
            # count from the moved clock and the retry would never fall due.
            await eventually(retry_scheduled)
            fake_google.fail_with = None
            clock.advance(timedelta(seconds=30))  # past the retry's back-off
            await eventually(lambda: patched(2))
            assert fake_google.patches[-1][1]["loyaltyPoints"]["balance"] == {"string": "2/10"}

            # Points that expire while nobody is at the counter update the pass too.
            for setting in ("type hybrid", "expiry_days 30"):
                await say(owner, f"/program set {setting}")
            await say(cashier, f"/points {card_number_in(card)} 20")
            await customer.next_message()
            await eventually(lambda: patched(3))
            clock.advance(timedelta(days=31))
            jobs = application.job_queue
            assert jobs is not None
            jobs.run_once(expire_points_and_remind, 0, job_kwargs=RUN_HOWEVER_LATE)
            await eventually(lambda: patched(4))
            assert fake_google.patches[-1][0] == object_id
            (expired,) = await service.customers.cards(42)
            assert (expired.points_balance, expired.points_expired) == (0, 20)

            # A new brand colour reaches Google's class, which every saved card of the café wears.
            await say(owner, "/brand blue")

            async def class_patched() -> bool:
                return bool(fake_google.class_patches)

            await eventually(class_patched)
            ((class_id, cafe),) = fake_google.class_patches
            assert class_id == f"{ISSUER_ID}.{view.merchant_id}"
            assert cafe["hexBackgroundColor"] == SWATCHES["blue"]
            assert len(fake_google.objects) == 1  # patched, never inserted twice


async def test_the_webhook_app_mounts_the_web_service_only_when_configured(
    monkeypatch: pytest.MonkeyPatch, no_wallet: None, pki: Pki, database_url: str
) -> None:
    database = await migrated_database(database_url)
    try:
        holder = await new_holder(LoyaltyService(database))
    finally:
        await database.dispose()
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as tg:
        for configured in (False, True):
            port = free_port()
            if configured:
                for name, value in apple_environment(pki).items():
                    monkeypatch.setenv(name, value)
                monkeypatch.setenv("WALLET_BASE_URL", f"http://127.0.0.1:{port}/passkit")
            settings = Settings(
                token=TOKEN,
                database_url=database_url,
                api_base_url=tg.base_url,
                webhook_url=f"http://127.0.0.1:{port}/telegram",
                webhook_secret="s3cret",
            )
            app = create_app(settings, register_webhook=False)
            async with serving(app, port=port) as url, httpx.AsyncClient(base_url=url) as web:
                log = await web.post("/passkit/v1/log", json={"logs": []})
                assert log.status_code == (200 if configured else 404)
                if configured:
                    token = (await _issue(database_url, holder.card.card_id, pki)) or ""
                    path = f"/passkit/v1/passes/{PASS_TYPE_ID}/{holder.card.number}"
                    response = await web.get(path, headers={"Authorization": f"ApplePass {token}"})
                    assert response.status_code == 200
                    barcode = json.loads(unzip(response.content)["pass.json"])["barcodes"][0]
                    assert barcode["message"].startswith(f"https://t.me/{BOT_USERNAME}?start=card_")


async def _issue(database_url: str, card_id: int, pki: Pki) -> str | None:
    database = await migrated_database(database_url)
    try:
        secret = apple_environment(pki)["WALLET_SECRET"].encode()
        await LoyaltyService(database).wallet.issue(card_id)  # the card is there to be issued
        return pass_token(secret, card_id)
    finally:
        await database.dispose()
