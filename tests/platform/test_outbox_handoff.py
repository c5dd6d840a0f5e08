"""Rows recorded in a worker that runs a dispatcher go in leased to it and are handed over when
their transaction commits, without a claim; a recipient's order and a crash's semantics stay
those of the claim (infra/outbox.py, `OutboxLog.hand_to`)."""

from __future__ import annotations

from collections.abc import Awaitable, Collection, Sequence
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.i18n import LANGUAGES, translator
from bot.texts.counter import customer_notice
from domain.clock import ManualClock
from domain.effects import NotifyCustomer, RefreshWallet, SendOffer
from domain.model import Operation
from domain.service import LoyaltyService
from infra import Infrastructure, OutboxItem
from infra.outbox import LEASE
from infra.tables import OutboxMessage
from tests.support.scenario import new_profile, open_shop


class Receiver:
    """What a dispatcher does with the hand-off, written down."""

    def __init__(self) -> None:
        self.accepted: list[list[OutboxItem]] = []
        self.wakes = 0
        self.sent: set[int] = set()  # delivered, marks not written yet

    def delivered(self) -> Collection[int]:
        return self.sent

    def accept(self, items: Sequence[OutboxItem]) -> None:
        self.accepted.append(list(items))

    def wake(self) -> None:
        self.wakes += 1


@pytest.fixture
def receiver(infra: Infrastructure) -> Receiver:
    found = Receiver()
    infra.outbox.log.hand_to(found)
    return found


async def _shop_and_card(
    service: LoyaltyService, infra: Infrastructure, receiver: Receiver, **settings: str
) -> tuple[int, str]:
    """A cashier and a customer's card; the set-up's own rows delivered, nothing handed over."""
    infra.outbox.log.hand_to(None)
    shop = await open_shop(service, cooldown="0", daily_limit="0", **settings)
    cashier = await shop.hire("Cashier")
    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.consent.set_offers(customer.user_id, None, False, everything=False)
    while items := await infra.outbox.claim(100):  # the set-up's own messages
        await infra.outbox.done_many({item.id: "sent" for item in items})
    infra.outbox.log.hand_to(receiver)
    return cashier.user_id, card.number


async def _leases(infra: Infrastructure) -> dict[int, tuple[bool, int]]:
    """Every undone row: whether it is leased, and its tries."""
    async with infra.outbox.database.read() as session:
        rows = await session.execute(
            select(OutboxMessage.id, OutboxMessage.claimed_until, OutboxMessage.attempts).where(
                OutboxMessage.done_at.is_(None)
            )
        )
        return {row[0]: (row[1] is not None, row[2]) for row in rows}


async def test_a_stamps_rows_are_handed_over_leased_after_the_commit_and_not_claimed(
    service: LoyaltyService, infra: Infrastructure, receiver: Receiver
) -> None:
    cashier, number = await _shop_and_card(service, infra, receiver)
    op = await service.counter.stamp(cashier, number)
    [handed] = receiver.accepted
    assert {type(item.effect) for item in handed} == {NotifyCustomer, RefreshWallet}
    notice = next(i.effect for i in handed if isinstance(i.effect, NotifyCustomer))
    assert notice.entry_id == op.entry_id
    assert all(item.attempts == 1 for item in handed)  # the try counted, as a claim's
    assert await _leases(infra) == {item.id: (True, 1) for item in handed}
    assert await infra.outbox.claim() == []  # no other dispatcher takes them
    assert receiver.wakes == 0  # nothing left to claim


async def test_a_rolled_back_transaction_hands_nothing_over(
    service: LoyaltyService, infra: Infrastructure, receiver: Receiver
) -> None:
    cashier, number = await _shop_and_card(service, infra, receiver)
    with pytest.raises(RuntimeError):
        async with infra.outbox.database.write() as session:
            effect = NotifyCustomer(entry_id=10**9, customer_id=cashier)
            await infra.outbox.log.record(session, [effect])
            raise RuntimeError("the use case failed after recording")
    assert receiver.accepted == [] and receiver.wakes == 0
    assert await _leases(infra) == {}


async def test_a_handed_row_of_a_worker_that_died_is_claimed_when_its_lease_runs_out(
    service: LoyaltyService, infra: Infrastructure, receiver: Receiver, clock: ManualClock
) -> None:
    cashier, number = await _shop_and_card(service, infra, receiver)
    await service.counter.stamp(cashier, number)
    handed = {item.id for item in receiver.accepted[0]}
    clock.advance(LEASE + timedelta(seconds=1))  # never sent: the worker died
    again = await infra.outbox.claim()
    assert {item.id for item in again} == handed
    assert all(item.attempts == 2 for item in again)


