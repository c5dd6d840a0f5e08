"""A customer's "not me" on an entry of their card: the question before it, the reversal of an
earning, and the owner's alert."""

from __future__ import annotations

from domain import errors
from domain.db.directory import DirectoryRepository
from domain.db.ledger import LedgerRepository
from domain.db.tables import Card, LedgerEntry
from domain.effects import AlertOwner, Effect, RefreshWallet
from domain.model import Dispute, LedgerKind
from domain.service.base import ServiceBase, card_view, operation_result, reverse_entry


class DisputeCases(ServiceBase):
    """The customer's "not me" (part of CustomerService)."""

    async def dispute_question(self, customer_id: int, entry_id: int) -> Dispute:
        """What a "not me" on the entry would be about, before the customer confirms it;
        refused as `dispute` would refuse someone else's entry."""
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            entry, _ = await _disputable(ledger, customer_id, entry_id, lock=False)
            return await _dispute_view(ledger, directory, entry)

    async def dispute(self, customer_id: int, entry_id: int) -> Dispute:
        """ "Not me": reverse an earning on the customer's card; a redemption alerts the owner.
        An operation staff had already undone changes nothing; the owner still hears of it."""
        now = self._clock.now()
        async with self._db.write() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            entry, card = await _disputable(ledger, customer_id, entry_id, lock=True)
            kind = LedgerKind(entry.kind)
            effects: list[Effect] = []
            reversed_before = await ledger.reversal_of(entry.id)
            if reversed_before is not None and reversed_before.kind == LedgerKind.NOT_ME.value:
                raise errors.AlreadyReversed()  # a second "not me" on the same notice
            if kind.is_earning and reversed_before is None:
                row = await reverse_entry(
                    ledger, entry, kind=LedgerKind.NOT_ME, staff_user_id=None, now=now
                )
                effects.append(RefreshWallet(card_id=card.id, cause=str(row.id)))
            dispute = await _dispute_view(ledger, directory, entry)
            effects.append(AlertOwner(entry_id=entry.id, owner_user_id=dispute.owner_user_id))
            await self._effects.record(session, effects)
            return dispute

    async def dispute_of(self, entry_id: int) -> Dispute:
        """A "not me" as the owner's alert shows it (for the outbox's dispatcher)."""
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            entry = await ledger.entry(entry_id)
            if entry is None:
                raise errors.EntryNotFound()
            return await _dispute_view(ledger, directory, entry)


async def _disputable(
    ledger: LedgerRepository, customer_id: int, entry_id: int, *, lock: bool
) -> tuple[LedgerEntry, Card]:
    """The customer's earning or redemption and its card, or EntryNotFound."""
    entry = await ledger.entry(entry_id)
    card = None if entry is None else await ledger.card_by_id(entry.card_id, lock=lock)
    if entry is None or card is None or card.customer_id != customer_id:
        raise errors.EntryNotFound()
    kind = LedgerKind(entry.kind)
    if not (kind.is_earning or kind.is_redemption):
        raise errors.EntryNotFound()
    return entry, card


async def _dispute_view(
    ledger: LedgerRepository, directory: DirectoryRepository, entry: LedgerEntry
) -> Dispute:
    card = await ledger.card_by_id(entry.card_id)
    assert card is not None  # a ledger row always has its card
    reversal = await ledger.reversal_of(entry.id)
    merchant = await directory.merchant(card.merchant_id)
    staff = None if entry.staff_user_id is None else await directory.user(entry.staff_user_id)
    return Dispute(
        disputed_kind=LedgerKind(entry.kind),
        reversal=(
            None if reversal is None else await operation_result(ledger, directory, reversal)
        ),
        owner_user_id=merchant.owner_user_id,
        card=await card_view(directory, card),
        store_name=(await directory.store(entry.store_id)).name,
        staff_user_id=entry.staff_user_id,
        staff_name=None if staff is None else staff.first_name,
        entry_created_at=entry.created_at,
    )
