"""Who sent an update, read once per update: the user's languages and their active staff seat,
with what of its café, programme and store an update needs, in one statement.

Read as columns into small frozen values, not as five ORM entities: this runs for every update,
and loading entities (the programme's dozens of columns, the identity map, attribute
instrumentation) cost more Python time than the statement itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import aliased

from domain.db.tables import Merchant, Program, StaffMembership, Store, User
from domain.db.uow import Rows


@dataclass(frozen=True)
class SenderSeat:
    """A sender's active staff seat, with its café, programme and store as updates use them."""

    user_id: int
    role: str
    store_id: int | None
    store_name: str | None
    merchant_id: int
    merchant_name: str
    owner_user_id: int
    timezone: str
    merchant_language: str
    staff_corrections: bool
    program_type: str
    cross_location: bool
    stores: int  # how many stores the café has


@dataclass(frozen=True)
class Sender:
    known: bool  # False for a user never stored
    language: str | None
    telegram_language: str | None
    seat: SenderSeat | None


async def sender(connection: Rows, user_id: int) -> Sender:
    row = (await connection.execute(_SENDER, {"user_id": user_id})).one_or_none()
    if row is None:
        return Sender(known=False, language=None, telegram_language=None, seat=None)
    seat = None
    if row.seat_id is not None:
        seat = SenderSeat(
            user_id=user_id,
            role=row.role,
            store_id=row.store_id,
            store_name=row.store_name,
            merchant_id=row.merchant_id,
            merchant_name=row.merchant_name,
            owner_user_id=row.owner_user_id,
            timezone=row.timezone,
            merchant_language=row.merchant_language,
            staff_corrections=row.staff_corrections,
            program_type=row.program_type,
            cross_location=row.cross_location,
            stores=int(row.stores or 0),
        )
    return Sender(
        known=True, language=row.language, telegram_language=row.telegram_language, seat=seat
    )


def _sender_query() -> Any:
    every_store = aliased(Store)
    stores = (
        select(func.count(every_store.id))
        .where(every_store.merchant_id == StaffMembership.merchant_id)
        .scalar_subquery()
    )
    return (
        select(
            User.language,
            User.telegram_language,
            StaffMembership.id.label("seat_id"),
            StaffMembership.role,
            StaffMembership.store_id,
            Store.name.label("store_name"),
            Merchant.id.label("merchant_id"),
            Merchant.name.label("merchant_name"),
            Merchant.owner_user_id,
            Program.timezone,
            Program.language.label("merchant_language"),
            Program.staff_corrections,
            Program.type.label("program_type"),
            Program.cross_location,
            stores.label("stores"),
        )
        .select_from(User)
        .outerjoin(
            StaffMembership,
            and_(StaffMembership.user_id == User.id, StaffMembership.active),
        )
        .outerjoin(Merchant, Merchant.id == StaffMembership.merchant_id)
        .outerjoin(Program, Program.merchant_id == StaffMembership.merchant_id)
        .outerjoin(Store, Store.id == StaffMembership.store_id)
        .where(User.id == bindparam("user_id"))
    )


# Built once (with its SQL cache key), not per update.
_SENDER = _sender_query()
