"""A till's refund of a receipt (PRODUCT.md §12): what the receipt earned on its card, and the
bonuses that earning paid there as the card's first visit, taken back once by compensating
rows, the counter's reversal (reverse_entry) with a return's rule for what was spent since.

What was spent: a refund is a return, so it takes back what the card still holds of the
earning, as a void of points after a return is clamped at the balance (PRODUCT.md §2); the
rest stays with the customer (the reward is already eaten) and the answer says how much
(`stamps_kept`, `points_kept`). Refusing would not undo the till's refund, and taking more than
the card holds would break "balances never go negative". A referral bonus paid to the person who
brought the customer is on another card and stays: it was not earned by this receipt's card.
"""

from __future__ import annotations

from domain import errors
from domain.apikeys import ApiKeyActor, Scope
from domain.db.directory import DirectoryRepository
from domain.db.ledger import LedgerRepository
from domain.db.tables import Card, LedgerEntry
from domain.db.uow import IntegrityError
from domain.effects import NotifyCustomer, RefreshWallet
from domain.model import LedgerKind
from domain.refund import Refund
from domain.service.base import ServiceBase, operation_result, reverse_entry


class RefundService(ServiceBase):
    """Refunds by receipt, for API keys."""

    async def refund(
        self, key: ApiKeyActor, receipt: str, *, idempotency_key: str, request_hash: str
    ) -> Refund:
        """Take back what `receipt` earned, once; the same Idempotency-Key answers again."""
        key.require(Scope.EARN)  # a refund is the earning's other half
        try:
            return await self._refund(key, receipt, idempotency_key, request_hash)
        except IntegrityError as clash:
            # Two refunds of one receipt at once (their unique indexes are the backstop of the
            # checks made under the card's lock): the second is refused as if it came later.
            text = str(clash.orig)
            if "reverses_entry_id" in text:
                raise errors.ReceiptRefunded(receipt=receipt) from None
            if "idempotency_key" in text:
                raise errors.KeyUsedForAnotherRequest() from None
            raise

    async def _refund(
        self, key: ApiKeyActor, receipt: str, idempotency_key: str, request_hash: str
    ) -> Refund:
        now = self._clock.now()
        async with self._db.write() as session:
            ledger, directory = self._ledger(session), self._directory(session)
            earning = await ledger.earning_of_receipt(key.merchant_id, receipt)
            if earning is None:
                raise errors.ReceiptNotFound(receipt=receipt)
            if key.store_id is not None and earning.store_id != key.store_id:
                store = await directory.store(earning.store_id)
                raise errors.ReceiptOfOtherStore(receipt=receipt, store_name=store.name)
            card = await ledger.card_by_id(earning.card_id, lock=True)
            assert card is not None  # a ledger row always has its card
            # Under the card's lock: a retry sent while the first is running waits for it.
            prior = await ledger.entry_by_key(idempotency_key)
            if prior is not None and prior.request_hash != request_hash:
                raise errors.KeyUsedForAnotherRequest()
            if prior is not None:
                return await _refund_of(ledger, directory, receipt, card, earning, replayed=True)
            before = await ledger.reversal_of(earning.id)
            if before is not None and before.kind == LedgerKind.REFUND.value:
                raise errors.ReceiptRefunded(receipt=receipt)
            if before is not None:  # the cashier undid it, or the customer said "not me"
                raise errors.AlreadyReversed()
            rows = [
                await reverse_entry(
                    ledger,
                    earning,
                    kind=LedgerKind.REFUND,
                    staff_user_id=None,
                    now=now,
                    as_return=True,
                    idempotency_key=idempotency_key,
                    request_hash=request_hash,
                )
            ]
            for bonus in await _bonuses_paid_with(ledger, card, earning):
                rows.append(
                    await reverse_entry(
                        ledger,
                        bonus,
                        kind=LedgerKind.REFUND,
                        staff_user_id=None,
                        now=now,
                        as_return=True,
                    )
                )
            # Told as a cashier's undo is told: one notice, the card as it is after all rows.
            await self._effects.record(
                session,
                [
                    NotifyCustomer(
                        entry_id=rows[0].id,
                        customer_id=card.customer_id,
                        bonus_entries=tuple(row.id for row in rows[1:]),
                    ),
                    RefreshWallet(card_id=card.id, cause=str(rows[-1].id)),
                ],
            )
            return await _refund_of(ledger, directory, receipt, card, earning, replayed=False)


async def _bonuses_paid_with(
    ledger: LedgerRepository, card: Card, earning: LedgerEntry
) -> list[LedgerEntry]:
    """The welcome and referral bonuses the earning paid on its card, as the card's first visit."""
    if card.first_visit_at != earning.created_at:
        return []
    return await ledger.first_visit_bonuses(earning)


async def _refund_of(
    ledger: LedgerRepository,
    directory: DirectoryRepository,
    receipt: str,
    card: Card,
    earning: LedgerEntry,
    *,
    replayed: bool,
) -> Refund:
    """The refund of `earning` as written in the ledger (so a replay answers as the first)."""
    reversed_pairs = []
    for original in [earning, *await _bonuses_paid_with(ledger, card, earning)]:
        reversal = await ledger.reversal_of(original.id)
        if reversal is not None and reversal.kind == LedgerKind.REFUND.value:
            reversed_pairs.append((original, reversal))
    operations = tuple(
        [
            await operation_result(ledger, directory, reversal, replayed=replayed, card=card)
            for _, reversal in reversed_pairs
        ]
    )
    return Refund(
        receipt=receipt,
        reversals=operations,
        card=operations[-1].card,
        stamps_kept=sum(o.stamps_delta + r.stamps_delta for o, r in reversed_pairs),
        points_kept=sum(o.points_delta + r.points_delta for o, r in reversed_pairs),
        replayed=replayed,
    )
