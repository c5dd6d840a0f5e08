"""`python -m bot playground`: try the whole bot in a terminal, with no token and no network.

The real application runs against the in-process Bot API emulator on a local SQLite file. You
type as the owner, a cashier or a customer, and as many more cashiers and customers as you like
(`:as customer2`), each with their own chat; replies are printed as they come, with their
buttons numbered (each person can press the buttons last shown to them), links numbered so
another person can open them, and images and files saved under names saying what they are.

The owner can give the café its own bot (/mybot, then press the button): the emulator creates
it, the platform serves it, and `:bot @name` switches every person to their chat with it
(`:bot` alone back to the platform bot). Messages of every bot are shown as they come.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from api import mount_for as mount_api
from app.application import build_application
from app.playground_database import PLAYGROUND_TOKEN_KEY, host_cafe_bots_again, last_update_id
from app.playground_people import Person, Profiles, holding, new_person, numbers, person_key
from app.playground_till import Till
from app.playground_transcript import Transcript, printable
from app.runner import running
from bot.config import Settings
from bot.context import LoyaltyApplication
from domain.clock import ManualClock
from domain.webhooks import WebhookPolicy
from emulator.bots import EmulatedBot
from emulator.driver import BotApiEmulator
from emulator.models import ChatEvent
from emulator.user import EmulatedUser

TOKEN = "100000:PLAYGROUND-not-a-real-token"
USERNAME = "loyalty_playground_bot"
DURATION = re.compile(r"\+?(\d+)([mhd])")

INTRO = """\
loyalty-bot playground — you are {who}. Type messages as in Telegram, e.g. /setup Café Demo
  :as customer | :as staff | :as owner    switch person (each has their own chat)
  :as customer2 | :as staff2 | ...         one more customer or cashier (added on first use)
  :who  (or :as alone)                     the people so far
  :press N                                 press button [N] of the last messages shown to you
  :open N                                  open link <N> (join, invite or card link)
  :wait 20m | :wait 3h | :wait 1d          move the bot's clock forward
  :bot @name | :bot                        talk to a café's own bot (after /mybot) | the platform's
  :till                                    an API key, a curl line that earns on a card, and the
                                           café's webhooks printed here as they come
  :help                                    this text      :quit   leave
