"""Offers' copies: listed in batches, sent in batches at their share of the message budget,
each at most once (marked as tried before it leaves, its outcome recorded once Telegram
answered). The outbox's dispatcher (bot/delivery.py) claims them and hands each batch here."""

from __future__ import annotations

import asyncio
import logging

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot import offer_messages
from bot.context import LoyaltyApplication
from bot.courier import Courier, ThroughPlatformNext
from bot.serving import BotPaused
from domain.effects import ListOfferRecipients, SendOffer
from domain.offers import OfferOutcome
from domain.service import OfferCopy
from infra import OutboxItem

log = logging.getLogger(__name__)

# Offers' copies go out evenly at this share of the message budget: the rest stays free for the
# counter's replies and notices, and a broadcast never bursts past Telegram's limit.
OFFER_SHARE = 0.7


class OfferCopies:
    """The dispatcher's offers: `holding` is its set of rows under way (their claims are
    renewed), `wake` makes it look for due rows now."""

    def __init__(
        self,
        application: LoyaltyApplication,
        courier: Courier,
        holding: set[int],
        wake: asyncio.Event,
    ) -> None:
        self._application = application
        self._courier = courier
        self._holding = holding
        self._wake = wake
        self._next_offer_at = 0.0  # the loop time the next copy may leave

    async def list_recipients(self, effect: ListOfferRecipients) -> None:
        """In batches, each its own transaction; a worker that dies resumes from the last."""
        service = self._application.bot_data.runtime.service
        assert service is not None
        while not await service.offers.list_recipients(effect.offer_id):
            self._wake.set()  # the listed copies may start while the next batch is listed
        self._wake.set()

    async def deliver(self, items: list[OutboxItem]) -> None:
        """A batch of offers' copies, each at most once: marked as tried together before they
        leave, their outcomes recorded together once Telegram answered every one."""
        if not items:
            return
        data = self._application.bot_data.runtime
        outbox, offers = data.infra.outbox, data.service.offers
        pairs: dict[int, tuple[int, int]] = {}
        for item in items:
            assert isinstance(item.effect, SendOffer)
            pairs[item.id] = (item.effect.offer_id, item.effect.customer_id)
        self._holding.update(pairs)
        try:
            copies = await offers.copies_of(list(pairs.values()))
            outcomes: dict[tuple[int, int], OfferOutcome] = {}
            marks: dict[int, str] = {}
            wanted = []
            for item in items:
                pair = pairs[item.id]
                copy = copies.get(pair)
                if copy is None or not copy.wanted:  # unsubscribed since it was listed
                    outcomes[pair] = OfferOutcome.SKIPPED
                    marks[item.id] = OfferOutcome.SKIPPED.value
                else:
                    wanted.append(item)
            started = await offers.begin_copies([pairs[item.id] for item in wanted])
            sending = []
            for item in wanted:
                if pairs[item.id] in started:
                    sending.append(item)
                else:  # tried by a worker that died with it: never sent twice
                    outcomes[pairs[item.id]] = OfferOutcome.UNSURE
                    marks[item.id] = OfferOutcome.UNSURE.value
            answers = await asyncio.gather(
                *(self._send_copy(copies[pairs[item.id]]) for item in sending)
            )
            again = []
            for item, answer in zip(sending, answers, strict=True):
                if answer is None:
                    again.append(item)
                else:
                    outcomes[pairs[item.id]] = answer
                    marks[item.id] = answer.value
            await offers.end_copies(outcomes)
            await outbox.done_many(marks)
            for item in again:
                await offers.retry_copy(*pairs[item.id])
                if not await outbox.retry_later(item):
                    await offers.end_copy(*pairs[item.id], OfferOutcome.FAILED)
        finally:
            self._holding.difference_update(pairs)

    async def _send_copy(self, copy: OfferCopy) -> OfferOutcome | None:
        """Send one copy in its turn; its outcome, or None if it surely did not leave (to be
        tried again)."""
        await self._offer_turn()
        try:
            await offer_messages.send_copy(self._courier, copy)
        except (BotPaused, ThroughPlatformNext):
            return None  # not sent: tried again later
        except Forbidden:
            service = self._application.bot_data.runtime.service
            await service.offers.copy_blocked(copy.offer_id, copy.customer.user_id)
            return OfferOutcome.BLOCKED
        except BadRequest as refused:
            log.warning("an offer cannot be delivered: %s", refused)
            return OfferOutcome.FAILED
        except TimedOut:
            return OfferOutcome.UNSURE  # it may have arrived: not tried again
        except (NetworkError, RetryAfter):
            return None  # refused before it was sent (no connection, a 5xx, a flood wait)
        except Exception:
            log.exception("sending an offer failed; it is not tried again")
            return OfferOutcome.UNSURE
        return OfferOutcome.DELIVERED

    async def _offer_turn(self) -> None:
        """Wait for this copy's slot: copies leave one at a time, evenly spaced."""
        settings = self._application.bot_data.runtime.settings
        rate = OFFER_SHARE * (settings.messages_per_second if settings is not None else 0.0)
        if rate <= 0:
            return
        loop = asyncio.get_running_loop()
        slot = max(loop.time(), self._next_offer_at)
        self._next_offer_at = slot + 1.0 / rate
        await asyncio.sleep(slot - loop.time())
