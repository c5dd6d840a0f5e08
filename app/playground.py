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
import itertools
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePath
from typing import Any

from api import mount_for as mount_api
from app.application import build_application
from app.playground_till import Till
from app.runner import running
from bot.config import Settings
from bot.context import LoyaltyApplication
from domain.clock import ManualClock
from domain.model import UserProfile
from domain.webhooks import WebhookPolicy
from emulator.bots import EmulatedBot
from emulator.driver import BotApiEmulator
from emulator.models import ChatEvent, SentMessage
from emulator.user import EmulatedUser
from infra.bots import TokenCipher

TOKEN = "100000:PLAYGROUND-not-a-real-token"
# Café bots' tokens are stored encrypted; the playground's tokens are the emulator's, not
# Telegram's, so a fixed key (not a secret) lets the next session read them back.
PLAYGROUND_TOKEN_KEY = "cGxheWdyb3VuZC1rZXktbm90LWEtc2VjcmV0LTMyYiE="
USERNAME = "loyalty_playground_bot"
LINK = re.compile(r"https://t\.me/\w+\?start=[A-Za-z0-9_-]+")
NEW_BOT_LINK = re.compile(r"https://t\.me/newbot/\w+/\w+(?:\?name=[^\s<),]+)?")
DURATION = re.compile(r"\+?(\d+)([mhd])")
PERSON = re.compile(r"(customer|staff|owner)([1-9]\d{0,2})?")
FIRST_NAMES = {"customer": "Clara", "staff": "Sam", "owner": "Olivia"}
ID_OFFSETS = {"customer": 1, "staff": 2, "owner": 3}  # customer N is user N*1000 + 1, ...

# What a file the bot sends is, from the name the bot uploads it under ("card.png",
# "activity.png", "poster-<code>.png", "ledger-30-days.csv" ...): Telegram shows that name
# with a document; for a photo the emulator keeps it. First match of the name's start wins.
FILE_KINDS = (
    ("loyalty-card", "wallet-pass"),
    ("card", "card"),
    ("activity", "chart"),
    ("chart", "chart"),
    ("poster", "poster"),
    ("ledger", "export"),
    ("my-loyalty-data", "data"),
)

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


# By the number printed: the chat (the person with one bot), the message, its callback data, or
# None for a reply-keyboard button (pressing it sends its text, or creates a café's bot).
Buttons = dict[int, tuple[EmulatedUser, SentMessage, str | None, str]]


@dataclass
class Person:
    key: str  # how :as names them: "customer", "customer2", "staff3", "owner"
    user: EmulatedUser  # with the platform bot; `.at(bot)` is their chat with another bot
    shown: dict[int, int] = field(default_factory=dict)  # per bot: events printed so far
    # The buttons of the last messages shown to this person, by the number printed beside them.
    buttons: Buttons = field(default_factory=dict)

    @property
    def role(self) -> str:
        return self.key.rstrip("0123456789")

    @property
    def label(self) -> str:
        return f"{self.user.first_name} ({self.key})"


def person_key(word: str) -> str | None:
    """The :as name as the playground knows it ("Customer1" is "customer"), or None."""
    match = PERSON.fullmatch(word.strip().lower())
    if match is None:
        return None
    role, number = match.group(1), match.group(2)
    return role if number in (None, "1") else f"{role}{number}"


def file_kind(name: str | None, *, photo: bool) -> tuple[str, str]:
    """What a file is (card, poster, chart, export ...) and the extension to save it with."""
    path = PurePath(name or "")
    stem = path.stem.lower()
    kind = next((kind for start, kind in FILE_KINDS if stem.startswith(start)), None)
    if kind is None:  # a file this table does not know yet: its own name says enough
        kind = re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or ("image" if photo else "file")
    suffix = path.suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ".png" if photo else ".bin"
    return kind, suffix