Data is kept in {database}; images and files are saved under {files}/, named by what they are
(003-customer-card.png, 004-owner-poster.png, 005-owner-chart.png, 006-owner-export.csv)."""


@dataclass
class Playground:
    database: str
    files: Path
    clock: ManualClock = field(default_factory=lambda: ManualClock(datetime.now(UTC)))
    people: dict[str, Person] = field(default_factory=dict)
    talking_to: EmulatedBot | None = None  # None: the platform bot
    bots: list[EmulatedBot] = field(default_factory=list)  # every bot of the emulator
    till: Till = field(default_factory=Till)  # :till's key, curl line and webhook receiver
    application: LoyaltyApplication | None = None  # once it runs
    transcript: Transcript = field(init=False)  # what is printed of the chats, files saved

    def __post_init__(self) -> None:
        self.transcript = Transcript(self.files, platform=USERNAME)

    @property
    def database_file(self) -> str:
        return self.database.split(":///", 1)[-1]

    async def run(self) -> None:
        self.transcript.start()
        # A fresh emulator counts updates from 1, but the bot remembers which update ids it
        # handled in an earlier session on the same file and would ignore them as repeats.
        first = last_update_id(self.database_file) + 1
        async with BotApiEmulator(token=TOKEN, bot_username=USERNAME, first_update_id=first) as tg:
            host_cafe_bots_again(tg, self.database_file)
            for key in ("customer", "staff", "owner"):
                self._person(tg, key)
            settings = Settings(
                token=TOKEN,
                database_url=self.database,
                api_base_url=tg.base_url,
                bot_token_key=PLAYGROUND_TOKEN_KEY,
                job_interval_scale=1 / 60,
                webhook_policy=WebhookPolicy(allow_http=True),  # :till's local receiver
            )
            application = build_application(settings, clock=self.clock, job_interval_scale=1 / 60)
            beside = [mount_api(application), self.till.route()]
            async with running(application), _mini_app(application, self.people, beside) as web:
                self.till.base_url = web.removesuffix("/app/")
                self.application = application
                me = self.people["owner"]
                print(INTRO.format(who="the owner", database=self.database_file, files=self.files))
                print(f"The Mini App: {web}?as=owner (or ?as=staff, ?as=customer; &theme=dark)")
                while True:
                    where = f"@{self.talking_to.username}" if self.talking_to else ""
                    line = await self._read(tg, f"[{me.key}{' ' + where if where else ''}] > ")
                    if line is None or line.strip() in (":quit", ":q", ":exit"):
                        break
                    before = self._events()
                    me, sent = await self._act(tg, me, line.strip())
                    if sent:
                        await _settle(tg, self._events, before)
                    self._show(tg)

    async def _read(self, tg: BotApiEmulator, prompt: str) -> str | None:
        """The next line typed (None at the end of input); what the bot sends meanwhile (a
        chart that took a moment, a reminder, the daily summary) is shown as it comes."""
        print(prompt, end="", flush=True)
        typing = asyncio.get_running_loop().run_in_executor(None, _input_line)
        while not (await asyncio.wait({typing}, timeout=0.25))[0]:
            if self.till.news or any(printable(event) for _, _, event in self._unseen(tg)):
                print()
                self._show(tg)
                print(prompt, end="", flush=True)
        return typing.result()

    def _events(self) -> int:
        return sum(
            len(p.user.at(b).all_events) for p in self.people.values() for b in self._tg_bots
        )

    _tg_bots: list[EmulatedBot] = field(default_factory=list)

    def _chats(self, tg: BotApiEmulator, person: Person) -> list[tuple[EmulatedBot, EmulatedUser]]:
        self._tg_bots = tg.bots
        return [(bot, person.user.at(bot)) for bot in tg.bots]

    def _unseen(self, tg: BotApiEmulator) -> Iterator[tuple[Person, EmulatedBot, ChatEvent]]:
        for person in self.people.values():
            for bot, chat in self._chats(tg, person):
                for event in chat.all_events[person.shown.get(bot.id, 0) :]:
                    yield person, bot, event

    def _chat(self, me: Person) -> EmulatedUser:
        """The person's chat with the bot being talked to."""
        return me.user if self.talking_to is None else me.user.at(self.talking_to)

    def _person(self, tg: BotApiEmulator, key: str) -> Person:
        """The person :as names, with their own emulated user and chat from first use on."""
        if key not in self.people:
            self.people[key] = new_person(tg, key)
        return self.people[key]

    async def _act(self, tg: BotApiEmulator, me: Person, line: str) -> tuple[Person, bool]:
        """Carry out one line; also says whether something went to the bot."""
        if line in (":as", ":who"):
            self._who(me)
            return me, False
        if line.startswith(":as "):
            key = person_key(line[4:])
            if key is None:
                print("Choose :as customer, :as staff or :as owner (or customer2, staff3 ...).")
                return me, False
            new = key not in self.people
            person = self._person(tg, key)
            print(
                f"You are now {person.label}"
                + (", new here with a chat of their own." if new else ".")
            )
            return person, False
        if line.startswith((":press ", ":p ")):
            return me, await self._press(me, line.split(maxsplit=1)[1])
        if line.startswith(":open "):
            number = line.split(maxsplit=1)[1].strip("<> ")
            links = self.transcript.links
            if not (number.isdigit() and 1 <= int(number) <= len(links)):
                print("No such link.")
                return me, False
            await me.user.open_link(links[int(number) - 1])
            return me, True
        if line == ":bot" or line.startswith(":bot "):
            self._switch_bot(tg, line[4:].strip().lstrip("@"))
            return me, False
        if line == ":till":
            await self._set_up_till()
            return me, False
        if line.startswith(":wait "):
            self._wait(line[6:].strip())
        elif line == ":help":
            print(INTRO.format(who=me.label, database=self.database_file, files=self.files))
        elif line.startswith(":"):
            print("Unknown command; :help lists them.")
        elif line:
            await self._chat(me).send(line)
            return me, True
        return me, False

    async def _set_up_till(self) -> None:
        assert self.application is not None
        service = self.application.bot_data.runtime.service
        customers = [p.user.id for p in self.people.values() if p.role == "customer"]
        for line in await self.till.set_up(service, self.people["owner"].user.id, customers):
            print(line)

    def _switch_bot(self, tg: BotApiEmulator, name: str) -> None:
        if not name or name == USERNAME:
            self.talking_to = None
            print(f"Everyone now talks to the platform bot @{USERNAME}.")
            return
        try:
            self.talking_to = tg.bot(name)
        except (KeyError, LookupError, ValueError):
            cafes = [f"@{b.username}" for b in tg.bots if b.username != USERNAME]
            known = ", ".join(cafes) if cafes else "none yet: the owner sends /mybot"
            print(f"No bot @{name}. Café bots: {known}.")
            return
        print(f"Everyone now talks to @{self.talking_to.username} (:bot alone goes back).")

    def _who(self, me: Person) -> None:
        print("People so far (:as NAME switches; :as customer2, :as staff2 ... adds one):")
        for person in self.people.values():
            pressable = f", buttons {numbers(person.buttons)}" if person.buttons else ""
            you = "   ← you" if person is me else ""
            print(f"  {person.key:<12} {person.user.first_name}{pressable}{you}")

    def _wait(self, duration: str) -> None:
        match = DURATION.fullmatch(duration)
        if match is None:
            print("Say how long, e.g. :wait 20m, :wait 3h or :wait 1d.")
            return
        unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
        self.clock.advance(timedelta(**{unit: int(match.group(1))}))
        print(f"The bot's clock now says {self.clock.now():%Y-%m-%d %H:%M} UTC.")

    async def _press(self, me: Person, which: str) -> bool:
        number = which.strip("[] ")
        button = me.buttons.get(int(number)) if number.isdigit() else None
        if button is None:
            others = holding(self.people.values(), number)
            if others:
                where = " and ".join(f"{p.user.first_name}'s chat (:as {p.key})" for p in others)
                print(f"No button [{number}] in your chat; there is one in {where}.")
            elif me.buttons:
                print(f"No such button: yours are {numbers(me.buttons)}.")
            else:
                print("No such button: no message shown to you has buttons.")
            return False
        chat, message, data, label = button
        try:
            if data is None:  # a reply-keyboard button: its text, or a new café bot
                created = await chat.press_keyboard(message, label)
                if not isinstance(created, int):
                    print(f"Telegram created @{created.username}; the platform sets it up.")
            else:
                await chat.press(message.message_id, callback_data=data)
        except LookupError:  # the message was deleted or edited since
            del me.buttons[int(number)]
            print("That button is not there any more.")
            return False
        return True

    def _show(self, tg: BotApiEmulator) -> None:
        while self.till.news:
            print(self.till.news.pop(0))
        self.transcript.show(self.people.values(), lambda person: self._chats(tg, person))


