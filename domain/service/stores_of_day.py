"""Use cases of the store of the day: where an all-stores staff member works today."""

from __future__ import annotations

from datetime import date

from domain import errors
from domain.db.stores_of_day import StoresOfDayRepository
from domain.db.tables import StaffMembership, Store
from domain.service.base import ServiceBase, require_staff
from domain.store_of_day import StoreChoice, StoresOfDay, asks_for_store, local_day


class StoresOfDayService(ServiceBase):
    async def today(self, actor_id: int) -> StoresOfDay:
        """The stores a staff member may say they work at today, and the one they said."""
        async with self._db.read() as session:
            directory = self._directory(session)
            seat = await require_staff(directory, actor_id)
            stores = await directory.stores_of_merchant(seat.merchant_id)
            program = await directory.program(seat.merchant_id)
            day = local_day(self._clock.now(), program.timezone)
            said = None
            asks = asks_for_store(seat.store_id, len(stores), program.cross_location)
            if asks:
                said = await StoresOfDayRepository(session, self._dialect).chosen(seat.id, day)
            return _stores_of_day(seat, stores, day, said, asks)

    async def choose(self, actor_id: int, store_id: int) -> StoresOfDay:
        """Say which store the staff member works at today (a new tap changes it): the day's
        operations are booked there."""
        now = self._clock.now()
        async with self._db.write() as session:
            directory = self._directory(session)
            seat = await require_staff(directory, actor_id)
            stores = await directory.stores_of_merchant(seat.merchant_id)
            program = await directory.program(seat.merchant_id)
            asks = asks_for_store(seat.store_id, len(stores), program.cross_location)
            if not asks or store_id not in {s.id for s in stores}:
                raise errors.NotYourStore()
            day = local_day(now, program.timezone)
            await StoresOfDayRepository(session, self._dialect).choose(seat.id, day, store_id, now)
            return _stores_of_day(seat, stores, day, store_id, asks)


def _stores_of_day(
    seat: StaffMembership, stores: list[Store], day: date, said: int | None, asks: bool
) -> StoresOfDay:
    choices = tuple(StoreChoice(s.id, s.name) for s in stores)
    fixed = said if asks else seat.store_id
    if fixed is None and len(stores) == 1:
        fixed = stores[0].id  # a café with one store
    chosen = next((c for c in choices if c.store_id == fixed), None)
    return StoresOfDay(day=day, stores=choices, chosen=chosen, asks=asks)
