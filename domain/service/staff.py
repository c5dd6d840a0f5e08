"""Use cases around staff: invites, memberships, the staff list and revocation."""

from __future__ import annotations

from domain import errors
from domain.codes import hash_token, new_invite_token
from domain.db.directory import DirectoryRepository
from domain.db.sender import SenderSeat, sender
from domain.db.tables import StaffInvite, StaffMembership
from domain.effects import StaffJoinedNotice
from domain.model import (
    INVITE_VALIDITY,
    Identity,
    Invite,
    Membership,
    ProgramType,
    StaffJoined,
    StaffListing,
    StaffRole,
    UserProfile,
)
from domain.service.base import ServiceBase, require_owner
from domain.service.enrolment import upsert_user
from domain.service.merchants import find_own_store
from domain.serving import serves
from domain.store_of_day import asks_for_store


class StaffService(ServiceBase):
    """Who works where."""

    async def membership(self, user_id: int) -> Membership | None:
        """The user's active staff role, if any (owners are staff at all their stores)."""
        return (await self.identity(user_id)).membership

    async def identity(self, user_id: int) -> Identity:
        """The user's language preferences and role, read once per update (one statement)."""
        async with self._db.read_rows() as connection:
            found = await sender(connection, user_id)
        seat = found.seat
        membership = None
        if seat is not None and serves(seat.merchant_id):  # in a café's bot, that café's seat only
            membership = _membership_of(seat)
        return Identity(
            user_id=user_id,
            language=found.language,
            telegram_language=found.telegram_language,
            membership=membership,
            known=found.known,
        )

    async def mark_unreachable(self, user_id: int) -> None:
        """The user blocked the bot: stop counting on messages reaching them."""
        async with self._db.write() as session:
            await self._directory(session).mark_unreachable(user_id)

    async def create_invite(self, owner_id: int, store_reference: str | None = None) -> Invite:
        """A one-time invite for one store, or for every store when no store is named."""
        now = self._clock.now()
        async with self._db.write() as session:
            directory = self._directory(session)
            merchant = await require_owner(directory, owner_id)
            store = None
            if store_reference is not None:
                store = await find_own_store(directory, merchant, store_reference)
            token = new_invite_token()
            directory.add(
                StaffInvite(
                    merchant_id=merchant.id,
                    store_id=None if store is None else store.id,
                    token_hash=hash_token(token),
                    created_by_user_id=owner_id,
                    created_at=now,
                    expires_at=now + INVITE_VALIDITY,
                )
            )
            await directory.flush()
            return Invite(
                token=token,
                merchant_id=merchant.id,
                merchant_name=merchant.name,
                store_name=None if store is None else store.name,
                expires_at=now + INVITE_VALIDITY,
            )

    async def accept_invite(
        self, profile: UserProfile, token: str, *, switch_membership: bool = False
    ) -> Membership:
        """Become staff through an invite link; leaving another merchant needs confirmation."""
        now = self._clock.now()
        async with self._db.write() as session:
            directory = self._directory(session)
            invite = await directory.invite_by_hash(hash_token(token), lock=True)
            if invite is None:
                raise errors.InviteNotFound()
            if not serves(invite.merchant_id):
                other = await directory.merchant(invite.merchant_id)
                raise errors.OtherCafe(other.name)
            if invite.used_at is not None:
                raise errors.InviteUsed()
            if now >= invite.expires_at:
                raise errors.InviteExpired()
            await upsert_user(directory, profile, now)
            if await directory.merchant_of_owner(profile.user_id) is not None:
                raise errors.OwnerCannotBecomeStaff()
            current = await directory.active_membership(profile.user_id)
            if current is not None:
                if current.merchant_id != invite.merchant_id and not switch_membership:
                    other = await directory.merchant(current.merchant_id)
                    raise errors.MembershipSwitchRequired(current_merchant_name=other.name)
                await directory.end_membership(current.id, now)
            if not await directory.use_invite(invite.id, profile.user_id, now):
                raise errors.InviteUsed()
            seat = StaffMembership(
                user_id=profile.user_id,
                merchant_id=invite.merchant_id,
                store_id=invite.store_id,
                role=StaffRole.STAFF.value,
                active=True,
                created_at=now,
            )
            directory.add(seat)
            await directory.flush()
            merchant = await directory.merchant(invite.merchant_id)
            program = await directory.program(invite.merchant_id)
            store = None if invite.store_id is None else await directory.store(invite.store_id)
            # The owner hears who joined, once the membership is committed.
            await self._effects.record(
                session,
                [StaffJoinedNotice(membership_id=seat.id, owner_user_id=merchant.owner_user_id)],
            )
            return Membership(
                user_id=profile.user_id,
                merchant_id=merchant.id,
                merchant_name=merchant.name,
                role=StaffRole.STAFF,
                store_id=invite.store_id,
                store_name=None if store is None else store.name,
                timezone=program.timezone,
                merchant_language=program.language,
                owner_user_id=merchant.owner_user_id,
                staff_corrections=program.staff_corrections,
                program_type=ProgramType(program.type),
            )

    async def staff_joined(self, membership_id: int) -> StaffJoined:
        """Who joined through an invite, for the owner's notice (for the outbox's dispatcher)."""
        async with self._db.read() as session:
            directory = self._directory(session)
            seat = await directory.membership(membership_id)
            if seat is None:
                raise errors.StaffMemberNotFound(number=membership_id)
            merchant = await directory.merchant(seat.merchant_id)
            program = await directory.program(seat.merchant_id)
            store = None if seat.store_id is None else await directory.store(seat.store_id)
            user = await directory.user(seat.user_id)
            erased = user is None or user.erased_at is not None
            return StaffJoined(
                owner_user_id=merchant.owner_user_id,
                staff_name=None if erased or user is None else user.first_name,
                merchant_name=merchant.name,
                store_name=None if store is None else store.name,
                merchant_language=program.language,
            )

    async def list_staff(self, owner_id: int) -> list[StaffListing]:
        """Active staff (not the owner), numbered in the order they joined, for /revoke."""
        async with self._db.read() as session:
            directory = self._directory(session)
            merchant = await require_owner(directory, owner_id)
            return await _listing(directory, merchant.id)

    async def staff_member(self, owner_id: int, number: int) -> StaffListing:
        """The staff member at `number` of /staff (whom a /revoke would remove)."""
        async with self._db.read() as session:
            directory = self._directory(session)
            merchant = await require_owner(directory, owner_id)
            return _numbered(await _listing(directory, merchant.id), number)

    async def revoke(
        self, owner_id: int, number: int, *, membership_id: int | None = None
    ) -> StaffListing:
        """End a staff membership at once; their next staff command is refused.

        With `membership_id` (the one the owner was asked about), a number that has come to
        mean someone else since (another revocation renumbered the list) is refused.
        """
        now = self._clock.now()
        async with self._db.write() as session:
            directory = self._directory(session)
            merchant = await require_owner(directory, owner_id)
            chosen = _numbered(await _listing(directory, merchant.id), number)
            if membership_id is not None and chosen.membership_id != membership_id:
                raise errors.StaffMemberNotFound(number=number)
            await directory.end_membership(chosen.membership_id, now)
            return chosen


