"""The test-facing emulator: start it, hand its URL to the bot, and drive users.

Example::

    async with BotApiEmulator(token="123456:TEST-TOKEN", bot_username="loyalty_test_bot") as tg:
        app = ApplicationBuilder().token(tg.token).base_url(tg.base_url)
        ...
        alice = tg.user(1001, "Alice", language_code="lb")
        await alice.send("/start")
        reply = await alice.next_message()

Re-delivery works as on Telegram: in polling mode an update stays pending, and is returned
by every getUpdates, until the bot confirms it with a higher ``offset``; in webhook mode an
update is POSTed again until the bot answers 2xx. :meth:`BotApiEmulator.redeliver` goes
further and hands an already confirmed update to the bot once more (a lost confirmation).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from emulator.faults import Faults, RateLimiter, SendWindow
from emulator.limits import command_scope, scope_key
from emulator.models import ChatEvent, JsonDict, SentMessage, UpdateTiming
from emulator.server import ApiCall, EmulatorServer
from emulator.state import EmulatorState, UserRecord
from emulator.user import EmulatedUser
from emulator.webhook import WebhookDispatcher


class BotApiEmulator:
    """A local Telegram Bot API server for one bot, with a driver for tests.

    ``rate_limit_per_chat`` / ``rate_limit_overall`` (messages per second) switch on
    Telegram-like flood control, ``bot_wide_limit`` Telegram's limit for the whole bot (more
    than that many messages within any one second get 429); ``callback_ttl`` is how long a
    callback query may wait for its answer; ``webhook_retry_delay`` is the pause before
    re-posting a failed update.
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "loyalty_test_bot",
        *,
        bot_name: str = "Loyalty Test Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit_per_chat: float | None = None,
        rate_limit_overall: float | None = None,
        bot_wide_limit: int | None = None,
        callback_ttl: float = 15.0,
        webhook_retry_delay: float = 0.1,
        first_update_id: int = 1,
        control_api: bool = False,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("a bot token looks like '123456:ABC-secret'")
        self.token = token
        self.bot_username = bot_username
        bot = UserRecord(int(bot_id), bot_name, username=bot_username, is_bot=True)
        self.state = EmulatorState(bot, first_update_id=first_update_id, callback_ttl=callback_ttl)
        self.faults = Faults()
        self.set_rate_limits(
            per_chat=rate_limit_per_chat, overall=rate_limit_overall, bot_wide=bot_wide_limit
        )
        self.webhook = WebhookDispatcher(self.state, retry_delay=webhook_retry_delay)
        routes: Callable[[web.Application], None] | None = None
        if control_api:
            from emulator.control import control_routes  # only the standalone server needs it

            routes = control_routes(self)
        self.server = EmulatorServer(
            self.state, self.faults, self.webhook, token, host=host, port=port, extra_routes=routes
        )
        self._users: dict[int, EmulatedUser] = {}

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> Self:
        """Start serving; returns self."""
        await self.server.start()
        return self

    async def stop(self) -> None:
        """Stop serving (pending long polls return empty, webhook delivery stops)."""
        await self.server.stop()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self.server.url

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"

    # -- users -----------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        started: bool = False,
    ) -> EmulatedUser:
        """The user with this id (created, or updated with the given profile).

        The bot may only write to users who wrote to it first (else 403), as on Telegram;
        ``started=True`` pretends they already did, without an update.
        """
        record = UserRecord(user_id, first_name, last_name, username, language_code)
        self.state.add_user(record)
        record.started = record.started or started
        user = self._users.get(user_id)
        if user is None:
            user = self._users[user_id] = EmulatedUser(self, record)
        user.record = record
        return user

    def get_user(self, user_id: int) -> EmulatedUser:
        """A user created earlier with :meth:`user`; LookupError if there is none."""
        if user_id not in self._users:
            raise LookupError(f"no user {user_id}; create it with user(id, first_name)")
        return self._users[user_id]

    def block(self, user: EmulatedUser | int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends to them get 403 (and the bot gets my_chat_member)."""
        self._set_blocked(user, True, notify)

    def unblock(self, user: EmulatedUser | int, *, notify: bool = True) -> None:
        """The user unblocks the bot."""
        self._set_blocked(user, False, notify)

    def _set_blocked(self, user: EmulatedUser | int, blocked: bool, notify: bool) -> None:
        record = self.state.users[_id(user)]
        if notify:
            self.state.user_blocks(record, blocked)
        else:
            record.blocked = blocked

    # -- what the bot did ------------------------------------------------------------------

    def events(self, chat_id: int | None = None) -> list[ChatEvent]:
        """Every event, or those of one chat, in order."""
        if chat_id is None:
            return list(self.state.events)
        return list(self.state.events_by_chat.get(chat_id, []))

    def commands(
        self, scope: dict[str, Any] | str = "default", language_code: str = ""
    ) -> list[tuple[str, str]]:
        """(command, description) pairs setMyCommands registered for exactly this scope."""
        normalised = command_scope({"type": scope} if isinstance(scope, str) else scope)
        registered = self.state.commands.get((scope_key(normalised), language_code), [])
        return [(c["command"], c["description"]) for c in registered]

    def menu_button(self, chat_id: int | None = None) -> JsonDict | None:
        """What setChatMenuButton set for a chat (or the default, for ``None``)."""
        return self.state.menu_buttons.get(chat_id)

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

    @property
    def calls(self) -> list[ApiCall]:
        """Every Bot API request served, in order (method, status, times, error)."""
        return self.server.calls

    @property
    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet."""
        return len(self.state.pending)

    async def wait_idle(self, timeout: float = 10.0, quiet: float = 0.1) -> None:  # noqa: ASYNC109
        """Wait until every update is confirmed and the bot made no call for ``quiet`` s.

        Polling bots confirm an update when they fetch the next batch, before handling it;
        ``quiet`` covers the handling.
        """
        deadline = time.monotonic() + timeout
        while not self.state.is_idle(quiet):
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"not idle after {timeout}s: {self.pending_updates} pending updates, "
                    f"{self.state.requests_in_flight} requests in flight"
                )
            await asyncio.sleep(0.01)

    # -- faults ----------------------------------------------------------------------------

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
        chat = None if chat_id is None else _id(chat_id)
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

    def set_rate_limits(
        self,
        per_chat: float | None = None,
        overall: float | None = None,
        burst: int | None = None,
        bot_wide: int | None = None,
    ) -> None:
        """Flood control in messages per second (``None`` turns a limit off); ``bot_wide``:
        at most that many messages within any one second. The send counters start again."""
        self.faults.rate_limiter = RateLimiter(per_chat, overall, burst)
        self.faults.send_window = SendWindow(bot_wide)

    def clear_faults(self) -> None:
        """Remove injected failures, drops and delays."""
        self.faults.clear()

    # -- webhooks and delivery -------------------------------------------------------------

    def add_webhook_target(self, url: str, secret_token: str | None = None) -> None:
        """Also deliver updates to ``url`` (round-robin with the others), for scale-out tests."""
        self.state.webhook.extra_targets.append((url, secret_token))
        self.state.updates_changed.notify()

    def remove_webhook_targets(self) -> None:
        """Forget the targets added with :meth:`add_webhook_target`."""
        self.state.webhook.extra_targets.clear()
        self.state.updates_changed.notify()

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
        self.server.calls.clear()
        self.faults.send_window.reset_counts()

    def stats(self) -> JsonDict:
        """Counters and latency percentiles (seconds) for benchmarks."""
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
        return {
            "updates": len(self.state.timings),
            "pending": self.pending_updates,
            "events": len(self.state.events),
            "api_calls": len(self.server.calls),
            "api_errors": sum(1 for call in self.server.calls if call.status >= 400),
            "answers_429": sum(1 for call in self.server.calls if call.status == 429),
            "messages_sent": self.faults.send_window.accepted,
            "most_messages_in_one_second": self.faults.send_window.most_in_one_second,
            "bot_wide_refusals": self.faults.send_window.refused,
            "latency": summary,
        }


def _id(user: EmulatedUser | int) -> int:
    return user if isinstance(user, int) else user.id
