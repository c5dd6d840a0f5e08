"""Background use cases: points expiry and its reminders, exactly-once records, audits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain import errors
from domain.db.maintenance import MaintenanceRepository
from domain.effects import RefreshWallet, RemindExpiry
from domain.model import (
    EXPIRY_REMINDER_LEAD,
    LOOKUP_FAILURE_WINDOW,
    CardView,
    LedgerKind,
    Recipient,
    points_expire_at,
)
from domain.service.base import ServiceBase, card_view, recipient


@dataclass(frozen=True)
class ExpiryReminder:
    card: CardView
    customer: Recipient
    expires_at: datetime


@dataclass(frozen=True)
class InvariantBreach:
    card_id: int
    stamp_count: int
    stamps_in_ledger: int
    points_balance: int
    points_in_ledger: int


class MaintenanceService(ServiceBase):
    """Jobs that run on a schedule or around every update."""

    async def expire_idle_points(self) -> list[int]:
        """Expire the whole balance of cards idle for the program's expiry_days; returns the
        ids of the cards whose points expired (their wallet passes need refreshing)."""
        now = self._clock.now()
        expired: list[int] = []
        for program_id, days in await self._expiring_programs():
            # The query only narrows the search; the rule decides, for each card, under its lock.
            cutoff = now - timedelta(days=days)
            for card_id in await self._idle_cards(program_id, cutoff):
                if await self._expire_card(card_id, days, now):
                    expired.append(card_id)
        return expired

    async def _expiring_programs(self) -> list[tuple[int, int]]:
        async with self._db.read() as session:
            return await MaintenanceRepository(session).expiring_programmes()

    async def _idle_cards(self, merchant_id: int, cutoff: datetime) -> list[int]:
        async with self._db.read() as session:
            return await MaintenanceRepository(session).idle_cards_with_points(merchant_id, cutoff)

    async def _expire_card(self, card_id: int, expiry_days: int, now: datetime) -> bool:
        """One card per transaction, re-checked under the lock: activity may have come since."""
        async with self._db.write() as session:
            ledger = self._ledger(session)
            card = await ledger.card_by_id(card_id, lock=True)
            if card is None or not card.active or card.points_balance <= 0:
                return False
            if card.last_activity_at is None:
                return False
            expires_at = points_expire_at(card.last_activity_at, expiry_days)
            if expires_at is None or expires_at > now:
                return False
            expired = await ledger.post(
                card,
                kind=LedgerKind.EXPIRE_POINTS,
                store_id=card.store_id,
                staff_user_id=None,
                created_at=now,
                points_delta=-card.points_balance,
            )
            assert expired is not None  # exactly the balance is taken: never negative
            await self._effects.record(
                session, [RefreshWallet(card_id=card.id, cause=str(expired.id))]
            )
            return True

    async def expiry_reminders_due(self) -> list[ExpiryReminder]:
        """Cards whose points expire within 7 days and whose holder was not yet told."""
        now = self._clock.now()
        due: list[ExpiryReminder] = []
        async with self._db.read() as session:
            directory = self._directory(session)
            for merchant_id, days in await self._expiring_programs():
                window_start = now - timedelta(days=days)
                window_end = window_start + EXPIRY_REMINDER_LEAD
                cards = await MaintenanceRepository(session).cards_to_remind(
                    merchant_id, window_start, window_end
                )
                for card in cards:
                    assert card.last_activity_at is not None
                    expires_at = points_expire_at(card.last_activity_at, days)
                    assert expires_at is not None  # only programs whose points expire are read
                    due.append(
                        ExpiryReminder(
                            card=await card_view(directory, card),
                            customer=recipient(
                                await directory.user(card.customer_id), card.customer_id
                            ),
                            expires_at=expires_at,
                        )
                    )
        return due

    async def queue_expiry_reminder(self, reminder: ExpiryReminder) -> None:
        """Mark the card reminded and queue the reminder, together: it goes out once."""
        async with self._db.write() as session:
            card = await self._ledger(session).card_by_id(reminder.card.card_id, lock=True)
            if card is None:
                return
            card.expiry_reminded_at = self._clock.now()
            effect = RemindExpiry(
                card_id=card.id, customer_id=card.customer_id, expires_at=reminder.expires_at
            )
            await self._effects.record(session, [effect])

    async def expiry_reminder_of(self, card_id: int, expires_at: datetime) -> ExpiryReminder:
        """A queued reminder as it is shown (for the outbox's dispatcher)."""
        async with self._db.read() as session:
            directory = self._directory(session)
            card = await self._ledger(session).card_by_id(card_id)
            if card is None:
                raise errors.CardNotFound()
            return ExpiryReminder(
                card=await card_view(directory, card),
                customer=recipient(await directory.user(card.customer_id), card.customer_id),
                expires_at=expires_at,
            )

    async def forget_old_lookup_failures(self) -> int:
        """Failed look-ups only matter inside their window; older ones only take space."""
        cutoff = self._clock.now() - LOOKUP_FAILURE_WINDOW
        async with self._db.write() as session:
            return await MaintenanceRepository(session).forget_lookup_failures_before(cutoff)

    async def ping(self) -> None:
        """Raises if the database cannot be reached (for /healthz)."""
        async with self._db.read() as session:
            await MaintenanceRepository(session).ping()

    async def check_writable(self) -> None:
        """Raises unless a write can commit (for /healthz): a database that still answers reads
        but refuses writes (a read-only file or replica, a full disk) serves no operation."""
        async with self._db.write() as session:
            await MaintenanceRepository(session).rewrite_schema_version()

    # --- audits -------------------------------------------------------------------------------

    async def invariant_breaches(self) -> list[InvariantBreach]:
        """Cards whose balances differ from the sum of their ledger deltas (should be none)."""
        async with self._db.read() as session:
            rows = await MaintenanceRepository(session).balances_off_ledger()
        return [InvariantBreach(*row) for row in rows]