def _membership_of(seat: SenderSeat) -> Membership:
    return Membership(
        user_id=seat.user_id,
        merchant_id=seat.merchant_id,
        merchant_name=seat.merchant_name,
        role=StaffRole(seat.role),
        store_id=seat.store_id,
        store_name=seat.store_name,
        timezone=seat.timezone,
        merchant_language=seat.merchant_language,
        owner_user_id=seat.owner_user_id,
        staff_corrections=seat.staff_corrections,
        program_type=ProgramType(seat.program_type),
        says_store_of_day=asks_for_store(seat.store_id, seat.stores, seat.cross_location),
    )


def _numbered(listing: list[StaffListing], number: int) -> StaffListing:
    if not 1 <= number <= len(listing):
        raise errors.StaffMemberNotFound(number=number)
    return listing[number - 1]


async def _listing(directory: DirectoryRepository, merchant_id: int) -> list[StaffListing]:
    seats: list[StaffMembership] = [
        seat
        for seat in await directory.active_memberships_of_merchant(merchant_id)
        if seat.role != StaffRole.OWNER.value
    ]
    users = await directory.users([seat.user_id for seat in seats])
    stores = await directory.stores_by_id({seat.store_id for seat in seats if seat.store_id})
    return [
        StaffListing(
            number=position,
            membership_id=seat.id,
            user_id=seat.user_id,
            display_name=users[seat.user_id].first_name if seat.user_id in users else None,
            username=users[seat.user_id].username if seat.user_id in users else None,
            role=StaffRole(seat.role),
            store_name=None if seat.store_id is None else stores[seat.store_id].name,
            since=seat.created_at,
        )
        for position, seat in enumerate(seats, start=1)
    ]
