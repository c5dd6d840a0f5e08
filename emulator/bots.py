"""The bots one emulator hosts: the platform bot, bots created by tests, managed bots.

Every bot has its own world (:class:`emulator.state.EmulatorState`: chats, message ids,
update ids, pending updates, webhook), its own flood control and fault injection, and its own
record of the Bot API calls made with its token. Users are shared: one id and one profile,
but a separate private chat (and ``started``/``blocked`` flags) with each bot.

An idle bot costs a few small objects: no task, no connection. Its webhook delivery starts
when it gets a webhook, and all bots' deliveries share one HTTP client session.

Managed bots (Bot API 9.6): a user creates a bot that another bot (its *manager*) manages,
by a ``request_managed_bot`` keyboard button or a ``https://t.me/newbot/<manager>/<name>``
link. The manager then gets a ``message`` update with ``managed_bot_created`` and a
``managed_bot`` update, reads the new bot's token with getManagedBotToken and may replace it
with replaceManagedBotToken (the old token then gets 401 on every call).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from emulator.faults import Faults, RateLimiter, SendWindow
from emulator.limits import command_scope, scope_key
from emulator.methods import BotApiMethods
from emulator.models import ChatEvent, JsonDict, SentMessage, UpdateTiming
from emulator.records import UserRecord
from emulator.state import EmulatorState
from emulator.webhook import WebhookDispatcher

if TYPE_CHECKING:
    from emulator.hub import BotHub
    from emulator.server import ApiCall
    from emulator.user import EmulatedUser


class EmulatedBot:
    """One hosted bot: its identity, token, world, limits and what was done with its token.

    Test code gets these from :meth:`emulator.driver.BotApiEmulator.create_bot`,
    :attr:`~emulator.driver.BotApiEmulator.platform` or
    :meth:`~emulator.driver.BotApiEmulator.bot`.
    """

    def __init__(
        self,
        hub: BotHub,
        record: UserRecord,
        token: str,
        *,
        manager: EmulatedBot | None = None,
        owner_id: int | None = None,
        first_update_id: int = 1,
        callback_ttl: float = 15.0,
        webhook_retry_delay: float = 0.1,
    ) -> None:
        self.hub = hub
        self.state = EmulatorState(
            record, first_update_id=first_update_id, callback_ttl=callback_ttl
        )
        self.state.knows_user = hub.knows_user
        self.faults = Faults()
        self.methods = BotApiMethods(self.state, hub, self)
        self.webhook = WebhookDispatcher(self.state, retry_delay=webhook_retry_delay)
        self.calls: list[ApiCall] = []
        self.manager = manager
        self.owner_id = owner_id  # the user who created a managed bot
        self._token: str | None = token
        self._users: dict[int, EmulatedUser] = {}

    def __repr__(self) -> str:
        return f"EmulatedBot({self.id}, @{self.username})"

    # -- identity --------------------------------------------------------------------------

    @property
    def id(self) -> int:
        return self.state.bot.id

    @property
    def token(self) -> str:
        """The current token ('' after :meth:`BotHub.revoke_token`, until a new one)."""
        return self._token or ""

    @property
    def username(self) -> str:
        return self.state.bot.username or ""

    @property
    def name(self) -> str:
        """The name the bot was created with (setMyName texts are in :attr:`texts`)."""
        return self.state.bot.first_name

    @property
    def user_json(self) -> JsonDict:
        """The bot as a Bot API User object."""
        return self.state.bot.to_api()

    @property
    def texts(self) -> dict[tuple[str, str], str]:
        """(kind, language) -> text set by setMyName/setMyDescription/setMyShortDescription;
        kind is name, description or short_description; language '' is the default."""
        return dict(self.state.bot_texts)

    @property
    def profile_photo(self) -> bytes | None:
        """The JPEG set by setMyProfilePhoto (None: none, or removed)."""
        return self.state.profile_photo

    # -- users -----------------------------------------------------------------------------

    def user(self, user_id: int, *, started: bool = False) -> EmulatedUser:
        """The (already created) user ``user_id`` in their private chat with this bot."""
        from emulator.user import EmulatedUser  # user.py imports this module

        user = self._users.get(user_id)
        if user is None:
            profile = self.hub.profile(user_id)
            record = self.state.add_user(replace(profile, started=False, blocked=False))
            user = self._users[user_id] = EmulatedUser(self, record)
            self.hub.bound(user_id, self)
        if started:
            user.record.started = True
        return user

    def _update_profile(self, profile: UserRecord) -> None:
        user = self._users[profile.id]
        user.record = self.state.add_user(replace(profile))

    # -- what the bot did ------------------------------------------------------------------

    def events(self, chat_id: int | None = None) -> list[ChatEvent]:
        """Every event of this bot, or those of one chat, in order."""
        if chat_id is None:
            return list(self.state.events)
        return list(self.state.events_by_chat.get(chat_id, []))

    def commands(
        self, scope: dict[str, Any] | str | None = None, language_code: str = ""
    ) -> list[tuple[str, str]]:
        """(command, description) pairs setMyCommands registered for exactly this scope."""
        scope = scope or "default"
        normalised = command_scope({"type": scope} if isinstance(scope, str) else scope)
        registered = self.state.commands.get((scope_key(normalised), language_code), [])
        return [(c["command"], c["description"]) for c in registered]

    def menu_button(self, chat_id: int | None = None) -> JsonDict | None:
        """What setChatMenuButton set for a chat (or the default, for ``None``)."""
        return self.state.menu_buttons.get(chat_id)

    @property
    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet."""
        return len(self.state.pending)

    def webhook_info(self) -> JsonDict:
        """The webhook as getWebhookInfo reports it (url, pending count, last error ...)."""
        webhook = self.state.webhook
        info: JsonDict = {
            "url": webhook.url,
            "secret_token": webhook.secret_token,
            "pending_update_count": self.pending_updates,
            "max_connections": webhook.max_connections,
            "extra_targets": list(webhook.extra_targets),
            "deliveries": self.webhook.deliveries,
        }
        if webhook.last_error_date is not None:
            info["last_error_date"] = webhook.last_error_date
            info["last_error_message"] = webhook.last_error_message
        return info

    async def wait_idle(self, timeout: float = 10.0, quiet: float = 0.1) -> None:  # noqa: ASYNC109
        """Wait until every update is confirmed and the bot made no call for ``quiet`` s."""
        deadline = time.monotonic() + timeout
        while not self.state.is_idle(quiet):
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"@{self.username} not idle after {timeout}s: {self.pending_updates} pending "
                    f"updates, {self.state.requests_in_flight} requests in flight"
                )
            await asyncio.sleep(0.01)

    # -- faults and users' actions -------------------------------------------------------

    def block(self, user: EmulatedUser | int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends to them get 403 (and the bot gets my_chat_member)."""
        self._set_blocked(user, True, notify)

    def unblock(self, user: EmulatedUser | int, *, notify: bool = True) -> None:
        """The user unblocks the bot."""
        self._set_blocked(user, False, notify)

    def _set_blocked(self, user: EmulatedUser | int, blocked: bool, notify: bool) -> None:
        record = self.user(user_id(user)).record
        if notify:
            self.state.user_blocks(record, blocked)
        else:
            record.blocked = blocked

    def asks_for_reply(self, message: SentMessage) -> bool:
        """Whether the bot sent ``message`` with a ForceReply (the app opens a reply to it)."""
        return (message.chat_id, message.message_id) in self.state.force_replies

    def file(self, file_id: str) -> bytes:
        """The bytes of a file the bot uploaded."""
        return self.state.files[file_id].data

    def file_name(self, file_id: str) -> str | None:
        """The name the bot uploaded a file under (Telegram shows it for documents only)."""
        stored = self.state.files.get(file_id)
        return stored.file_name if stored else None

    def fail_next(
        self,
        method: str,
        status: int = 400,
        *,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: EmulatedUser | int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``status`` (429 gets
        ``retry_after``, default 1); only calls to ``chat_id`` when given. ``"*"``: any method.
        """
        chat = None if chat_id is None else user_id(chat_id)
        self.faults.fail_next(
            method,
            status,
            description=description,
            retry_after=retry_after,
            times=times,
            chat_id=chat,
        )

    def set_delay(self, method: str, seconds: float) -> None:
        """Answer every call of ``method`` ``seconds`` late; 0 removes the delay."""
        self.faults.set_delay(method, seconds)

    def drop_connections(self, method: str, n: int = 1, *, after_processing: bool = False) -> None:
        """Close the next ``n`` connections of ``method`` without responding; with
        ``after_processing`` the call takes effect first and only the response is lost."""
        self.faults.drop_connections(method, n, after_processing=after_processing)

    def clear_faults(self) -> None:
        """Remove injected failures, drops and delays."""
        self.faults.clear()

    def inject_raw_update(self, kind: str, body: Any) -> int:
        """Deliver ``{"update_id": …, kind: body}`` with ``body`` exactly as given, even one no
        real update looks like (a bot library cannot read it); returns its update_id."""
        return self.state.enqueue(kind, body, chat_id=None).update_id

    def redeliver(self, update_id: int) -> None:
        """Hand update ``update_id`` to the bot once more, even if it was confirmed."""
        self.state.redeliver(update_id)

    def redeliver_unconfirmed(self) -> int:
        """Unconfirmed updates are re-delivered anyway (getUpdates returns them until
        confirmed; webhooks retry them); this only skips the webhook retry back-off.
        Returns how many updates are unconfirmed."""
        self.webhook.retry_now()
        return self.pending_updates

    # -- limits and webhooks ---------------------------------------------------------------

    def set_rate_limits(
        self,
        per_chat: float | None = None,
        overall: float | None = None,
        burst: int | None = None,
        bot_wide: int | None = None,
    ) -> None:
        """This bot's flood control in messages per second (``None``: off); ``bot_wide``: at
        most that many messages within any one second. The send counters start again."""
        self.faults.rate_limiter = RateLimiter(per_chat, overall, burst)
        self.faults.send_window = SendWindow(bot_wide)

    def add_webhook_target(self, url: str, secret_token: str | None = None) -> None:
        """Also deliver this bot's updates to ``url`` (round-robin with the others)."""
        self.state.webhook.extra_targets.append((url, secret_token))
        self.state.webhook_changed()

    def remove_webhook_targets(self) -> None:
        """Forget the targets added with :meth:`add_webhook_target`."""
        self.state.webhook.extra_targets.clear()
        self.state.webhook_changed()

    # -- timing ----------------------------------------------------------------------------

    def timings(self) -> list[UpdateTiming]:
        """Per update: when it became available, was confirmed, and first answered."""
        return list(self.state.timings.values())

    def latencies(self) -> list[float]:
        """Seconds from each answered update to the bot's first reply in that chat."""
        return [t.latency for t in self.state.timings.values() if t.latency is not None]

    def reset_timings(self) -> None:
        """Forget timings and call records (e.g. after a benchmark's warm-up)."""
        self.state.timings.clear()
        self.calls.clear()
        self.faults.send_window.reset_counts()

    def stats(self) -> JsonDict:
        """Counters and latency percentiles (seconds) for benchmarks.

        ``max_messages_in_one_second`` (also as ``most_messages_in_one_second``) is the peak
        over a sliding second; ``too_many_requests`` (also ``answers_429``) counts 429 answers.
        """
        latencies = sorted(self.latencies())
        summary: JsonDict = {"count": len(latencies)}
        if latencies:
            cuts = (
                statistics.quantiles(latencies, n=100, method="inclusive")
                if len(latencies) > 1
                else latencies * 99
            )
            summary |= {
                "mean": statistics.fmean(latencies),
                "p50": cuts[49],
                "p95": cuts[94],
                "p99": cuts[98],
                "max": latencies[-1],
            }
        answers_429 = sum(1 for call in self.calls if call.status == 429)
        window = self.faults.send_window
        return {
            "bot_id": self.id,
            "username": self.username,
            "updates": len(self.state.timings),
            "pending": self.pending_updates,
            "events": len(self.state.events),
            "api_calls": len(self.calls),
            "api_errors": sum(1 for call in self.calls if call.status >= 400),
            "answers_429": answers_429,
            "too_many_requests": answers_429,
            "messages_sent": window.accepted,
            "most_messages_in_one_second": window.most_in_one_second,
            "max_messages_in_one_second": window.most_in_one_second,
            "bot_wide_refusals": window.refused,
            "latency": summary,
        }


def user_id(user: EmulatedUser | int) -> int:
    return user if isinstance(user, int) else user.id
