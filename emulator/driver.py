"""The test-facing emulator: start it, hand its URL to the bot, and drive users.

Example::

    async with BotApiEmulator(token="123456:TEST-TOKEN", bot_username="loyalty_test_bot") as tg:
        app = ApplicationBuilder().token(tg.token).base_url(tg.base_url)
        ...
        alice = tg.user(1001, "Alice", language_code="lb")
        await alice.send("/start")
        reply = await alice.next_message()

Several bots: the bot given to the constructor is the *platform* bot (:attr:`platform`);
:meth:`BotApiEmulator.create_bot` hosts more (each with its own token, chats, update ids,
webhook and limits), and users create *managed* bots with a keyboard button or a
``https://t.me/newbot/...`` link::

    shop = tg.create_bot(username="shop_bot", managed_by=tg.platform)
    await alice.at(shop, started=True).send("hello")   # alice's chat with @shop_bot
    created = await alice.create_managed_bot(message, "Create my bot", username="my_bot")

Every method of :class:`BotApiEmulator` without a ``bot`` in its name acts on the platform bot,
as when the emulator hosted one bot; :class:`emulator.bots.EmulatedBot` has the same per bot.

Re-delivery works as on Telegram: in polling mode an update stays pending, and is returned
by every getUpdates, until the bot confirms it with a higher ``offset``; in webhook mode an
update is POSTed again until the bot answers 2xx. :meth:`BotApiEmulator.redeliver` goes
further and hands an already confirmed update to the bot once more (a lost confirmation).
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from emulator.bots import EmulatedBot
from emulator.faults import Faults
from emulator.hub import BotHub
from emulator.models import ChatEvent, JsonDict, SentMessage, UpdateTiming
from emulator.records import UserRecord
from emulator.server import ApiCall, EmulatorServer
from emulator.state import EmulatorState
from emulator.user import EmulatedUser
from emulator.webhook import WebhookDispatcher


class BotApiEmulator:
    """A local Telegram Bot API server for a platform bot and any number of other bots.

    ``token``, ``bot_username`` and ``bot_name`` are the platform bot's. ``rate_limit_per_chat``
    / ``rate_limit_overall`` (messages per second) switch on Telegram-like flood control,
    ``bot_wide_limit`` Telegram's limit for the whole bot (more than that many messages within
    any one second get 429), for the platform bot (others: :meth:`EmulatedBot.set_rate_limits`);
    ``callback_ttl`` is how long a callback query may wait for its answer;
    ``webhook_retry_delay`` is the pause before re-posting a failed update.
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
        self.hub = BotHub(callback_ttl=callback_ttl, webhook_retry_delay=webhook_retry_delay)
        self.platform = self.hub.add_bot(
            username=bot_username, name=bot_name, token=token, first_update_id=first_update_id
        )
        self.set_rate_limits(
            per_chat=rate_limit_per_chat, overall=rate_limit_overall, bot_wide=bot_wide_limit
        )
        routes: Callable[[web.Application], None] | None = None
        if control_api:
            from emulator.control import control_routes  # only the standalone server needs it

            routes = control_routes(self)
        self.server = EmulatorServer(
            self.hub, self.platform, host=host, port=port, extra_routes=routes
        )

    # The platform bot's parts, as when the emulator hosted one bot.
    @property
    def token(self) -> str:
        """The platform bot's token."""
        return self.platform.token

    @property
    def bot_username(self) -> str:
        return self.platform.username

    @property
    def state(self) -> EmulatorState:
        return self.platform.state

    @property
    def faults(self) -> Faults:
        return self.platform.faults

    @property
    def webhook(self) -> WebhookDispatcher:
        return self.platform.webhook

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
        """For ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)`` (every bot)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"

    # -- bots ------------------------------------------------------------------------------

    def create_bot(
        self,
        *,
        username: str,
        name: str | None = None,
        token: str | None = None,
        managed_by: EmulatedBot | None = None,
    ) -> EmulatedBot:
        """Host another bot (a fresh id and a ``<id>:<secret>`` token unless ``token`` is
        given); ``managed_by``: the bot that manages it (getManagedBotToken ...). Cheap: an
        idle bot runs no task. ValueError if the username or id is taken."""
        return self.hub.add_bot(username=username, name=name, token=token, managed_by=managed_by)

    def create_bots(
        self, count: int, *, prefix: str = "bench", managed_by: EmulatedBot | None = None
    ) -> list[EmulatedBot]:
        """Host ``count`` more bots at once, named ``<prefix><n>_bot`` with the next free
        numbers (for benchmarks: a thousand take a few tens of milliseconds)."""
        bots: list[EmulatedBot] = []
        number = len(self.hub)
        while len(bots) < count:
            username = f"{prefix}{number}_bot"
            number += 1
            if self.hub.bot_by_username(username) is None:
                bots.append(self.create_bot(username=username, managed_by=managed_by))
        return bots

    def bot(self, username_or_id: str | int) -> EmulatedBot:
        """A hosted bot by username (``@`` optional) or id; LookupError if there is none."""
        return self.hub.find(username_or_id)

    @property
    def bots(self) -> list[EmulatedBot]:
        """Every hosted bot, the platform bot first."""
        return list(self.hub)

    def replace_token(self, bot: EmulatedBot) -> str:
        """The bot's owner changes its token outside the platform: the old token gets 401,
        the manager (if any) gets a ``managed_bot`` update; returns the new token."""
        return self.hub.replace_token(bot)

    def revoke_token(self, bot: EmulatedBot) -> None:
        """Revoke the bot's token (401) without a new one until replaceManagedBotToken."""
        self.hub.revoke_token(bot)

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
        ``started=True`` pretends they already did, without an update. The profile is shared
        by every hosted bot; the returned user is in their chat with the platform bot (and
        ``started`` is about that bot only): ``user.at(other_bot)`` for another chat.
        """
        self.hub.set_profile(UserRecord(user_id, first_name, last_name, username, language_code))
        return self.platform.user(user_id, started=started)

    def get_user(self, user_id: int) -> EmulatedUser:
        """A user created earlier with :meth:`user`; LookupError if there is none."""
        self.hub.profile(user_id)
        return self.platform.user(user_id)

    def block(self, user: EmulatedUser | int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends to them get 403 (and the bot gets my_chat_member)."""
        self.platform.block(user, notify=notify)

    def unblock(self, user: EmulatedUser | int, *, notify: bool = True) -> None:
        """The user unblocks the bot."""
        self.platform.unblock(user, notify=notify)

    # -- what the bot did ------------------------------------------------------------------

    def events(self, chat_id: int | None = None) -> list[ChatEvent]:
        """Every event, or those of one chat, in order."""
        return self.platform.events(chat_id)

    def commands(
        self, scope: dict[str, Any] | str = "default", language_code: str = ""
    ) -> list[tuple[str, str]]:
        """(command, description) pairs setMyCommands registered for exactly this scope."""
        return self.platform.commands(scope, language_code)

    def menu_button(self, chat_id: int | None = None) -> JsonDict | None:
        """What setChatMenuButton set for a chat (or the default, for ``None``)."""
        return self.platform.menu_button(chat_id)

    def asks_for_reply(self, message: SentMessage) -> bool:
        """Whether the bot sent ``message`` with a ForceReply (the app opens a reply to it)."""
        return self.platform.asks_for_reply(message)

    def file(self, file_id: str) -> bytes:
        """The bytes of a file the bot uploaded."""
        return self.platform.file(file_id)

    def file_name(self, file_id: str) -> str | None:
        """The name the bot uploaded a file under (Telegram shows it for documents only)."""
        return self.platform.file_name(file_id)

    @property
    def calls(self) -> list[ApiCall]:
        """Every Bot API request made with the platform bot's token (method, status, times,
        error), in order."""
        return self.platform.calls

    @property
    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet."""
        return len(self.state.pending)

    async def wait_idle(self, timeout: float = 10.0, quiet: float = 0.1) -> None:  # noqa: ASYNC109
        """Wait until every update is confirmed and the bot made no call for ``quiet`` s.

        Polling bots confirm an update when they fetch the next batch, before handling it;
        ``quiet`` covers the handling. The platform bot only: see EmulatedBot.wait_idle.
        """
        await self.platform.wait_idle(timeout, quiet)

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
        self.platform.fail_next(
            method,
            status,
            description=description,
            retry_after=retry_after,
            times=times,
            chat_id=chat_id,
        )

    def set_delay(self, method: str, seconds: float) -> None:
        """Answer every call of ``method`` ``seconds`` late; 0 removes the delay."""
        self.platform.set_delay(method, seconds)

    def drop_connections(self, method: str, n: int = 1, *, after_processing: bool = False) -> None:
        """Close the next ``n`` connections of ``method`` without responding; with
        ``after_processing`` the call takes effect first and only the response is lost."""
        self.platform.drop_connections(method, n, after_processing=after_processing)

    def set_rate_limits(
        self,
        per_chat: float | None = None,
        overall: float | None = None,
        burst: int | None = None,
        bot_wide: int | None = None,
    ) -> None:
        """Flood control in messages per second (``None`` turns a limit off); ``bot_wide``:
        at most that many messages within any one second. The send counters start again."""
        self.platform.set_rate_limits(per_chat, overall, burst, bot_wide)

    def clear_faults(self) -> None:
        """Remove injected failures, drops and delays."""
        self.platform.clear_faults()

    # -- webhooks and delivery -------------------------------------------------------------

    def add_webhook_target(self, url: str, secret_token: str | None = None) -> None:
        """Also deliver updates to ``url`` (round-robin with the others), for scale-out tests."""
        self.platform.add_webhook_target(url, secret_token)

    def remove_webhook_targets(self) -> None:
        """Forget the targets added with :meth:`add_webhook_target`."""
        self.platform.remove_webhook_targets()

    def inject_raw_update(self, kind: str, body: Any) -> int:
        """Deliver ``{"update_id": …, kind: body}`` with ``body`` exactly as given, even one no
        real update looks like (a bot library cannot read it); returns its update_id."""
        return self.platform.inject_raw_update(kind, body)

    def redeliver(self, update_id: int) -> None:
        """Hand update ``update_id`` to the bot once more, even if it was confirmed."""
        self.platform.redeliver(update_id)

    def redeliver_unconfirmed(self) -> int:
        """Unconfirmed updates are re-delivered anyway (getUpdates returns them until
        confirmed; webhooks retry them); this only skips the webhook retry back-off.
        Returns how many updates are unconfirmed."""
        return self.platform.redeliver_unconfirmed()

    # -- timing ----------------------------------------------------------------------------

    def timings(self) -> list[UpdateTiming]:
        """Per update: when it became available, was confirmed, and first answered."""
        return self.platform.timings()

    def latencies(self) -> list[float]:
        """Seconds from each answered update to the bot's first reply in that chat."""
        return self.platform.latencies()

    def reset_timings(self) -> None:
        """Forget timings and call records (e.g. after a benchmark's warm-up)."""
        self.platform.reset_timings()

    def stats(self) -> JsonDict:
        """Counters and latency percentiles (seconds) of the platform bot, for benchmarks
        (see :meth:`EmulatedBot.stats`)."""
        return self.platform.stats()
