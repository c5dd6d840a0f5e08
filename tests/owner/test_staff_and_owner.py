"""Merchant set-up, stores, program settings, invites and memberships."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from domain import errors
from domain.clock import ManualClock
from domain.codes import hash_token
from domain.db.tables import StaffInvite
from domain.db.uow import Database
from domain.model import StaffRole
from domain.service import LoyaltyService
from tests.support.scenario import new_profile, open_shop


async def test_setup_creates_merchant_first_store_and_default_program(
    service: LoyaltyService,
) -> None:
    owner = new_profile("Marie", "fr")
    store = await service.merchants.setup(
        owner,
        "  Boulangerie   Marie ",
        language="fr",
        reward="Café offert",
        points_reward_text="Bon de 5 €",
    )
    assert (store.name, store.merchant_name) == ("Boulangerie Marie", "Boulangerie Marie")
    settings = await service.merchants.program(owner.user_id)
    assert (settings.reward, settings.language, settings.stamps_target) == ("Café offert", "fr", 10)
    membership = await service.staff.membership(owner.user_id)
    assert membership is not None and membership.role is StaffRole.OWNER
    assert membership.store_id is None
    with pytest.raises(errors.AlreadyOwner):
        await service.merchants.setup(
            owner, "Second", language="fr", reward="x", points_reward_text="y"
        )


async def test_store_names_are_checked(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    with pytest.raises(errors.DuplicateStoreName):
        await shop.add_store("café lux")
    with pytest.raises(errors.InvalidName):
        await shop.add_store("   ")
    with pytest.raises(errors.InvalidName):
        await shop.add_store("x" * 65)
    await shop.add_store("Gare")
    assert [s.name for s in await service.merchants.stores(shop.owner.user_id)] == [
        "Café Lux",
        "Gare",
    ]


async def test_refused_settings_change_nothing(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    before = await service.merchants.program(shop.owner.user_id)
    with pytest.raises(errors.UnknownSetting):
        await service.merchants.change_program(shop.owner.user_id, "colour", "red")
    with pytest.raises(errors.InvalidSettingValue):
        await service.merchants.change_program(shop.owner.user_id, "stamps_target", "51")
    assert await service.merchants.program(shop.owner.user_id) == before
    change = await service.merchants.change_program(shop.owner.user_id, "stamps_target", "8")
    after = change.settings
    assert (
        change.merged_into == ()
        and after.stamps_target == 8
        and await service.merchants.program(shop.owner.user_id) == after
    )


async def test_only_owners_configure(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    cashier = await shop.hire("Cashier")
    for call in (
        service.merchants.change_program(cashier.user_id, "cooldown", "0"),
        service.merchants.add_store(cashier.user_id, "Mine"),
        service.staff.create_invite(cashier.user_id),
        service.staff.list_staff(cashier.user_id),
        service.staff.revoke(cashier.user_id, 1),
    ):
        with pytest.raises(errors.NotOwner):
            await call


async def test_invites_are_single_use_hashed_and_expire_after_72_hours(
    service: LoyaltyService, database: Database, clock: ManualClock
) -> None:
    shop = await open_shop(service)
    invite = await service.staff.create_invite(shop.owner.user_id)
    async with database.read() as session:
        stored = (await session.execute(select(StaffInvite.token_hash))).scalars().all()
    assert stored == [hash_token(invite.token)] and invite.token not in stored
    first, second = new_profile("First"), new_profile("Second")
    membership = await service.staff.accept_invite(first, invite.token)
    assert membership.merchant_name == "Café Lux" and membership.store_id is None
    with pytest.raises(errors.InviteUsed):
        await service.staff.accept_invite(second, invite.token)
    with pytest.raises(errors.InviteNotFound):
        await service.staff.accept_invite(second, "not-a-real-token-at-all")
    late = await service.staff.create_invite(shop.owner.user_id, "café lux")
    assert late.store_name == "Café Lux"
    clock.advance(timedelta(hours=72))
    with pytest.raises(errors.InviteExpired):
        await service.staff.accept_invite(second, late.token)
    assert await service.staff.membership(second.user_id) is None


async def test_switching_merchant_needs_confirmation(service: LoyaltyService) -> None:
    cafe, bakery = await open_shop(service, "Café"), await open_shop(service, "Bakery")
    cashier = await cafe.hire("Cashier")
    invite = await service.staff.create_invite(bakery.owner.user_id)
    with pytest.raises(errors.MembershipSwitchRequired) as asked:
        await service.staff.accept_invite(cashier, invite.token)
    assert asked.value.current_merchant_name == "Café"
    assert (await service.staff.membership(cashier.user_id)).merchant_name == "Café"
    await service.staff.accept_invite(cashier, invite.token, switch_membership=True)
    assert (await service.staff.membership(cashier.user_id)).merchant_name == "Bakery"
    assert await service.staff.list_staff(cafe.owner.user_id) == []


async def test_owners_cannot_become_staff_elsewhere(service: LoyaltyService) -> None:
    cafe, bakery = await open_shop(service, "Café"), await open_shop(service, "Bakery")
    invite = await service.staff.create_invite(bakery.owner.user_id)
    with pytest.raises(errors.OwnerCannotBecomeStaff):
        await service.staff.accept_invite(cafe.owner, invite.token)


async def test_staff_list_and_revoke(service: LoyaltyService) -> None:
    shop = await open_shop(service)
    gare = await shop.add_store("Gare")
    anna = await shop.hire("Anna")
    ben = await shop.hire("Ben", gare)
    listing = await service.staff.list_staff(shop.owner.user_id)
    assert [(s.number, s.display_name, s.store_name) for s in listing] == [
        (1, "Anna", None),
        (2, "Ben", "Gare"),
    ]
    with pytest.raises(errors.StaffMemberNotFound):
        await service.staff.revoke(shop.owner.user_id, 3)
    with pytest.raises(errors.StaffMemberNotFound):
        await service.staff.staff_member(shop.owner.user_id, 3)
    asked_about_ben = await service.staff.staff_member(shop.owner.user_id, 2)
    assert asked_about_ben.user_id == ben.user_id  # asking removes no one
    await service.staff.revoke(shop.owner.user_id, 1)
    assert await service.staff.membership(anna.user_id) is None
    assert [s.user_id for s in await service.staff.list_staff(shop.owner.user_id)] == [ben.user_id]
    # Ben is number 1 now: a confirmation given for "number 2" (Ben) must not remove someone
    # else, and one for number 1 with Ben's membership does remove Ben.
    carol = await shop.hire("Carol")
    with pytest.raises(errors.StaffMemberNotFound):
        await service.staff.revoke(
            shop.owner.user_id, 2, membership_id=asked_about_ben.membership_id
        )
    assert await service.staff.membership(carol.user_id) is not None
    await service.staff.revoke(shop.owner.user_id, 1, membership_id=asked_about_ben.membership_id)
    assert await service.staff.membership(ben.user_id) is None
