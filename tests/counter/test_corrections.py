"""Corrections of a card's stamps (/correct), on a real SQLite file and a real PostgreSQL
database: bounded by the balance, one entry per key however often it is delivered, the ledger
invariant kept, staff refused unless the owner allows it, revoked staff refused."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain import errors
from domain.clock import ManualClock
from domain.effects import NotifyCustomer, RefreshWallet, StaffCorrected, StaffJoinedNotice
from domain.model import LedgerKind
from domain.service import LoyaltyService
from infra import Infrastructure
from infra.tables import OutboxMessage
from tests.support.scenario import Shop, new_profile, open_shop


async def _stamped(service: LoyaltyService, stamps: int = 5, **settings: str):
    shop = await open_shop(service, cooldown="0", daily_limit="0", stamps_target="8", **settings)
    cashier = await shop.hire("Cashier")
    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, card.number, stamps)
    return shop, cashier, customer, card


async def _stamps(service: LoyaltyService, customer_id: int, card_id: int) -> int:
    return (await service.customers.card(customer_id, card_id)).stamp_count


async def test_the_owner_takes_stamps_off_after_the_undo_window_with_a_reason(
    service: LoyaltyService, clock: ManualClock, infra: Infrastructure
) -> None:
    shop, cashier, customer, card = await _stamped(service)
    clock.advance(timedelta(minutes=30))
    with pytest.raises(errors.UndoWindowExpired) as late:
        await service.counter.undo(cashier.user_id)
    assert late.value.stamps  # a stamp: a correction can still fix it
    preview = await service.counter.correction_preview(
        shop.owner.user_id, card.number, -2, "wrong card"
    )
    assert preview.stamp_count == 5  # nothing changed yet
    op = await service.counter.correct_stamps(
        shop.owner.user_id, card.display_number, -2, "  wrong   card ", idempotency_key="c1"
    )
    assert (op.kind, op.stamps_delta, op.card.stamp_count) == (LedgerKind.CORRECT_STAMPS, -2, 3)
    assert op.reason == "wrong card" and not op.replayed
    after = await service.customers.card(customer.user_id, card.card_id)
    assert (after.stamp_count, after.lifetime_stamps) == (3, 5)  # the counter's history stays
    page = await service.customers.history(customer.user_id, card.card_id)
    newest = page.lines[0]
    assert (newest.kind, newest.stamps_delta, newest.reason) == (
        LedgerKind.CORRECT_STAMPS,
        -2,
        "wrong card",
    )
    assert await service.maintenance.invariant_breaches() == []
    # Who did it is recorded: the export names the owner.
    rows = (await service.reports.export_ledger(shop.owner.user_id, 1)).rows
    last = rows[-1]
    assert (last.kind, last.reason, last.staff_name) == (
        LedgerKind.CORRECT_STAMPS,
        "wrong card",
        shop.owner.first_name,
    )
    # The customer is told through the outbox, and the wallet passes follow.
    effects = [item.effect for item in await _all_effects(infra)]
    assert NotifyCustomer(entry_id=op.entry_id, customer_id=customer.user_id) in effects
    assert RefreshWallet(card_id=card.card_id, cause=str(op.entry_id)) in effects
    # The cashier's look-up shows the correction.
    seen = await service.counter.lookup(cashier.user_id, card.number)
    assert seen.last_correction is not None
    assert (seen.last_correction.stamps_delta, seen.last_correction.reason) == (-2, "wrong card")


async def _all_effects(infra: Infrastructure) -> list:
    """Every undelivered effect (a claim gives one per recipient at a time)."""
    found = []
    while batch := await infra.outbox.claim(100):
        found += batch
        for item in batch:
            await infra.outbox.done(item.id)
    return found


async def test_stamps_can_be_added_back_and_the_summary_counts_corrections(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier, customer, card = await _stamped(service, stamps=8)
    await service.counter.redeem_stamps(cashier.user_id, card.number)
    clock.advance(timedelta(hours=1))
    owner = shop.owner.user_id
    await service.counter.correct_stamps(owner, card.number, 8, "reward given by mistake")
    await service.counter.correct_stamps(owner, card.number, -1, "one too many")
    assert await _stamps(service, customer.user_id, card.card_id) == 7
    assert await service.maintenance.invariant_breaches() == []
    summary, _ = await service.reports.summary_for_owner(owner, "today")
    assert (summary.total.corrections, summary.total.stamps_corrected) == (2, 7)
    assert summary.total.stamps_given == 8  # what the counter gave is not rewritten
    assert summary.compared_total.corrections == 0


async def test_a_correction_cannot_take_more_stamps_than_the_card_has(
    service: LoyaltyService,
) -> None:
    shop, cashier, customer, card = await _stamped(service, stamps=3)
    owner = shop.owner.user_id
    for attempt in (
        service.counter.correction_preview(owner, card.number, -4, "wrong card"),
        service.counter.correct_stamps(owner, card.number, -4, "wrong card"),
    ):
        with pytest.raises(errors.CorrectionExceedsBalance) as refused:
            await attempt
        assert (refused.value.stamp_count, refused.value.requested) == (3, 4)
    for delta in (0, 51, -51):
        with pytest.raises(errors.InvalidCorrection):
            await service.counter.correct_stamps(owner, card.number, delta, "wrong card")
    for reason in ("", "   ", "x" * 101, "bad\x00reason"):
        with pytest.raises(errors.InvalidCorrectionReason):
            await service.counter.correct_stamps(owner, card.number, -1, reason)
    op = await service.counter.correct_stamps(owner, card.number, -3, "x" * 100)
    assert op.card.stamp_count == 0
    with pytest.raises(errors.CorrectionExceedsBalance):
        await service.counter.correct_stamps(owner, card.number, -1, "wrong card")
    assert await _stamps(service, customer.user_id, card.card_id) == 0
    assert await service.maintenance.invariant_breaches() == []


async def test_a_correction_delivered_twice_is_one_entry(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    shop, cashier, customer, card = await _stamped(service)
    owner = shop.owner.user_id
    await _all_effects(infra)
    first = await service.counter.correct_stamps(
        owner, card.number, -2, "wrong card", idempotency_key="s42"
    )
    again = await service.counter.correct_stamps(
        owner, card.number, -2, "wrong card", idempotency_key="s42"
    )
    assert again.replayed and again.entry_id == first.entry_id
    # The same tap delivered to two workers at once.
    both = await asyncio.gather(
        *(
            service.counter.correct_stamps(
                owner, card.number, -1, "double tap", idempotency_key="s43"
            )
            for _ in range(2)
        )
    )
    assert len({op.entry_id for op in both}) == 1
    assert sorted(op.replayed for op in both) == [False, True]
    assert await _stamps(service, customer.user_id, card.card_id) == 2
    page = await service.customers.history(customer.user_id, card.card_id)
    kinds = [line.kind for line in page.lines]
    assert kinds.count(LedgerKind.CORRECT_STAMPS) == 2
    notices = [i.effect for i in await _all_effects(infra) if isinstance(i.effect, NotifyCustomer)]
    assert len(notices) == 2  # one per correction, none for the replays
    assert await service.maintenance.invariant_breaches() == []


async def test_staff_correct_only_when_the_owner_allows_it(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _stamped(service)
    for attempt in (
        service.counter.correction_preview(cashier.user_id, card.number, -1, "wrong card"),
        service.counter.correct_stamps(cashier.user_id, card.number, -1, "wrong card"),
    ):
        with pytest.raises(errors.CorrectionNotAllowed):
            await attempt
    assert (await service.merchants.program(shop.owner.user_id)).staff_corrections is False
    await shop.configure(staff_corrections="on")
    assert (await service.merchants.program(shop.owner.user_id)).staff_corrections is True
    assert (await service.staff.membership(cashier.user_id)).may_correct  # type: ignore[union-attr]
    op = await service.counter.correct_stamps(cashier.user_id, card.number, -1, "wrong card")
    assert op.card.stamp_count == 4
    page = await service.customers.history(customer.user_id, card.card_id)
    assert page.lines[0].kind is LedgerKind.CORRECT_STAMPS
    await shop.configure(staff_corrections="off")
    with pytest.raises(errors.CorrectionNotAllowed):
        await service.counter.correct_stamps(cashier.user_id, card.number, -1, "wrong card")
    with pytest.raises(errors.InvalidSettingValue):
        await shop.configure(staff_corrections="maybe")
    assert await _stamps(service, customer.user_id, card.card_id) == 4


async def test_revoked_staff_and_strangers_cannot_correct(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _stamped(service, staff_corrections="on")
    await service.staff.revoke(shop.owner.user_id, 1)
    with pytest.raises(errors.NotStaff):
        await service.counter.correct_stamps(cashier.user_id, card.number, -1, "wrong card")
    with pytest.raises(errors.NotStaff):
        await service.counter.correct_stamps(customer.user_id, card.number, -1, "wrong card")
    rival = await open_shop(service, "Rival Café")
    with pytest.raises(errors.CardNotFound):  # another merchant's card is not found
        await service.counter.correct_stamps(rival.owner.user_id, card.number, -1, "wrong card")
    assert await _stamps(service, customer.user_id, card.card_id) == 5


async def test_no_correction_of_own_card_nor_of_a_points_programme(
    service: LoyaltyService,
) -> None:
    shop = await open_shop(service, type="points")
    customer = new_profile("Paul")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    with pytest.raises(errors.StampsNotInProgram):
        await service.counter.correct_stamps(shop.owner.user_id, card.number, 1, "test")
    own = (await service.customers.enrol(shop.owner, shop.first_store.code)).card
    with pytest.raises(errors.OwnCard):
        await service.counter.correct_stamps(shop.owner.user_id, own.number, 1, "test")


async def test_accepting_an_invite_tells_the_owner_who_joined_and_where(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    shop: Shop = await open_shop(service)
    gare = await shop.add_store("Gare")
    await _all_effects(infra)
    await shop.hire("Ana", gare)
    await shop.hire("Ben")
    joined = [i.effect for i in await _all_effects(infra)]
    assert len(joined) == 2
    assert all(isinstance(e, StaffJoinedNotice) for e in joined)
    assert {e.recipient_id for e in joined} == {shop.owner.user_id}
    first, second = [
        await service.staff.staff_joined(e.membership_id)
        for e in joined
        if isinstance(e, StaffJoinedNotice)
    ]
    assert (first.staff_name, first.store_name, first.owner_user_id) == (
        "Ana",
        "Gare",
        shop.owner.user_id,
    )
    assert (second.staff_name, second.store_name) == ("Ben", None)
    # A refused acceptance (a used link) tells nobody.
    invite = await service.staff.create_invite(shop.owner.user_id)
    await service.staff.accept_invite(new_profile("Cleo"), invite.token)
    with pytest.raises(errors.InviteUsed):
        await service.staff.accept_invite(new_profile("Dan"), invite.token)
    assert len(await _all_effects(infra)) == 1


async def test_stamps_added_back_are_bounded_and_a_cashiers_correction_is_told(
    service: LoyaltyService, infra: Infrastructure
) -> None:
    """/correct +n once minted stamps: two +50 took a card from 0 to 100."""
    shop, cashier, customer, card = await _stamped(service, 2, staff_corrections="on")
    with pytest.raises(errors.CorrectionNotJustified) as refused:
        await service.counter.correct_stamps(cashier.user_id, card.number, 50, "mint")
    assert refused.value.most == 0
    await service.counter.correct_stamps(cashier.user_id, card.number, -2, "wrong card")
    await service.counter.correct_stamps(cashier.user_id, card.number, 2, "it was this card")
    with pytest.raises(errors.CorrectionNotJustified):
        await service.counter.correct_stamps(cashier.user_id, card.number, 1, "one more")
    assert await _stamps(service, customer.user_id, card.card_id) == 2
    # The owner decides beyond that, up to the top reward (8), never past it.
    with pytest.raises(errors.CorrectionAboveTopReward) as above:
        await service.counter.correct_stamps(shop.owner.user_id, card.number, 7, "gift")
    assert (above.value.top, above.value.stamp_count) == (8, 2)
    await service.counter.correct_stamps(shop.owner.user_id, card.number, 6, "gift")
    assert await _stamps(service, customer.user_id, card.card_id) == 8
    async with infra.outbox.database.read() as session:
        told = (
            (
                await session.execute(
                    select(OutboxMessage).where(OutboxMessage.kind == StaffCorrected.kind)
                )
            )
            .scalars()
            .all()
        )
    assert len(told) == 2  # the cashier's two corrections; the owner's own are not told