def _mini_app(application: LoyaltyApplication, people: dict[str, Person], routes: list[Any]) -> Any:
    """The Mini App on localhost, signed in as whoever ?as= names (webapp/playground.py),
    with `routes` beside it."""
    from webapp.playground import serve_playground

    return serve_playground(application, TOKEN, Profiles(people), routes)


async def _settle(tg: BotApiEmulator, events: Callable[[], int], before: int) -> None:
    """Wait for the bot's first answer to what was just sent, then for it to go quiet."""
    for _ in range(200):  # the first answer may take a moment (a QR code, a chart)
        if events() > before:
            break
        await asyncio.sleep(0.05)
    await tg.wait_idle(timeout=15, quiet=0.4)


def _input_line() -> str | None:
    try:
        return input()
    except EOFError:
        return None


def run_playground(arguments: list[str]) -> int:
    """Entry point of `python -m bot playground [sqlite file]`."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    database_file = arguments[0] if arguments else os.environ.get("PLAYGROUND_DB", "playground.db")
    playground = Playground(
        database=f"sqlite+aiosqlite:///{database_file}", files=Path("playground-files")
    )
    try:
        asyncio.run(playground.run())
    except KeyboardInterrupt:
        print()
    print("Bye!")
    sys.stdout.flush()
    return 0
