"""The outbox's dispatcher: delivers the effects use cases recorded (customers' notices,
owners' alerts, summaries, reminders, wallet refreshes), each once, at background priority (when
the message budget is tight, the counter's replies go first).

Every worker runs one. It claims a batch of due rows (one per recipient at a time, so each
person's messages keep their order), sends them concurrently at background priority, and marks
them done together: with the next claim, in its transaction, or within MARK_SECONDS if the
batch is still under way (a worker killed in that moment sends those again: at least once).
A 403 marks the person unreachable; other failures are retried with back-off. A worker that
dies holds its claimed rows only for the lease.

Rows recorded in this worker come without a claim: the outbox log leases them to this
dispatcher in their own transaction and hands them over when it commits (`accept`); they are
sent at once, with the same priority and budget as claimed rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection, Sequence
from typing import assert_never

from telegram.error import (
    BadRequest,
    Forbidden,
    TelegramError,
)

from bot import offer_messages, wallet
from bot.context import LoyaltyApplication
from bot.courier import Courier, NoLongerWanted, ThroughPlatformNext, Undeliverable
from bot.features import card, corrections, mybot, reports, staff, webhooks
from bot.offer_delivery import OfferCopies
from bot.serving import BotPaused
from domain.effects import (
    AlertOwner,
    AskForOffers,
    BringBack,
    Effect,
    ListOfferRecipients,
    MeetOwnBot,
    NotifyCustomer,
    OwnBotNews,
    RefreshBotProfile,
    RefreshBrandedPasses,
    RefreshWallet,
    RemindExpiry,
    ReportOffer,
    SendOffer,
    SendSummary,
    StaffCorrected,
    StaffJoinedNotice,
    WebhookDisabled,
)
from infra import OutboxItem

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5  # rows of other workers, retries and expired leases are found this often
BATCH = 20
MARK_SECONDS = 0.2  # delivered rows wait at most this long to be marked done
PAUSED_RETRY_SECONDS = 60.0  # a message for a paused café bot looks again this often


class Dispatcher:
    def __init__(self, application: LoyaltyApplication) -> None:
        self._application = application
        self._courier = Courier(application)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._renewer: asyncio.Task[None] | None = None
        self._holding: set[int] = set()  # claimed rows whose delivery is under way
        self._marks: dict[int, str] = {}  # delivered rows not yet marked done, and how
        self._marking: set[int] = set()  # delivered rows whose marks are being written
        self._handed: set[asyncio.Task[None]] = set()  # deliveries of rows handed over
        self._claim_after_handed = False  # a claim came back empty while handed rows were out
        self._marker: asyncio.Task[None] | None = None
        self._offers = OfferCopies(application, self._courier, self._holding, self._wake)

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run())
        self._renewer = asyncio.create_task(self._renew_forever())
        self._marker = asyncio.create_task(self._mark_forever())
        self._application.bot_data.runtime.infra.outbox.log.hand_to(self)

    def wake(self) -> None:
        """Something was recorded: look now rather than at the next poll."""
        self._wake.set()

    def delivered(self) -> Collection[int]:
        return self._marks.keys() | self._marking

    def accept(self, items: Sequence[OutboxItem]) -> None:
        """Rows leased to this worker as they were recorded, handed over after their commit.

        A recipient's rows among them are sent one after the other, in their order; if one is
        not done (to be retried, or put off) the rest are given back to the claim, which keeps
        them behind it. Once stopping, they are left leased: taken over like a dead worker's."""
        if self._stopping.is_set():
            return
        self._holding.update(item.id for item in items)  # renewed while they wait their turn
        queues: dict[object, list[OutboxItem]] = {}
        for item in items:
            recipient = item.effect.recipient_id
            queues.setdefault(item.id if recipient is None else ("to", recipient), []).append(item)
        for queue in queues.values():
            task = asyncio.create_task(self._deliver_handed(queue))
            self._handed.add(task)
            task.add_done_callback(self._handed_done)

    def _handed_done(self, task: asyncio.Task[None]) -> None:
        self._handed.discard(task)
        if self._claim_after_handed and not self._handed:
            # A row recorded while these were out may have waited for them: claim it now.
            self._claim_after_handed = False
            self._wake.set()

    async def _deliver_handed(self, queue: list[OutboxItem]) -> None:
        outbox = self._application.bot_data.runtime.infra.outbox
        for position, item in enumerate(queue):
            try:
                done = await self._deliver(item)
            except Exception:
                # The database failed us: the row stays leased and is claimed once it runs out.
                log.exception("delivering a recorded effect (%s) failed", item.effect.kind)
                done = False
            if done:
                continue
            for later in queue[position + 1 :]:
                try:
                    await outbox.postpone(later, 0)  # claimable now, behind the one not done
                except Exception:
                    log.exception("could not give back an effect (%s)", later.effect.kind)
                finally:
                    self._holding.discard(later.id)
            return

    async def stop(self) -> None:
        """Finish the batch in hand (so nothing sent stays unmarked), then stop."""
        self._application.bot_data.runtime.infra.outbox.log.hand_to(None)
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        while self._handed:
            await asyncio.wait(set(self._handed))
        for helper in (self._renewer, self._marker):
            if helper is not None:
                helper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await helper
        self._renewer = self._marker = None
        await self._write_marks()  # what the last batch delivered

    async def _renew_forever(self) -> None:
        """Renew the claims in hand a few times per lease: a message waiting for the budget
        stays ours, while a worker that dies lets go of its messages within one lease."""
        data = self._application.bot_data.runtime
        outbox = data.infra.outbox
        while True:
            await asyncio.sleep(outbox.lease.total_seconds() / 3)
            try:
                await outbox.renew(sorted(self._holding))
            except Exception:
                log.exception("could not renew the claims of effects being delivered")

    def _mark(self, item_id: int, outcome: str = "sent") -> None:
        """Delivered (or never deliverable): marked done with the next write of marks."""
        self._marks[item_id] = outcome

    def _take_marks(self) -> dict[int, str]:
        marks, self._marks = self._marks, {}
        return marks

    def _return_marks(self, marks: dict[int, str]) -> None:
        """A write of marks failed: they wait for the next one (newer outcomes win)."""
        self._marks = marks | self._marks

    async def _write_marks(self) -> None:
        marks = self._take_marks()
        if not marks:
            return
        data = self._application.bot_data.runtime
        self._marking.update(marks)
        try:
            await data.infra.outbox.done_many(marks)
        except BaseException:
            self._return_marks(marks)
            raise
        finally:
            self._marking.difference_update(marks)

    async def _mark_forever(self) -> None:
        """Marks of a batch still under way (one slow message holds the next claim back)."""
        while True:
            await asyncio.sleep(MARK_SECONDS)
            try:
                await self._write_marks()
            except Exception:
                log.exception("could not mark delivered effects done; will retry")

    async def deliver_due(self) -> int:
        """Deliver one batch of due effects; how many were claimed."""
        data = self._application.bot_data.runtime
        marks = self._take_marks()
        self._marking.update(marks)
        try:
            items = await data.infra.outbox.claim(BATCH, settle=marks)
        except BaseException:
            self._return_marks(marks)
            raise
        finally:
            self._marking.difference_update(marks)
        if not items and self._handed:
            self._claim_after_handed = True
        if items:
            copies = [item for item in items if isinstance(item.effect, SendOffer)]
            others = [item for item in items if not isinstance(item.effect, SendOffer)]
            await asyncio.gather(
                *(self._deliver(item) for item in others), self._offers.deliver(copies)
            )
        return len(items)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                if await self.deliver_due():
                    continue
            except Exception:
                log.exception("could not claim effects to deliver; will retry")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            self._wake.clear()

    async def _deliver(self, item: OutboxItem) -> bool:
        """Deliver one row; True if it is done (to be marked so), False if it will be tried
        again or was put off."""
        data = self._application.bot_data.runtime
        outbox = data.infra.outbox
        self._holding.add(item.id)
        try:
            await self._send(item.effect)
        except NoLongerWanted:
            self._mark(item.id, "skipped")
        except BotPaused:
            await outbox.postpone(item, self._paused_retry)  # waits for the bot's new token
            return False
        except ThroughPlatformNext:
            await outbox.postpone(item, 0)
            return False
        except Forbidden:
            if item.effect.recipient_id is not None:
                await data.service.staff.mark_unreachable(item.effect.recipient_id)
            self._mark(item.id, "unreachable")
        except (Undeliverable, BadRequest) as refused:
            log.warning("an effect (%s) cannot be delivered: %s", item.effect.kind, refused)
            self._mark(item.id, "failed")
        except Exception as failure:
            # Telegram unreachable, a 5xx, a flood wait beyond the limiter's retries, a wallet
            # unreachable, or the database: try again later, never lose it.
            retried = await outbox.retry_later(item)
            if not retried:
                log.error("gave up delivering an effect (%s): %s", item.effect.kind, failure)
            elif isinstance(failure, wallet.WalletsUnavailable):
                log.warning("a wallet is unreachable, will retry: %s", failure)
            elif not isinstance(failure, TelegramError):
                log.exception("delivering an effect (%s) failed; will retry", item.effect.kind)
            return not retried
        else:
            self._mark(item.id)
        finally:
            self._holding.discard(item.id)
        return True

    async def _send(self, effect: Effect) -> None:
        """Each effect is rendered by the feature that owns its words."""
        courier = self._courier
        match effect:
            case NotifyCustomer():
                await card.tell_customer(courier, effect)
            case AlertOwner():
                await card.alert_owner(courier, effect)
            case RemindExpiry():
                await card.remind_expiry(courier, effect)
            case StaffCorrected():
                await corrections.tell_owner(courier, effect)
            case StaffJoinedNotice():
                await staff.tell_owner_staff_joined(courier, effect)
            case RefreshWallet():
                await wallet.card_changed(
                    courier.service, effect.card_id, courier.bots.username_for
                )
            case RefreshBrandedPasses():
                await wallet.brand_changed(courier.service, effect.merchant_id)
            case SendSummary():
                await reports.send_summary(courier, effect)
            case AskForOffers():
                await offer_messages.ask_for_offers(courier, effect)
            case BringBack():
                await offer_messages.bring_back(courier, effect)
            case ListOfferRecipients():
                await self._offers.list_recipients(effect)
            case SendOffer():  # copies are sent in batches by OfferCopies.deliver
                raise Undeliverable("an offer's copy outside a batch")
            case ReportOffer():
                await offer_messages.report_offer(courier, effect)
            case MeetOwnBot():
                await mybot.meet_own_bot(courier, effect)
            case OwnBotNews():
                await mybot.own_bot_news(courier, effect)
            case RefreshBotProfile():
                await mybot.refresh_profile(courier, effect)
            case WebhookDisabled():
                await webhooks.tell_owner_disabled(courier, effect)
            case _:
                assert_never(effect)

    @property
    def _paused_retry(self) -> float:
        settings = self._application.bot_data.runtime.settings
        return PAUSED_RETRY_SECONDS * (settings.job_interval_scale if settings else 1.0)
