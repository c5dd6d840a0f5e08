"""`python -m bot playground`: try the whole bot in a terminal, with no token and no network.

The real application runs against the in-process Bot API emulator on a local SQLite file. You
type as one of three people (customer, staff, owner); replies are printed with their buttons
numbered, links numbered so another person can open them, and images saved to files.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.application import build_application
from bot.config import Settings
from bot.context import LoyaltyApplication
from bot.runner import running
from domain.clock import ManualClock
from domain.model import UserProfile
from emulator.driver import BotApiEmulator
from emulator.models import SentMessage
from emulator.user import EmulatedUser

TOKEN = "100000:PLAYGROUND-not-a-real-token"
USERNAME = "loyalty_playground_bot"
LINK = re.compile(r"https://t\.me/\w+\?start=[A-Za-z0-9_-]+")
DURATION = re.compile(r"\+?(\d+)([mhd])")

INTRO = """\
loyalty-bot playground — you are {who}. Type messages as in Telegram, e.g. /setup Café Demo
  :as customer | :as staff | :as owner    switch person (each has their own chat)
  :press N                                 press button [N] of the last message
  :open N                                  open link <N> (join, invite or card link)
  :wait 20m | :wait 3h | :wait 1d          move the bot's clock forward
  :help                                    this text      :quit   leave
Data is kept in {database}; images are saved under {files}/."""


@dataclass
class Person:
    role: str
    user: EmulatedUser
    shown: int = 0  # how many of the chat's events were printed


@dataclass
class Playground:
    database: str
    files: Path
    clock: ManualClock = field(default_factory=lambda: ManualClock(datetime.now(UTC)))
    links: list[str] = field(default_factory=list)
    buttons: list[tuple[Person, SentMessage, str]] = field(default_factory=list)
    saved: int = 0

    @property
    def database_file(self) -> str:
        return self.database.split(":///", 1)[-1]

    async def run(self) -> None:
        self.files.mkdir(exist_ok=True)
        async with BotApiEmulator(token=TOKEN, bot_username=USERNAME) as tg:
            people = {
                "customer": Person("customer", tg.user(1001, "Clara", language_code="en")),
                "staff": Person("staff", tg.user(1002, "Sam", language_code="en")),
                "owner": Person("owner", tg.user(1003, "Olivia", language_code="en")),
            }
            settings = Settings(token=TOKEN, database_url=self.database, api_base_url=tg.base_url)
            application = build_application(settings, clock=self.clock, job_interval_scale=1 / 60)
            async with running(application), _mini_app(application, people) as web:
                me = people["owner"]
                print(INTRO.format(who="the owner", database=self.database_file, files=self.files))
                print(f"The Mini App: {web}?as=owner (or ?as=staff, ?as=customer; &theme=dark)")
                while True:
                    line = await _read(f"[{me.role}] > ")
                    if line is None or line.strip() in (":quit", ":q", ":exit"):
                        break
                    before = sum(len(p.user.all_events) for p in people.values())
                    me, sent = await self._act(people, me, line.strip())
                    if sent:
                        await _settle(tg, people, before)
                    self._show(people)

    async def _act(self, people: dict[str, Person], me: Person, line: str) -> tuple[Person, bool]:
        """Carry out one line; also says whether something went to the bot."""
        if line.startswith(":as "):
            role = line[4:].strip().lower()
            if role not in people:
                print("Choose :as customer, :as staff or :as owner.")
                return me, False
            print(f"You are now the {role} ({people[role].user.first_name}).")
            return people[role], False
        if line.startswith((":press ", ":p ")):
            return me, await self._press(me, line.split(maxsplit=1)[1])
        if line.startswith(":open "):
            number = line.split(maxsplit=1)[1].strip("<> ")
            if not (number.isdigit() and 1 <= int(number) <= len(self.links)):
                print("No such link.")
                return me, False
            await me.user.open_link(self.links[int(number) - 1])
            return me, True
        if line.startswith(":wait "):
            self._wait(line[6:].strip())
        elif line == ":help":
            print(INTRO.format(who=f"the {me.role}", database=self.database_file, files=self.files))
        elif line.startswith(":"):
            print("Unknown command; :help lists them.")
        elif line:
            await me.user.send(line)
            return me, True
        return me, False

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
        if not number.isdigit() or not 1 <= int(number) <= len(self.buttons):
            print("No such button.")
            return False
        owner, message, data = self.buttons[int(number) - 1]
        if owner is not me:
            print(
                f"That button is in {owner.user.first_name}'s chat: switch with :as {owner.role}."
            )
            return False
        await me.user.press(message.message_id, callback_data=data)
        return True

    def _show(self, people: dict[str, Person]) -> None:
        self.buttons = []
        for person in people.values():
            events = person.user.all_events[person.shown :]
            person.shown += len(events)
            for event in events:
                if event.kind in ("message", "edit") and event.message is not None:
                    self._print_message(person, event.message, edited=event.kind == "edit")
                elif (
                    event.kind == "callback_answer"
                    and event.answer is not None
                    and event.answer.text
                ):
                    print(f"  ({person.user.first_name} sees a notice: {event.answer.text})")

    def _print_message(self, person: Person, message: SentMessage, *, edited: bool) -> None:
        head = f"── to {person.user.first_name} ({person.role})" + (" [edited]" if edited else "")
        print(head)
        for line in message.content.splitlines():
            print(f"  {line}")
        for link in LINK.findall(message.content):
            print(f"  🔗 <{self._number_link(link)}> {link}")
        files = [(message.photo_bytes, "card.png"), (message.document_bytes, message.document_name)]
        for data, name in files:
            if not data:
                continue
            self.saved += 1
            path = self.files / f"{self.saved:03d}-{Path(name or 'file').name}"
            path.write_bytes(data)
            print(f"  🖼  saved to {path}")
            scanned = _decode_qr(data) if path.suffix == ".png" else None
            if scanned:  # what a phone camera would read from the picture
                print(f"  🔗 <{self._number_link(scanned)}> the QR code: {scanned}")
        row_texts = []
        for row in message.buttons:
            for button in row:
                if button.callback_data:
                    self.buttons.append((person, message, button.callback_data))
                    row_texts.append(f"[{len(self.buttons)}] {button.text}")
        if row_texts:
            print("  " + "   ".join(row_texts))

    def _number_link(self, link: str) -> int:
        if link not in self.links:
            self.links.append(link)
        return self.links.index(link) + 1


def _mini_app(application: LoyaltyApplication, people: dict[str, Person]) -> Any:
    """The Mini App on localhost, signed in as whoever ?as= names (webapp/playground.py)."""
    from webapp.playground import serve_playground

    profiles = {
        role: UserProfile(p.user.id, p.user.first_name, None, p.user.record.language_code)
        for role, p in people.items()
    }
    return serve_playground(application, TOKEN, profiles)


async def _settle(tg: BotApiEmulator, people: dict[str, Person], before: int) -> None:
    """Wait for the bot's first answer to what was just sent, then for it to go quiet."""
    for _ in range(200):  # the first answer may take a moment (a QR code, a chart)
        if sum(len(p.user.all_events) for p in people.values()) > before:
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


async def _read(prompt: str) -> str | None:
    try:
        return await asyncio.get_running_loop().run_in_executor(None, input, prompt)
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
