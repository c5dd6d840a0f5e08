"""The outbox's dispatcher: delivers the effects use cases recorded (customers' notices,
owners' alerts, summaries, reminders, wallet refreshes), each once, at background priority (when
the message budget is tight, the counter's replies go first).

Every worker runs one. It claims a batch of due rows (one per recipient at a time, so each
person's messages keep their order), sends them concurrently at background priority, and marks
each done the moment Telegram accepted it. A 403 marks the person unreachable; other failures
are retried with back-off. A worker that dies holds its claimed rows only for the lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from telegram import InputFile
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot import keyboards, wallet
from bot.context import LoyaltyApplication
from bot.features.card import NOT_ME
from bot.features.mybot import cafe_link
from bot.features.offers import CONSENT, consent_keyboard, stop_keyboard, unsubscribe_keyboard
from bot.features.setup import poster_bytes
from bot.i18n import Translator, choose_language, translator
from bot.links import LinkKind, deep_link
from bot.look import look_of
from bot.ratelimit import SendPriority
from bot.serving import BotPaused, ServingBot
from bot.texts import corrections as correction_texts
from bot.texts import counter as counter_texts
from bot.texts import mybot as mybot_texts
from bot.texts import offers as offer_texts
from bot.texts import owner as owner_texts
from bot.texts.reports import chart_caption, daily_summary_text, expiry_reminder
from domain import errors
from domain.effects import (
    AlertOwner,
    AskForOffers,
    BringBack,
    ListOfferRecipients,
    MeetOwnBot,
    NotifyCustomer,
    OwnBotNews,
    RefreshBrandedPasses,
    RefreshWallet,
    RemindExpiry,
    ReportOffer,
    SendOffer,
    SendSummary,
    StaffCorrected,
    StaffJoinedNotice,
)
from domain.model import Activity, Recipient
from domain.offers import OfferOutcome
from domain.service import WINBACK, OfferCopy
from infra import OutboxItem
from infra.bots import current_bot

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5  # rows of other workers, retries and expired leases are found this often
BATCH = 20
WEEKLY_CHART_DAYS = 14
# How long the consent question's buttons work; /offers on|off works at any time.
CONSENT_QUESTION_TTL = timedelta(days=7)
# Offers' copies go out evenly at this share of the message budget: the rest stays free for the
# counter's replies and notices, and a broadcast never bursts past Telegram's limit.
OFFER_SHARE = 0.7


class Undeliverable(Exception):
    """The effect can never be delivered (its recipient erased their data, say)."""


class NoLongerWanted(Exception):
    """The recipient turned these messages off after the effect was queued."""


class ThroughPlatformNext(Exception):
    """The person blocked the café's bot: the next try goes through the platform bot."""


PAUSED_RETRY_SECONDS = 60.0  # a message for a paused café bot looks again this often


