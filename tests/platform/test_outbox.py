"""The effects outbox: what a use case asks for is recorded in its own transaction, claimed by
one dispatcher at a time, delivered in order per recipient, retried, and never lost."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from domain import errors
from domain.clock import ManualClock
from domain.effects import AlertOwner, NotifyCustomer, RefreshWallet, SendSummary
from domain.service import LoyaltyService
from infra import Infrastructure
from infra.outbox import LEASE, MAX_ATTEMPTS
from infra.tables import OutboxMessage
from tests.support.scenario import new_profile, open_shop


async def _stamped(service: LoyaltyService, infra: Infrastructure) -> tuple[int, str, int]:
    shop = await open_shop(service, cooldown="0", daily_limit="0")
    cashier = await shop.hire("Cashier")
    await _deliver_all(infra)  # the owner's notice that the cashier joined
    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    # Answered about offers already, so the stamp records only its own effects.
    await service.consent.set_offers(customer.user_id, None, False, everything=False)
    op = await service.counter.stamp(cashier.user_id, card.number, idempotency_key="k1")
    return cashier.user_id, card.number, op.entry_id


async def _deliver_all(infra: Infrastructure) -> None:
    while items := await infra.outbox.claim(100):
        for item in items:
            await infra.outbox.done(item.id)


async def test_an_operation_records_its_notice_and_wallet_refresh_with_its_ledger_row(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    cashier, number, entry_id = await _stamped(service, infra)
    items = await infra.outbox.claim()
    effects = {type(item.effect): item.effect for item in items}
    notice = effects[NotifyCustomer]
    assert isinstance(notice, NotifyCustomer) and notice.entry_id == entry_id
    assert isinstance(effects[RefreshWallet], RefreshWallet)
    # A replayed operation records nothing more.
    replay = await service.counter.stamp(cashier, number, idempotency_key="k1")
    assert replay.replayed
    assert await infra.outbox.undelivered() == 2


async def test_a_refused_operation_records_no_effect(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    cashier, number, _ = await _stamped(service, infra)
    before = await infra.outbox.undelivered()
    with pytest.raises(errors.NotEnoughStamps):
        await service.counter.redeem_stamps(cashier, number)
    assert await infra.outbox.undelivered() == before


async def test_the_notice_shows_the_balance_right_after_its_entry(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    cashier, number, entry_id = await _stamped(service, infra)
    await service.counter.undo(cashier)  # before the notice went out
    op = await service.counter.operation_of(entry_id)
    assert op.card.stamp_count == 1  # what the stamp did, not the card after the undo


async def test_a_claimed_row_is_held_for_the_lease_then_claimed_again(
    service: LoyaltyService, infra: Infrastructure, clock: ManualClock
) -> None:
    await _stamped(service, infra)
    first = await infra.outbox.claim()
    assert first and await infra.outbox.claim() == []  # held: a second dispatcher gets nothing
    clock.advance(LEASE + timedelta(seconds=1))  # the first dispatcher died
    again = await infra.outbox.claim()
    assert sorted(i.id for i in again) == sorted(i.id for i in first)
    assert all(i.attempts == 2 for i in again)


async def test_a_poll_with_nothing_due_reads_once_and_writes_nothing(
    service: LoyaltyService, infra: Infrastructure, clock: ManualClock
) -> None:
    """Every worker polls twice a second: with nothing to claim that must not take SQLite's
    one write lock (the counter's writes would wait behind it) nor open a transaction."""
    await _stamped(service, infra)
    held = await infra.outbox.claim()
    assert held  # the stamp's effects, now leased: nothing else is due
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    engine = infra.outbox.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert await infra.outbox.claim() == []
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements == ["SELECT"]
    clock.advance(LEASE + timedelta(seconds=1))  # the lease ran out: a claim takes them again
    assert sorted(i.id for i in await infra.outbox.claim()) == sorted(i.id for i in held)


async def test_done_rows_are_never_delivered_again_and_failures_back_off(
    service: LoyaltyService, infra: Infrastructure, clock: ManualClock
) -> None:
    await _stamped(service, infra)
    notice, wallet = sorted(await infra.outbox.claim(), key=lambda i: i.effect.kind != "notice")
    await infra.outbox.done(notice.id)
    assert await infra.outbox.retry_later(wallet)
    assert await infra.outbox.claim() == []  # the notice is done, the refresh waits
    clock.advance(timedelta(seconds=3))
    retried = await infra.outbox.claim()
    assert [i.id for i in retried] == [wallet.id]
    for _ in range(MAX_ATTEMPTS):
        item = (await infra.outbox.claim()) or retried
        retried = []
        if not await infra.outbox.retry_later(item[0]):
            break
        clock.advance(timedelta(minutes=10))
    assert await infra.outbox.undelivered() == 0
    assert (await infra.outbox.outcomes()).get("given_up") == 1


async def test_a_recipients_messages_go_out_in_the_order_they_were_recorded(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    cashier, number, stamp_entry = await _stamped(service, infra)
    undo = await service.counter.undo(cashier)
    notices = [i for i in await infra.outbox.claim() if isinstance(i.effect, NotifyCustomer)]
    assert [i.effect.entry_id for i in notices] == [stamp_entry]  # the undo's waits
    await infra.outbox.done(notices[0].id)
    later = [i for i in await infra.outbox.claim() if isinstance(i.effect, NotifyCustomer)]
    assert [i.effect.entry_id for i in later] == [undo.operation.entry_id]


async def test_the_next_claim_marks_what_was_delivered_and_frees_what_it_held_back(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    """A dispatcher marks a batch done in the transaction of its next claim: the stamp's notice
    marked, the undo's (held back behind it for the same customer) is claimed in that call."""
    cashier, _, stamp_entry = await _stamped(service, infra)
    undo = await service.counter.undo(cashier)
    first = await infra.outbox.claim()
    marks = {item.id: "sent" for item in first}
    later = await infra.outbox.claim(settle=marks)
    notices = [i.effect.entry_id for i in later if isinstance(i.effect, NotifyCustomer)]
    assert notices == [undo.operation.entry_id] != [stamp_entry]
    async with infra.outbox.database.read() as session:
        rows = await session.execute(
            select(OutboxMessage.outcome, func.count())
            .where(OutboxMessage.id.in_(list(marks)), OutboxMessage.done_at.is_not(None))
            .group_by(OutboxMessage.outcome)
        )
        assert dict(rows.all()) == {"sent": len(marks)}


async def test_concurrent_dispatchers_never_claim_the_same_row(
    service: LoyaltyService, infra: Infrastructure, database_url: str
) -> None:
    shop = await open_shop(service, cooldown="0", daily_limit="0")
    cashier = await shop.hire("Cashier")
    for n in range(30):
        card = (await service.customers.enrol(new_profile(f"C{n}"), shop.first_store.code)).card
        await service.counter.stamp(cashier.user_id, card.number)
    others = [Infrastructure(service.database, service.clock) for _ in range(3)]
    claims = await asyncio.gather(*(o.outbox.claim(25) for o in [infra, *others]))
    ids = [item.id for claim in claims for item in claim]
    # Every due row once; each customer's consent question waits for their stamp's notice.
    assert len(ids) == len(set(ids)) == await infra.outbox.undelivered() - 30


async def test_a_dispute_alerts_the_owner_once_and_a_summary_is_queued_once(
    service: LoyaltyService, infra: Infrastructure, clock: ManualClock
) -> None:
    shop = await open_shop(service, cooldown="0")
    cashier = await shop.hire("Cashier")
    customer = new_profile("Dora")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    op = await service.counter.stamp(cashier.user_id, card.number)
    await service.customers.dispute(customer.user_id, op.entry_id)
    with pytest.raises(errors.AlreadyReversed):
        await service.customers.dispute(customer.user_id, op.entry_id)
    merchant_id = (await service.staff.membership(shop.owner.user_id)).merchant_id
    day = clock.now().date()
    assert await service.summaries.queue_summary(merchant_id, day)
    assert not await service.summaries.queue_summary(merchant_id, day)
    async with service.database.read() as session:
        kinds = dict(
            (
                await session.execute(
                    select(OutboxMessage.kind, func.count()).group_by(OutboxMessage.kind)
                )
            ).all()
        )
    assert kinds[AlertOwner.kind] == 1 and kinds[SendSummary.kind] == 1
    alert = await service.customers.dispute_of(op.entry_id)
    assert alert.reversal is not None and alert.owner_user_id == shop.owner.user_id


async def test_a_renewed_claim_outlasts_its_first_lease_and_lapses_when_no_longer_renewed(
    service: LoyaltyService, infra: Infrastructure, clock: ManualClock
) -> None:
    await _stamped(service, infra)
    held = await infra.outbox.claim()
    clock.advance(LEASE - timedelta(seconds=1))
    await infra.outbox.renew([item.id for item in held])  # still waiting for the budget
    clock.advance(timedelta(seconds=2))  # past the first lease
    assert await infra.outbox.claim() == []
    clock.advance(LEASE)  # the worker died: nobody renews
    assert sorted(i.id for i in await infra.outbox.claim()) == sorted(i.id for i in held)