@dataclass
class Playground:
    database: str
    files: Path
    clock: ManualClock = field(default_factory=lambda: ManualClock(datetime.now(UTC)))
    links: list[str] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    saved: int = 0
    talking_to: EmulatedBot | None = None  # None: the platform bot
    bots: list[EmulatedBot] = field(default_factory=list)  # every bot of the emulator
    till: Till = field(default_factory=Till)  # :till's key, curl line and webhook receiver
    application: LoyaltyApplication | None = None  # once it runs

    @property
    def database_file(self) -> str:
        return self.database.split(":///", 1)[-1]

    async def run(self) -> None:
        self.files.mkdir(exist_ok=True)
        self.saved = max((_file_number(path) for path in self.files.iterdir()), default=0)
        # A fresh emulator counts updates from 1, but the bot remembers which update ids it
        # handled in an earlier session on the same file and would ignore them as repeats.
        first = _last_update_id(self.database_file) + 1
        async with BotApiEmulator(token=TOKEN, bot_username=USERNAME, first_update_id=first) as tg:
            _cafe_bots_again(tg, self.database_file)
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
            if self.till.news or any(_printable(event) for _, _, event in self._unseen(tg)):
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
            role = key.rstrip("0123456789")
            number = int(key[len(role) :] or 1)
            name = FIRST_NAMES[role] if number == 1 else f"{role.capitalize()} {number}"
            user = tg.user(number * 1000 + ID_OFFSETS[role], name, language_code="en")
            self.people[key] = Person(key, user)
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
            if not (number.isdigit() and 1 <= int(number) <= len(self.links)):
                print("No such link.")
                return me, False
            await me.user.open_link(self.links[int(number) - 1])
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
            pressable = f", buttons {_numbers(person.buttons)}" if person.buttons else ""
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
            others = _holding(self.people.values(), number)
            if others:
                where = " and ".join(f"{p.user.first_name}'s chat (:as {p.key})" for p in others)
                print(f"No button [{number}] in your chat; there is one in {where}.")
            elif me.buttons:
                print(f"No such button: yours are {_numbers(me.buttons)}.")
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
        counter = itertools.count(1)  # numbers run across the people, afresh for each batch
        for person in self.people.values():
            kept: Buttons = dict(person.buttons)
            printed: Buttons = {}
            for bot, chat in self._chats(tg, person):
                events = chat.all_events[person.shown.get(bot.id, 0) :]
                person.shown[bot.id] = person.shown.get(bot.id, 0) + len(events)
                for event in events:
                    if not _printable(event):
                        continue
                    if event.message is not None:
                        message = event.message
                        for table in (kept, printed):  # a newer version replaces its buttons
                            _forget(table, chat, message.message_id)
                        printed |= self._print_message(
                            tg, person, bot, chat, message, counter, edited=event.kind == "edit"
                        )
                    elif event.answer is not None:
                        print(f"  ({person.user.first_name} sees a notice: {event.answer.text})")
            person.buttons = printed or kept

    def _print_message(
        self,
        tg: BotApiEmulator,
        person: Person,
        bot: EmulatedBot,
        chat: EmulatedUser,
        message: SentMessage,
        counter: Iterator[int],
        *,
        edited: bool,
    ) -> Buttons:
        """Print a message; returns its buttons by the numbers printed beside them."""
        by = "" if bot.username == USERNAME else f" from @{bot.username}"
        head = f"── to {person.label}{by}" + (" [edited]" if edited else "")
        print(head)
        for line in message.content.splitlines():
            print(f"  {line}")
        for link in LINK.findall(message.content) + NEW_BOT_LINK.findall(message.content):
            print(f"  🔗 <{self._number_link(link)}> {link}")
        for data, name, photo in _files(bot, message):
            self.saved += 1
            kind, suffix = file_kind(name, photo=photo)
            path = self.files / f"{self.saved:03d}-{person.key}-{kind}{suffix}"
            path.write_bytes(data)
            print(f"  {'🖼 ' if suffix == '.png' else '📄'} {kind} saved to {path}")
            scanned = _decode_qr(data) if suffix == ".png" else None
            if scanned:  # what a phone camera would read from the picture
                print(f"  🔗 <{self._number_link(scanned)}> the QR code: {scanned}")
        buttons: Buttons = {}
        labels = []
        for row in message.buttons:
            for button in row:
                if button.callback_data:
                    number = next(counter)
                    buttons[number] = (chat, message, button.callback_data, button.text)
                    labels.append(f"[{number}] {button.text}")
                elif button.url:  # a link button (open a café's bot): a numbered link
                    labels.append(f"<{self._number_link(button.url)}> {button.text}")
        for reply_row in message.keyboard:
            for key in reply_row:
                number = next(counter)
                buttons[number] = (chat, message, None, key.text)
                labels.append(f"[{number}] {key.text}")
        if labels:
            print("  " + "   ".join(labels))
        return buttons

    def _number_link(self, link: str) -> int:
        if link not in self.links:
            self.links.append(link)
        return self.links.index(link) + 1


