"""Corrections and undo at the counter: a staff member's own last operation reversed within
the undo window, and stamps taken off or added back later with a reason."""

from __future__ import annotations

from datetime import datetime

from domain import errors
from domain.db.ledger import LedgerRepository
from domain.model import (
    UNDO_WINDOW,
    UNDO_WINDOW_MINUTES,
    UNDOABLE_KINDS,
    CardView,
    LedgerKind,
    Operation,
    ProgramType,
    Reversal,
    StaffRole,
    check_correction,
    check_correction_balance,
    clean_reason,
)
from domain.service.base import operation_result, require_staff, reverse_entry
from domain.service.counter_card import CardAtCounter
from domain.service.counter_operations import Change, CounterOperations, after_change
from domain.service.counter_rules import check_added_back, may_correct


class Corrections(CounterOperations):
    """Putting a card right after a mistake at the counter."""

    async def correction_preview(
        self, actor_id: int, card_reference: str, stamps_delta: int, reason: str
    ) -> CardView:
        """The card a correction would change, checked before asking for confirmation: the
        actor may correct, the reason and the count are valid, the card has the stamps."""
        check_correction(stamps_delta)
        clean_reason(reason)
        return await self._counting_failures(
            actor_id, self._correction_preview(actor_id, card_reference, stamps_delta)
        )

    async def _correction_preview(
        self, actor_id: int, card_reference: str, stamps_delta: int
    ) -> CardView:
        async with self._db.read() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            found = await self._card_at_counter(ledger, directory, actor_id, card_reference)
            may_correct(found.seat, found.program)
            if found.card.customer_id == actor_id:
                raise errors.OwnCard()
            if not ProgramType(found.program.type).has_stamps:
                raise errors.StampsNotInProgram()
            check_correction_balance(stamps_delta, found.card.stamp_count)
            await check_added_back(ledger, found, stamps_delta)
            return found.view()

    async def correct_stamps(
        self,
        actor_id: int,
        card_reference: str,
        stamps_delta: int,
        reason: str,
        *,
        idempotency_key: str | None = None,
    ) -> Operation:
        """Take stamps off a card (negative) or add them back (positive) with a reason: a
        compensating entry for a mistake found after the undo window.

        The owner may always; staff only with staff_corrections on. A correction cannot take
        more stamps than the card has. It moves the balance only: the lifetime counters keep
        what happened at the counter, and the cooldown and the daily limit do not apply.
        """
        check_correction(stamps_delta)
        cleaned = clean_reason(reason)

        async def decide(found: CardAtCounter, ledger: LedgerRepository, now: datetime) -> Change:
            card, program, seat = found.card, found.program, found.seat
            if not ProgramType(program.type).has_stamps:
                raise errors.StampsNotInProgram()
            check_correction_balance(stamps_delta, card.stamp_count)
            await check_added_back(ledger, found, stamps_delta)
            tell = None
            if seat.role != StaffRole.OWNER.value:  # the owner hears of a cashier's correction
                assert seat.user_id is not None  # corrections are made by people (int actor)
                staff = await self._directory(ledger.session).user(seat.user_id)
                name = (staff.first_name if staff is not None else None) or str(seat.user_id)
                tell = (found.merchant.owner_user_id, name)
            return Change(
                LedgerKind.CORRECT_STAMPS,
                stamps_delta=stamps_delta,
                reason=cleaned,
                tell_owner=tell,
            )

        return await self._operate(
            actor_id, card_reference, idempotency_key, decide, permit=may_correct
        )

    async def undo(self, actor_id: int) -> Reversal:
        """Reverse the staff member's own last operation, within the undo window."""
        now = self._clock.now()
        async with self._db.write() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            seat = await require_staff(directory, actor_id)
            entry = await ledger.last_entry_by_staff(actor_id)
            if (
                entry is None
                or entry.merchant_id != seat.merchant_id
                or LedgerKind(entry.kind) not in UNDOABLE_KINDS
                or await ledger.is_reversed(entry.id)
            ):
                raise errors.NothingToUndo()
            if now - entry.created_at > UNDO_WINDOW:
                raise errors.UndoWindowExpired(
                    window_minutes=UNDO_WINDOW_MINUTES,
                    done_at=entry.created_at,
                    stamps=entry.stamps_delta != 0,
                )
            reversal = await reverse_entry(
                ledger, entry, kind=LedgerKind.UNDO, staff_user_id=actor_id, now=now
            )
            card = await ledger.card_by_id(entry.card_id)
            assert card is not None
            await self._effects.record(session, after_change(reversal.id, card))
            return Reversal(
                reversed_kind=LedgerKind(entry.kind),
                operation=await operation_result(ledger, directory, reversal),
            )