async def test_a_row_waits_for_the_claim_behind_an_older_one_not_delivered_here(
    service: LoyaltyService, infra: Infrastructure, receiver: Receiver
) -> None:
    """The order rule: the stamp's notice is still out (another worker holds it, say), so the
    undo's notice is left to the claim, which sends it once the stamp's is done."""
    cashier, number = await _shop_and_card(service, infra, receiver)
    infra.outbox.log.hand_to(None)
    stamp = await service.counter.stamp(cashier, number)
    infra.outbox.log.hand_to(receiver)
    undo = await service.counter.undo(cashier)
    handed = [i.effect for batch in receiver.accepted for i in batch]
    assert not any(isinstance(effect, NotifyCustomer) for effect in handed)
    assert receiver.wakes == 1
    first = [i for i in await infra.outbox.claim() if isinstance(i.effect, NotifyCustomer)]
    assert [i.effect.entry_id for i in first] == [stamp.entry_id]
    later = await infra.outbox.claim(settle={i.id: "sent" for i in first})
    notices = [i.effect.entry_id for i in later if isinstance(i.effect, NotifyCustomer)]
    assert notices == [undo.operation.entry_id]


async def test_a_row_behind_one_this_worker_delivered_already_is_handed_over(
    service: LoyaltyService, infra: Infrastructure, receiver: Receiver
) -> None:
    """The stamp's notice was sent here and its mark is on the way: the undo's may go at once."""
    cashier, number = await _shop_and_card(service, infra, receiver)
    await service.counter.stamp(cashier, number)
    receiver.sent = {item.id for item in receiver.accepted[0]}
    receiver.accepted.clear()
    undo = await service.counter.undo(cashier)
    notices = [i.effect for batch in receiver.accepted for i in batch]
    assert [e.entry_id for e in notices if isinstance(e, NotifyCustomer)] == [
        undo.operation.entry_id
    ]


async def test_offers_copies_are_left_to_the_claim(
    infra: Infrastructure, receiver: Receiver
) -> None:
    async with infra.outbox.database.write() as session:
        await infra.outbox.log.record(session, [SendOffer(offer_id=1, customer_id=5)])
    assert receiver.accepted == [] and receiver.wakes == 1
    assert list((await _leases(infra)).values()) == [(False, 0)]


async def test_a_handed_notice_carries_the_operation_the_ledger_gives_back(
    service: LoyaltyService, infra: Infrastructure, receiver: Receiver
) -> None:
    """The dispatcher tells a handed notice from the operation the use case built, without
    reading it back: the customer must be told what a worker that claims the row would read
    from the ledger at that moment, in every language. A first visit with its welcome bonus,
    stamps up to the reward, the redemption and a stamp after it."""
    cashier, number = await _shop_and_card(service, infra, receiver, welcome_bonus="2")
    notices: list[NotifyCustomer] = []

    async def operated(made: Awaitable[Operation]) -> Operation:
        op = await made
        handed = [item for batch in receiver.accepted for item in batch]
        receiver.sent |= {item.id for item in handed}  # delivered here: the next is handed too
        receiver.accepted.clear()
        [notice] = [item.effect for item in handed if isinstance(item.effect, NotifyCustomer)]
        assert notice.entry_id == op.entry_id and notice.operation == op
        read = await service.counter.operation_of(notice.entry_id, notice.bonus_entries)
        # The same but for the customer's own first name, which only the cashier is shown.
        assert replace(op, card=replace(op.card, customer_first_name=None)) == read
        for language in LANGUAGES:
            t = translator(language)
            assert customer_notice(t, op) == customer_notice(t, read)
        notices.append(notice)
        return op

    first = await operated(service.counter.stamp(cashier, number))
    assert notices[0].bonus_entries and first.bonuses  # the welcome bonus, told with it
    card = first.card
    while card.stamp_count < card.stamps_target:
        card = (await operated(service.counter.stamp(cashier, number, 3))).card
    await operated(service.counter.redeem_stamps(cashier, number))
    await operated(service.counter.stamp(cashier, number))
    assert len(notices) == 6

    async with infra.outbox.database.read() as session:
        payloads = (await session.execute(select(OutboxMessage.payload))).scalars().all()
    assert not any("operation" in payload for payload in payloads)  # kept in memory only