class Dispatcher:
    def __init__(self, application: LoyaltyApplication) -> None:
        self._application = application
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._renewer: asyncio.Task[None] | None = None
        self._holding: set[int] = set()  # claimed rows whose delivery is under way
        self._next_offer_at = 0.0  # the loop time the next offer's copy may leave

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run())
        self._renewer = asyncio.create_task(self._renew_forever())

    def wake(self) -> None:
        """Something was recorded: look now rather than at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        """Finish the batch in hand (so nothing sent stays unmarked), then stop."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer
            self._renewer = None

    async def _renew_forever(self) -> None:
        """Renew the claims in hand a few times per lease: a message waiting for the budget
        stays ours, while a worker that dies lets go of its messages within one lease."""
        data = self._application.bot_data
        assert data.infra is not None
        outbox = data.infra.outbox
        while True:
            await asyncio.sleep(outbox.lease.total_seconds() / 3)
            try:
                await outbox.renew(sorted(self._holding))
            except Exception:
                log.exception("could not renew the claims of effects being delivered")

    async def deliver_due(self) -> int:
        """Deliver one batch of due effects; how many were claimed."""
        data = self._application.bot_data
        assert data.infra is not None
        items = await data.infra.outbox.claim(BATCH)
        if items:
            copies = [item for item in items if isinstance(item.effect, SendOffer)]
            others = [item for item in items if not isinstance(item.effect, SendOffer)]
            await asyncio.gather(
                *(self._deliver(item) for item in others), self._deliver_offers(copies)
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

    async def _deliver(self, item: OutboxItem) -> None:
        data = self._application.bot_data
        assert data.infra is not None and data.service is not None
        outbox = data.infra.outbox
        self._holding.add(item.id)
        try:
            await self._send(item.effect)
        except NoLongerWanted:
            await outbox.done(item.id, "skipped")
        except BotPaused:
            await outbox.postpone(item, self._paused_retry)  # waits for the bot's new token
        except ThroughPlatformNext:
            await outbox.postpone(item, 0)
        except Forbidden:
            if item.effect.recipient_id is not None:
                await data.service.staff.mark_unreachable(item.effect.recipient_id)
            await outbox.done(item.id, "unreachable")
        except (Undeliverable, BadRequest) as refused:
            log.warning("an effect (%s) cannot be delivered: %s", item.effect.kind, refused)
            await outbox.done(item.id, "failed")
        except Exception as failure:
            # Telegram unreachable, a 5xx, a flood wait beyond the limiter's retries, or the
            # database: try again later, never lose it.
            if not await outbox.retry_later(item):
                log.error("gave up delivering an effect (%s): %s", item.effect.kind, failure)
            elif not isinstance(failure, TelegramError):
                log.exception("delivering an effect (%s) failed; will retry", item.effect.kind)
        else:
            await outbox.done(item.id)
        finally:
            self._holding.discard(item.id)

    async def _send(self, effect: object) -> None:
        if isinstance(effect, NotifyCustomer):
            await self._notify_customer(effect)
        elif isinstance(effect, AlertOwner):
            await self._alert_owner(effect)
        elif isinstance(effect, StaffCorrected):
            await self._staff_corrected(effect)
        elif isinstance(effect, StaffJoinedNotice):
            await self._staff_joined(effect)
        elif isinstance(effect, RefreshWallet):
            service = self._application.bot_data.service
            assert service is not None
            await wallet.card_changed(service, effect.card_id, self._bots.username_for)
        elif isinstance(effect, RefreshBrandedPasses):
            service = self._application.bot_data.service
            assert service is not None
            await wallet.brand_changed(service, effect.merchant_id)
        elif isinstance(effect, SendSummary):
            await self._send_summary(effect.merchant_id, effect.day)
        elif isinstance(effect, RemindExpiry):
            await self._remind_expiry(effect)
        elif isinstance(effect, AskForOffers):
            await self._ask_for_offers(effect)
        elif isinstance(effect, BringBack):
            await self._bring_back(effect)
        elif isinstance(effect, ListOfferRecipients):
            await self._list_offer_recipients(effect)
        elif isinstance(effect, ReportOffer):
            await self._report_offer(effect)
        elif isinstance(effect, MeetOwnBot):
            await self._meet_own_bot(effect)
        elif isinstance(effect, OwnBotNews):
            await self._own_bot_news(effect)
        else:
            raise Undeliverable(f"unknown effect {effect!r}")

    # --- rendering -------------------------------------------------------------------------

    def _language_of(self, recipient: Recipient, merchant_language: str | None) -> Translator:
        settings = self._application.bot_data.settings
        assert settings is not None
        return translator(
            choose_language(
                recipient.language,
                recipient.telegram_language,
                merchant_language,
                settings.default_language,
            )
        )

    @property
    def _paused_retry(self) -> float:
        settings = self._application.bot_data.settings
        return PAUSED_RETRY_SECONDS * (settings.job_interval_scale if settings else 1.0)

    @property
    def _bots(self) -> Any:
        bots = self._application.bot_data.bots
        assert bots is not None
        return bots

    async def _sender(self, merchant_id: int | None, user_id: int) -> ServingBot:
        """The café's own bot once the person started it, else the platform bot."""
        sender: ServingBot = await self._bots.sender_for(merchant_id, user_id)
        return sender

    async def _through(
        self,
        sender: ServingBot,
        user_id: int,
        send: Callable[[ServingBot], Awaitable[object]],
    ) -> None:
        """Send through `sender`; what a café bot's refusal means is decided here: blocked →
        the platform bot next time; token refused → the bot is paused and the message waits."""
        through = current_bot.set(sender.key)
        try:
            await send(sender)
        except Forbidden:
            if sender.is_platform:
                raise
            infra = self._application.bot_data.infra
            assert infra is not None
            await infra.bots.forget_started(sender.key, user_id)
            raise ThroughPlatformNext() from None
        except InvalidToken:
            if sender.is_platform:
                raise
            await self._bots.paused(sender)
            raise BotPaused(sender.username) from None
        finally:
            current_bot.reset(through)

    async def _message(
        self,
        merchant_id: int | None,
        user_id: int,
        text: str,
        markup: keyboards.InlineKeyboardMarkup | None = None,
        *,
        sender: ServingBot | None = None,
    ) -> None:
        """A background message to a person about a café, through the bot that speaks for it."""
        chosen = sender or await self._sender(merchant_id, user_id)
        await self._through(
            chosen,
            user_id,
            lambda bot: bot.send_message(
                user_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                rate_limit_args=SendPriority.BACKGROUND,  # the counter's replies go first
            ),
        )

    async def _notify_customer(self, effect: NotifyCustomer) -> None:
        service = self._application.bot_data.service
        assert service is not None
        # Sent even to someone marked unreachable: they may have unblocked the bot since, and
        # a refusal costs one call (it is recorded again and the row is done).
        op = await service.counter.operation_of(effect.entry_id, effect.bonus_entries)
        t = self._language_of(op.customer, op.card.merchant_language)
        disputable = op.kind.is_earning or op.kind.is_redemption
        markup = keyboards.not_me_keyboard(t, NOT_ME.data(op.entry_id)) if disputable else None
        await self._message(
            op.card.merchant_id, op.customer.user_id, counter_texts.customer_notice(t, op), markup
        )

    async def _alert_owner(self, effect: AlertOwner) -> None:
        service = self._application.bot_data.service
        assert service is not None
        dispute = await service.customers.dispute_of(effect.entry_id)
        owner = await service.staff.identity(dispute.owner_user_id)
        t = self._language_of(
            Recipient(owner.user_id, owner.language, owner.telegram_language, reachable=True),
            dispute.card.merchant_language,
        )
        await self._message(
            dispute.card.merchant_id, dispute.owner_user_id, counter_texts.owner_alert(t, dispute)
        )

    async def _staff_corrected(self, effect: StaffCorrected) -> None:
        service = self._application.bot_data.service
        assert service is not None
        op = await service.counter.operation_of(effect.entry_id)
        owner = await service.staff.identity(effect.owner_user_id)
        t = self._language_of(
            Recipient(owner.user_id, owner.language, owner.telegram_language, reachable=True),
            op.card.merchant_language,
        )
        text = correction_texts.staff_correction_alert(t, op, effect.staff_name)
        await self._message(op.card.merchant_id, effect.owner_user_id, text)

    async def _staff_joined(self, effect: StaffJoinedNotice) -> None:
        service = self._application.bot_data.service
        assert service is not None
        try:
            joined = await service.staff.staff_joined(effect.membership_id)
        except errors.StaffMemberNotFound:
            raise Undeliverable(f"membership {effect.membership_id} is gone") from None
        owner = await service.staff.identity(joined.owner_user_id)
        t = self._language_of(
            Recipient(owner.user_id, owner.language, owner.telegram_language, reachable=True),
            joined.merchant_language,
        )
        # The owner's own news: through the platform bot, where they run the café.
        await self._message(None, joined.owner_user_id, owner_texts.staff_joined(t, joined))

    async def _remind_expiry(self, effect: RemindExpiry) -> None:
        service = self._application.bot_data.service
        assert service is not None
        reminder = await service.maintenance.expiry_reminder_of(effect.card_id, effect.expires_at)
        t = self._language_of(reminder.customer, reminder.card.merchant_language)
        text = expiry_reminder(t, reminder.card, reminder.expires_at)
        await self._message(reminder.card.merchant_id, reminder.customer.user_id, text)

    async def _send_summary(self, merchant_id: int, day: date) -> None:
        service = self._application.bot_data.service
        assert service is not None
        daily = await service.summaries.daily_summary(merchant_id, day)
        if daily.silent:  # a quiet day, and the owner wants no word about it
            return
        summary = daily.summary
        owner = await service.staff.identity(summary.owner_user_id)
        t = self._language_of(
            Recipient(owner.user_id, owner.language, owner.telegram_language, reachable=True),
            summary.language,
        )
        sender = await self._sender(merchant_id, summary.owner_user_id)
        await self._message(
            merchant_id, summary.owner_user_id, daily_summary_text(t, daily), sender=sender
        )
        if daily.week is None:
            return
        # Mondays: the chart of the last two weeks, unless it would only draw zeros.
        first = day - timedelta(days=WEEKLY_CHART_DAYS - 1)
        series = await service.reports.daily_series(merchant_id, first, day)
        if all(point.activity == Activity() for point in series):
            return
        from bot.charts import activity_chart

        brand = await service.brand.of_merchant(merchant_id)
        chart = activity_chart(t, summary.merchant_name, summary.program_type, series, brand.fill)
        await self._through(
            sender,
            summary.owner_user_id,
            lambda bot: bot.send_photo(
                summary.owner_user_id,
                InputFile(chart, filename="activity.png"),
                caption=chart_caption(t, first, day),
                rate_limit_args=SendPriority.BACKGROUND,
            ),
        )

    # --- offers and the messages that bring customers back ----------------------------------

    async def _ask_for_offers(self, effect: AskForOffers) -> None:
        data = self._application.bot_data
        assert data.service is not None and data.infra is not None
        question = await data.service.consent.consent_question_of(
            effect.merchant_id, effect.customer_id
        )
        t = self._language_of(question.customer, question.merchant_language)
        sender = await self._sender(effect.merchant_id, effect.customer_id)
        # A step per question, in the chat with the bot that asks it: the answer applies to
        # this merchant, on whichever worker.
        through = current_bot.set(sender.key)
        try:
            step = await data.infra.steps.open(
                effect.customer_id,
                CONSENT,
                subject_id=effect.merchant_id,
                ttl=CONSENT_QUESTION_TTL,
            )
        finally:
            current_bot.reset(through)
        text = offer_texts.consent_question(t, question.merchant_name)
        markup = consent_keyboard(t, step.id)
        await self._message(effect.merchant_id, effect.customer_id, text, markup, sender=sender)

    async def _bring_back(self, effect: BringBack) -> None:
        service = self._application.bot_data.service
        assert service is not None
        message = await service.consent.bring_back_message_of(effect.card_id, effect.reason)
        if not message.wanted:
            raise NoLongerWanted()
        t = self._language_of(message.customer, message.card.merchant_language)
        if effect.reason == WINBACK:
            text = offer_texts.winback_text(t, message.card)
        else:
            text = offer_texts.almost_there_text(t, message.card)
        markup = stop_keyboard(t, message.card.merchant_id)
        await self._message(message.card.merchant_id, message.customer.user_id, text, markup)

    async def _list_offer_recipients(self, effect: ListOfferRecipients) -> None:
        """In batches, each its own transaction; a worker that dies resumes from the last."""
        service = self._application.bot_data.service
        assert service is not None
        while not await service.offers.list_recipients(effect.offer_id):
            self._wake.set()  # the listed copies may start while the next batch is listed
        self._wake.set()

    async def _deliver_offers(self, items: list[OutboxItem]) -> None:
        """A batch of offers' copies, each at most once: marked as tried together before they
        leave, their outcomes recorded together once Telegram answered every one."""
        if not items:
            return
        data = self._application.bot_data
        assert data.infra is not None and data.service is not None
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
            await self._send_offer(copy)
        except (BotPaused, ThroughPlatformNext):
            return None  # not sent: tried again later
        except Forbidden:
            service = self._application.bot_data.service
            assert service is not None
            await service.staff.mark_unreachable(copy.customer.user_id)
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
        settings = self._application.bot_data.settings
        rate = OFFER_SHARE * (settings.messages_per_second if settings is not None else 0.0)
        if rate <= 0:
            return
        loop = asyncio.get_running_loop()
        slot = max(loop.time(), self._next_offer_at)
        self._next_offer_at = slot + 1.0 / rate
        await asyncio.sleep(slot - loop.time())

    async def _send_offer(self, copy: OfferCopy) -> None:
        t = self._language_of(copy.customer, None)
        body = offer_texts.offer_message(copy.merchant_name, copy.text)
        markup = unsubscribe_keyboard(t, copy.merchant_id)
        user_id = copy.customer.user_id
        if copy.photo_file_id:
            photo = copy.photo_file_id
            await self._through(
                await self._sender(copy.merchant_id, user_id),
                user_id,
                lambda bot: bot.send_photo(
                    user_id,
                    photo,
                    caption=body,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    rate_limit_args=SendPriority.BACKGROUND,
                ),
            )
        else:
            await self._message(copy.merchant_id, user_id, body, markup)

    async def _report_offer(self, effect: ReportOffer) -> None:
        service = self._application.bot_data.service
        assert service is not None
        figures = await service.offers.figures(effect.offer_id)
        owner = await service.staff.identity(effect.owner_user_id)
        t = self._language_of(
            Recipient(owner.user_id, owner.language, owner.telegram_language, reachable=True),
            figures.merchant_language,
        )
        await self._message(None, effect.owner_user_id, offer_texts.report_text(t, figures))

    # --- the café's own bot ---------------------------------------------------------------

    async def _meet_own_bot(self, effect: MeetOwnBot) -> None:
        """Through the platform bot, which the person knows: the café's bot, one tap away."""
        service = self._application.bot_data.service
        assert service is not None
        record = self._bots.record_of(effect.merchant_id)
        if record is None or record.id != effect.bot_id or record.state.value == "off":
            raise NoLongerWanted()  # the café went back to the platform bot meanwhile
        greeting = await service.own_bot.greeting(effect.merchant_id, effect.user_id)
        t = self._language_of(greeting.person, greeting.merchant_language)
        text = mybot_texts.meet(t, greeting.merchant_name, record.username, staff=greeting.is_staff)
        link = cafe_link(record.username, None if greeting.is_staff else greeting.qr_token)
        markup = keyboards.link_keyboard(mybot_texts.open_button(t, record.username), link)
        await self._message(None, effect.user_id, text, markup, sender=self._bots.platform)

    async def _own_bot_news(self, effect: OwnBotNews) -> None:
        """The owner hears, through the platform bot, what became of the café's bot."""
        data = self._application.bot_data
        assert data.service is not None
        owner = await data.service.own_bot.owner_of(effect.merchant_id)
        t = self._language_of(owner.owner, owner.merchant_language)
        record = self._bots.record_of(effect.merchant_id)
        username = record.username if record is not None else str(effect.bot_id)
        platform = self._bots.platform
        if effect.state == "paused":
            await self._message(
                None, owner.owner.user_id, mybot_texts.paused(t, username), sender=platform
            )
            return
        if effect.state == "active":
            await self._message(
                None, owner.owner.user_id, mybot_texts.serving_again(t, username), sender=platform
            )
            return
        stores = await data.service.merchants.stores(owner.owner.user_id)
        settings = await data.service.merchants.program(owner.owner.user_id)
        ladder = await data.service.rewards.ladder(owner.owner.user_id)
        join = deep_link(username, LinkKind.JOIN, stores[0].code)
        text = mybot_texts.ready(t, username, owner.merchant_name, join)
        await self._message(None, owner.owner.user_id, text, sender=platform)
        look = await look_of(data.service.brand, owner.merchant_id)
        image = poster_bytes(
            stores[0], settings, ladder.rewards, username, [settings.language], look=look
        )
        await self._through(
            platform,
            owner.owner.user_id,
            lambda bot: bot.send_document(
                owner.owner.user_id,
                InputFile(image, filename=f"poster-{stores[0].code}.png"),
                rate_limit_args=SendPriority.BACKGROUND,
            ),
        )