def _printable(event: ChatEvent) -> bool:
    """A message, an edit, or a callback answer with a notice to read."""
    if event.kind in ("message", "edit"):
        return event.message is not None
    return event.kind == "callback_answer" and event.answer is not None and bool(event.answer.text)


def _file_number(path: Path) -> int:
    """The number a saved file's name starts with (0 for other files)."""
    head = path.name.split("-", 1)[0]
    return int(head) if head.isdigit() else 0


def _last_update_id(database_file: str) -> int:
    """The newest update id the bot stored in this database (0 for a new one)."""
    if not Path(database_file).is_file():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)) as db:
            row = db.execute(
                "SELECT max(update_id) FROM inbound_updates WHERE bot_id = 0"
            ).fetchone()
    except sqlite3.Error:  # not a database of this bot (yet): nothing to skip
        return 0
    return int(row[0] or 0)


def _cafe_bots_again(tg: BotApiEmulator, database_file: str) -> None:
    """A new emulator knows no café bot: host again those of this database, with their tokens.
    Their update ids start again at 1, so the updates they handled before are forgotten."""
    if not Path(database_file).is_file():
        return
    cipher = TokenCipher(PLAYGROUND_TOKEN_KEY)
    try:
        with closing(sqlite3.connect(database_file)) as db:
            rows = db.execute("SELECT username, name, token FROM hosted_bots").fetchall()
            db.execute("DELETE FROM inbound_updates WHERE bot_id <> 0")
            db.commit()
    except sqlite3.Error:  # a database from before café bots: nothing to host
        return
    for username, name, stored in rows:
        tg.create_bot(
            username=username, name=name, token=cipher.decrypt(stored), managed_by=tg.platform
        )


def _holding(people: Iterable[Person], number: str) -> list[Person]:
    return [p for p in people if number.isdigit() and int(number) in p.buttons]


def _forget(buttons: Buttons, chat: EmulatedUser, message_id: int) -> None:
    stale = [
        n
        for n, (where, message, _, _) in buttons.items()
        if message.message_id == message_id and where.bot is chat.bot
    ]
    for number in stale:
        del buttons[number]


def _numbers(buttons: Buttons) -> str:
    return " ".join(f"[{n}]" for n in buttons)


def _files(bot: EmulatedBot, message: SentMessage) -> list[tuple[bytes, str | None, bool]]:
    """The message's photo and document: bytes, the name the bot gave them, whether a photo."""
    files: list[tuple[bytes, str | None, bool]] = []
    photo = message.raw.get("photo")
    if message.photo_bytes and photo:
        files.append((message.photo_bytes, bot.file_name(photo[-1]["file_id"]), True))
    if message.document_bytes:
        files.append((message.document_bytes, message.document_name, False))
    return files


class _Profiles(Mapping[str, UserProfile]):
    """The people played so far, as the Mini App signs them in (a live view: a person added
    with :as customer2 can open it too)."""

    def __init__(self, people: dict[str, Person]) -> None:
        self.people = people

    def __getitem__(self, key: str) -> UserProfile:
        user = self.people[key].user
        return UserProfile(user.id, user.first_name, None, user.record.language_code)

    def __iter__(self) -> Iterator[str]:
        return iter(self.people)

    def __len__(self) -> int:
        return len(self.people)


def _mini_app(application: LoyaltyApplication, people: dict[str, Person], routes: list[Any]) -> Any:
    """The Mini App on localhost, signed in as whoever ?as= names (webapp/playground.py),
    with `routes` beside it."""
    from webapp.playground import serve_playground

    return serve_playground(application, TOKEN, _Profiles(people), routes)


async def _settle(tg: BotApiEmulator, events: Callable[[], int], before: int) -> None:
    """Wait for the bot's first answer to what was just sent, then for it to go quiet."""
    for _ in range(200):  # the first answer may take a moment (a QR code, a chart)
        if events() > before:
            break
        await asyncio.sleep(0.05)
    await tg.wait_idle(timeout=15, quiet=0.4)


def _decode_qr(png: bytes) -> str | None:
    """Read a QR code back (zxing-cpp is a development dependency; without it, skip)."""
    try:
        import io

        import zxingcpp
        from PIL import Image
    except ImportError:
        return None
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return str(results[0].text) if results else None


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
