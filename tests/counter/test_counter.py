"""Staff operations at the counter, on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain import errors
from domain.clock import ManualClock
from domain.model import LedgerKind, ProgramType, RewardUnit
from domain.service import LoyaltyService
from tests.support.scenario import new_profile, open_shop


async def _shop_and_card(service: LoyaltyService, **settings: str):
    shop = await open_shop(service, **settings)
    cashier = await shop.hire("Cashier")
    customer = new_profile("Customer")
    enrolment = await service.customers.enrol(customer, shop.first_store.code)
    return shop, cashier, customer, enrolment.card


async def test_stamp_adds_stamps_and_writes_one_ledger_row(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service)
    op = await service.counter.stamp(cashier.user_id, card.display_number, 2)
    assert op.kind is LedgerKind.STAMP
    assert (op.stamps_delta, op.card.stamp_count, op.card.lifetime_stamps) == (2, 2, 2)
    assert op.customer.user_id == customer.user_id
    page = await service.customers.history(customer.user_id, card.card_id)
    assert [line.kind for line in page.lines] == [LedgerKind.STAMP]
    assert page.lines[0].stamp_balance_after == 2


@pytest.mark.parametrize("typed", ["{d}", "{plain}", "{spaced}", " {d} "])
async def test_card_found_by_number_with_or_without_dashes_and_spaces(
    service: LoyaltyService, typed: str
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service)
    spaced = card.display_number.replace("-", " ")
    reference = typed.format(d=card.display_number, plain=card.number, spaced=spaced)
    assert (await service.counter.lookup(cashier.user_id, reference)).card_id == card.card_id


async def test_card_found_by_qr_token_and_old_token_dies_after_newqr(
    service: LoyaltyService,
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service)
    assert (await service.counter.lookup(cashier.user_id, card.qr_token)).card_id == card.card_id
    renewed = await service.customers.regenerate_qr(customer.user_id, card.card_id)
    assert renewed.qr_token != card.qr_token
    with pytest.raises(errors.CardNotFound):
        await service.counter.lookup(cashier.user_id, card.qr_token)
    assert (await service.counter.lookup(cashier.user_id, renewed.qr_token)).card_id == card.card_id


async def test_cards_of_another_merchant_are_not_found(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service)
    other = await open_shop(service, "Bakery")
    rival = await other.hire("Rival")
    for reference in (card.number, card.qr_token):
        with pytest.raises(errors.CardNotFound):
            await service.counter.stamp(rival.user_id, reference)
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 0


@pytest.mark.parametrize(
    "reference", ["", "12", "abcd", "1234-5678-901X", "'; DROP TABLE cards;--"]
)
async def test_malformed_card_references_are_not_found(
    service: LoyaltyService, reference: str
) -> None:
    shop, cashier, _, _ = await _shop_and_card(service)
    with pytest.raises(errors.CardNotFound):
        await service.counter.lookup(cashier.user_id, reference)


async def test_strangers_and_customers_are_not_staff(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service)
    stranger = new_profile("Stranger")
    for actor in (stranger.user_id, customer.user_id):
        with pytest.raises(errors.NotStaff):
            await service.counter.stamp(actor, card.number)
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 0


async def test_nobody_can_stamp_their_own_card_not_even_the_owner(service: LoyaltyService) -> None:
    shop, cashier, customer, _ = await _shop_and_card(service)
    own = (await service.customers.enrol(shop.owner, shop.first_store.code)).card
    with pytest.raises(errors.OwnCard):
        await service.counter.stamp(shop.owner.user_id, own.number)
    cashier_card = (await service.customers.enrol(cashier, shop.first_store.code)).card
    with pytest.raises(errors.OwnCard):
        await service.counter.earn_points(cashier.user_id, cashier_card.number, Decimal(10))


async def test_revoked_staff_are_refused_at_once(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, cooldown="0")
    await service.counter.stamp(cashier.user_id, card.number)
    revoked = await service.staff.revoke(shop.owner.user_id, 1)
    assert revoked.user_id == cashier.user_id
    with pytest.raises(errors.NotStaff):
        await service.counter.stamp(cashier.user_id, card.number)


async def test_cooldown_refuses_until_it_has_passed(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, cooldown="15")
    await service.counter.stamp(cashier.user_id, card.number)
    clock.advance(timedelta(minutes=14, seconds=1))
    with pytest.raises(errors.CooldownActive) as refused:
        await service.counter.stamp(cashier.user_id, card.number)
    assert refused.value.minutes_left == 1
    clock.advance(timedelta(seconds=59))
    assert (await service.counter.stamp(cashier.user_id, card.number)).card.stamp_count == 2


async def test_daily_limit_resets_at_merchant_local_midnight(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, cooldown="0", daily_limit="3")
    clock.set(datetime(2026, 1, 13, 22, 30, tzinfo=UTC))  # 23:30 in Luxembourg (UTC+1)
    await service.counter.stamp(cashier.user_id, card.number, 2)
    with pytest.raises(errors.DailyLimitReached) as refused:
        await service.counter.stamp(cashier.user_id, card.number, 2)
    assert (refused.value.daily_limit, refused.value.remaining_today) == (3, 1)
    await service.counter.stamp(cashier.user_id, card.number, 1)
    with pytest.raises(errors.DailyLimitReached):
        await service.counter.stamp(cashier.user_id, card.number, 1)
    clock.set(datetime(2026, 1, 13, 23, 0, 1, tzinfo=UTC))  # 00:00:01 local: a new day
    assert (await service.counter.stamp(cashier.user_id, card.number, 3)).card.stamp_count == 6


async def test_undone_stamps_do_not_count_towards_the_daily_limit_or_cooldown(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, cooldown="15", daily_limit="1")
    await service.counter.stamp(cashier.user_id, card.number)
    clock.advance(timedelta(minutes=1))
    await service.counter.undo(cashier.user_id)
    assert (await service.counter.stamp(cashier.user_id, card.number)).card.stamp_count == 1


async def test_redeem_needs_the_target_and_carries_the_rest_over(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier, customer, card = await _shop_and_card(
        service, cooldown="0", daily_limit="0", stamps_target="5"
    )
    await service.counter.stamp(cashier.user_id, card.number, 4)
    with pytest.raises(errors.NotEnoughStamps) as refused:
        await service.counter.redeem_stamps(cashier.user_id, card.number)
    assert (refused.value.stamp_count, refused.value.stamps_target) == (4, 5)
    await service.counter.stamp(cashier.user_id, card.number, 1)  # exactly the target
    op = await service.counter.redeem_stamps(cashier.user_id, card.number)
    assert (op.card.stamp_count, op.card.rewards_redeemed, op.stamps_delta) == (0, 1, -5)
    # With a second, dearer reward the card collects past the first one's cost and keeps
    # the rest after redeeming it.
    await service.rewards.add(shop.owner.user_id, 8, "Cake")
    await service.counter.stamp(cashier.user_id, card.number, 7)
    op = await service.counter.redeem_stamps(cashier.user_id, card.number)
    assert (op.card.stamp_count, op.card.rewards_redeemed, op.stamps_delta) == (2, 2, -5)


async def test_points_are_earned_rounded_down_from_decimal_amounts(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(
        service, type="points", points_per_euro="1.5"
    )
    op = await service.counter.earn_points(cashier.user_id, card.number, Decimal("12.50"))
    assert (op.points_delta, op.amount, op.card.points_balance) == (18, Decimal("12.50"), 18)
    with pytest.raises(errors.NoPointsForAmount):
        await service.counter.earn_points(cashier.user_id, card.number, Decimal("0.50"))
    with pytest.raises(errors.InvalidAmount):
        await service.counter.earn_points(cashier.user_id, card.number, Decimal("10000.01"))
    with pytest.raises(errors.StampsNotInProgram):
        await service.counter.stamp(cashier.user_id, card.number)


async def test_stamp_program_refuses_points(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service)
    with pytest.raises(errors.PointsNotInProgram):
        await service.counter.earn_points(cashier.user_id, card.number, Decimal(5))


async def test_points_redeem_default_price_or_an_explicit_amount(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(
        service, type="hybrid", points_reward="100"
    )
    await service.counter.earn_points(cashier.user_id, card.number, Decimal("150"))
    op = await service.counter.redeem_points(cashier.user_id, card.number)
    assert (op.points_delta, op.card.points_balance, op.card.points_redeemed) == (-100, 50, 100)
    with pytest.raises(errors.NotEnoughPoints) as refused:
        await service.counter.redeem_points(cashier.user_id, card.number)
    assert (refused.value.points_balance, refused.value.points_needed) == (50, 100)
    op = await service.counter.redeem_points(cashier.user_id, card.number, 30)
    assert op.card.points_balance == 20
    with pytest.raises(errors.NotEnoughPoints):
        await service.counter.redeem_points(cashier.user_id, card.number, 21)


async def test_void_is_clamped_at_the_balance_and_keeps_the_reason(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, type="points")
    await service.counter.earn_points(cashier.user_id, card.number, Decimal(40))
    with pytest.raises(errors.WholeBalanceVoidUnconfirmed):  # everything: confirmed first
        await service.counter.void_points(cashier.user_id, card.number, 100)
    op = await service.counter.void_points(
        cashier.user_id, card.number, 100, "  returned   mug ", confirmed=True
    )
    assert (op.points_delta, op.card.points_balance, op.card.points_voided) == (-40, 0, 40)
    page = await service.customers.history(customer.user_id, card.card_id)
    assert page.lines[0].reason == "returned mug"
    with pytest.raises(errors.NotEnoughPoints):
        await service.counter.void_points(cashier.user_id, card.number, 1)


async def test_a_voids_reason_is_kept_without_characters_that_cannot_be_shown(
    service: LoyaltyService,
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, type="points")
    await service.counter.earn_points(cashier.user_id, card.number, Decimal(40))
    for reason in ("mug\x07\x00 \u200b\x1b back", "\x07" * 60, "é" * 300):
        await service.counter.void_points(cashier.user_id, card.number, 1, reason)
    page = await service.customers.history(customer.user_id, card.card_id)
    assert [line.reason for line in page.lines[:3]] == ["é" * 200, None, "mug back"]


async def test_undo_reverses_own_last_operation_within_ten_minutes(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, type="hybrid", cooldown="0")
    await service.counter.stamp(cashier.user_id, card.number, 3)
    await service.counter.earn_points(cashier.user_id, card.number, Decimal(20))
    clock.advance(timedelta(minutes=10))
    reversal = await service.counter.undo(cashier.user_id)
    assert reversal.reversed_kind is LedgerKind.EARN_POINTS
    assert (reversal.operation.card.points_balance, reversal.operation.card.points_earned) == (0, 0)
    with pytest.raises(errors.NothingToUndo):  # the last operation is undone already
        await service.counter.undo(cashier.user_id)
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 3


async def test_undo_is_refused_after_the_window_and_for_others_operations(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service)
    colleague = await shop.hire("Colleague")
    with pytest.raises(errors.NothingToUndo):
        await service.counter.undo(colleague.user_id)
    await service.counter.stamp(cashier.user_id, card.number)
    with pytest.raises(errors.NothingToUndo):  # the colleague's own history is empty
        await service.counter.undo(colleague.user_id)
    clock.advance(timedelta(minutes=10, seconds=1))
    with pytest.raises(errors.UndoWindowExpired) as refused:
        await service.counter.undo(cashier.user_id)
    assert refused.value.window_minutes == 10
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 1


async def test_undo_of_an_earning_already_spent_is_refused(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, type="points", points_reward="10")
    await service.counter.earn_points(cashier.user_id, card.number, Decimal(10))
    other = await shop.hire("Other")
    await service.counter.redeem_points(other.user_id, card.number)
    with pytest.raises(errors.CannotReverse):
        await service.counter.undo(cashier.user_id)
    assert (await service.customers.card(customer.user_id, card.card_id)).points_balance == 0


async def test_same_idempotency_key_applies_once(service: LoyaltyService) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, cooldown="0")
    first = await service.counter.stamp(cashier.user_id, card.number, idempotency_key="update:7")
    again = await service.counter.stamp(cashier.user_id, card.number, idempotency_key="update:7")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.entry_id == first.entry_id
    assert again.card.stamp_count == 1


@pytest.mark.parametrize(
    ("target", "cooldown"),
    [
        pytest.param("2", "0", id="the first fills the card"),
        pytest.param("10", "60", id="the first starts the cooldown"),
        pytest.param("10", "0", id="the card has room"),
    ],
)
async def test_one_key_sent_many_times_at_once_applies_once_and_answers_alike(
    service: LoyaltyService, target: str, cooldown: str
) -> None:
    """A cashier's tap delivered eight times at once. On PostgreSQL the twins wait for the
    card's lock after looking for the key, so they do not see the first one's entry: when the
    card as the first left it refuses them (full, or in its cooldown) they look again; when it
    has room, the unique index refuses their entry and they are made again. Either way each is
    answered as the first was."""
    shop, cashier, customer, card = await _shop_and_card(
        service, cooldown=cooldown, daily_limit="0", stamps_target=target
    )
    ops = await asyncio.gather(
        *(
            service.counter.stamp(cashier.user_id, card.number, 2, idempotency_key="update:9")
            for _ in range(8)
        )
    )
    assert sorted(op.replayed for op in ops) == [False] + [True] * 7
    assert {op.entry_id for op in ops} == {ops[0].entry_id}
    assert {(op.card.stamp_count, op.stamps_delta) for op in ops} == {(2, 2)}
    page = await service.customers.history(customer.user_id, card.card_id)
    assert [line.kind for line in page.lines] == [LedgerKind.STAMP]
    assert (await service.customers.card(customer.user_id, card.card_id)).stamp_count == 2


async def test_one_key_on_two_cards_at_once_applies_on_one_and_refuses_the_other(
    service: LoyaltyService,
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, cooldown="0")
    other = new_profile("Other")
    second = (await service.customers.enrol(other, shop.first_store.code)).card
    outcomes = await asyncio.gather(
        *(
            service.counter.stamp(cashier.user_id, number, idempotency_key="update:10")
            for number in (card.number, second.number, card.number, second.number)
        ),
        return_exceptions=True,
    )
    made = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(made) == 2 and {op.entry_id for op in made} == {made[0].entry_id}
    assert len(refused) == 2
    assert all(isinstance(o, errors.KeyUsedForAnotherCard) for o in refused)
    stamps = [
        (await service.customers.card(who.user_id, c.card_id)).stamp_count
        for who, c in ((customer, card), (other, second))
    ]
    assert sorted(stamps) == [0, 1]
    assert await service.maintenance.invariant_breaches() == []


async def test_not_me_reverses_an_earning_and_only_reports_a_redemption(
    service: LoyaltyService,
) -> None:
    shop, cashier, customer, card = await _shop_and_card(
        service, cooldown="0", daily_limit="0", stamps_target="2"
    )
    await service.rewards.add(shop.owner.user_id, 5, "Cake")  # the card may hold up to 5
    stamp = await service.counter.stamp(cashier.user_id, card.number, 3)
    redemption = await service.counter.redeem_stamps(cashier.user_id, card.number)
    question = await service.customers.dispute_question(customer.user_id, redemption.entry_id)
    assert question.reversal is None and question.card.stamp_count == 1  # asking changes nothing
    report = await service.customers.dispute(customer.user_id, redemption.entry_id)
    assert report.reversal is None and report.owner_user_id == shop.owner.user_id
    assert (report.staff_user_id, report.staff_name) == (cashier.user_id, cashier.first_name)
    assert report.card.stamp_count == 1
    stranger = new_profile()
    with pytest.raises(errors.EntryNotFound):
        await service.customers.dispute(stranger.user_id, stamp.entry_id)
    with pytest.raises(errors.EntryNotFound):
        await service.customers.dispute_question(stranger.user_id, stamp.entry_id)
    with pytest.raises(errors.CannotReverse):  # 3 stamps given, 2 already spent
        await service.customers.dispute(customer.user_id, stamp.entry_id)
    small = await service.counter.stamp(cashier.user_id, card.number, 1)
    dispute = await service.customers.dispute(customer.user_id, small.entry_id)
    assert dispute.reversal is not None and dispute.reversal.kind is LedgerKind.NOT_ME
    assert dispute.card.stamp_count == 1
    with pytest.raises(errors.AlreadyReversed):
        await service.customers.dispute(customer.user_id, small.entry_id)


async def test_invariant_holds_after_every_kind_of_operation(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier, customer, card = await _shop_and_card(
        service, type="hybrid", cooldown="0", daily_limit="0", stamps_target="3", expiry_days="30"
    )
    await service.rewards.add(shop.owner.user_id, 6, "Cake", RewardUnit.STAMPS)
    await service.counter.stamp(cashier.user_id, card.number, 4)
    await service.counter.redeem_stamps(cashier.user_id, card.number)
    await service.counter.earn_points(cashier.user_id, card.number, Decimal("99.99"))
    await service.counter.void_points(cashier.user_id, card.number, 9, "return")
    await service.counter.redeem_points(cashier.user_id, card.number, 10)
    await service.counter.undo(cashier.user_id)
    clock.advance(timedelta(days=31))
    assert await service.maintenance.expire_idle_points() == [card.card_id]
    assert await service.maintenance.invariant_breaches() == []
    final = await service.customers.card(customer.user_id, card.card_id)
    assert (final.stamp_count, final.points_balance, final.points_expired) == (1, 0, 90)


async def test_guessing_card_numbers_is_stopped_after_twenty_misses(
    service: LoyaltyService, clock: ManualClock
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, cooldown="0")
    for guess in range(20):
        with pytest.raises(errors.CardNotFound):
            await service.counter.stamp(cashier.user_id, f"{guess:012d}")
        clock.advance(timedelta(seconds=10))
    with pytest.raises(errors.TooManyFailedLookups) as refused:  # even a real card now
        await service.counter.lookup(cashier.user_id, card.number)
    assert refused.value.retry_after_minutes == 7  # the first miss leaves the window in 6m40s
    colleague = await shop.hire("Colleague")  # the limit is per staff member
    assert (await service.counter.stamp(colleague.user_id, card.number)).card.stamp_count == 1
    clock.advance(timedelta(minutes=7))
    assert (await service.counter.lookup(cashier.user_id, card.number)).card_id == card.card_id


async def test_a_type_that_hides_balances_is_refused_until_confirmed_and_hides_nothing_for_good(
    service: LoyaltyService,
) -> None:
    shop, cashier, customer, card = await _shop_and_card(service, cooldown="0")
    owner = shop.owner.user_id
    await service.merchants.change_program(owner, "type", "hybrid")  # hybrid hides nothing
    await service.counter.stamp(cashier.user_id, card.number, 3)
    await service.counter.earn_points(cashier.user_id, card.number, Decimal("5"))
    with pytest.raises(errors.TypeChangeHidesBalances) as asked:
        await service.merchants.change_program(owner, "type", "points")
    assert (asked.value.cards, asked.value.hidden) == (1, "stamps")
    with pytest.raises(errors.TypeChangeHidesBalances) as asked:
        await service.merchants.change_program(owner, "type", "stamps")
    assert asked.value.hidden == "points"
    assert (await service.merchants.program(owner)).type is ProgramType.HYBRID  # unchanged

    await service.merchants.change_program(owner, "type", "points", confirm_hidden_balances=True)
    with pytest.raises(errors.TypeChangeHidesBalances):  # points → stamps hides the points
        await service.merchants.change_program(owner, "type", "stamps")
    await service.merchants.change_program(owner, "type", "hybrid")
    back = (await service.customers.cards(customer.user_id))[0]
    assert (back.stamp_count, back.points_balance) == (3, 5)  # kept all along
