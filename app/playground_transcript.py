"""What the playground prints of the chats: each message to whom it went, its buttons and links
numbered so they can be pressed and opened, and its pictures and files saved under names
saying what they are (003-customer-card.png), with the QR code in a picture read back."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from app.playground_people import Buttons, Person
from emulator.bots import EmulatedBot
from emulator.models import ChatEvent, SentMessage
from emulator.user import EmulatedUser

LINK = re.compile(r"https://t\.me/\w+\?start=[A-Za-z0-9_-]+")
NEW_BOT_LINK = re.compile(r"https://t\.me/newbot/\w+/\w+(?:\?name=[^\s<),]+)?")

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

# A person's chats: with each bot of the emulator, the bot and the person as that bot sees them.
Chats = Callable[[Person], list[tuple[EmulatedBot, EmulatedUser]]]


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


def printable(event: ChatEvent) -> bool:
    """A message, an edit, or a callback answer with a notice to read."""
    if event.kind in ("message", "edit"):
        return event.message is not None
    return event.kind == "callback_answer" and event.answer is not None and bool(event.answer.text)


@dataclass
class Transcript:
    files: Path  # where pictures and files are saved
    platform: str  # the platform bot's username: only other bots' messages say whose they are
    links: list[str] = field(default_factory=list)  # by the number printed, from 1
    saved: int = 0  # the number of the last file saved

    def start(self) -> None:
        """Save files beside those of earlier sessions, numbered after them."""
        self.files.mkdir(exist_ok=True)
        self.saved = max((_file_number(path) for path in self.files.iterdir()), default=0)

    def show(self, people: Iterable[Person], chats: Chats) -> None:
        """Print what each person was sent since last shown; their buttons become those of the
        messages printed now (or stay as they were when nothing new has any)."""
        counter = itertools.count(1)  # numbers run across the people, afresh for each batch
        for person in people:
            kept: Buttons = dict(person.buttons)
            printed: Buttons = {}
            for bot, chat in chats(person):
                events = chat.all_events[person.shown.get(bot.id, 0) :]
                person.shown[bot.id] = person.shown.get(bot.id, 0) + len(events)
                for event in events:
                    if not printable(event):
                        continue
                    if event.message is not None:
                        message = event.message
                        for table in (kept, printed):  # a newer version replaces its buttons
                            _forget(table, chat, message.message_id)
                        printed |= self._print_message(
                            person, bot, chat, message, counter, edited=event.kind == "edit"
                        )
                    elif event.answer is not None:
                        print(f"  ({person.user.first_name} sees a notice: {event.answer.text})")
            person.buttons = printed or kept

    def _print_message(
        self,
        person: Person,
        bot: EmulatedBot,
        chat: EmulatedUser,
        message: SentMessage,
        counter: Iterator[int],
        *,
        edited: bool,
    ) -> Buttons:
        """Print a message; returns its buttons by the numbers printed beside them."""
        by = "" if bot.username == self.platform else f" from @{bot.username}"
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


def _file_number(path: Path) -> int:
    """The number a saved file's name starts with (0 for other files)."""
    head = path.name.split("-", 1)[0]
    return int(head) if head.isdigit() else 0


def _forget(buttons: Buttons, chat: EmulatedUser, message_id: int) -> None:
    stale = [
        n
        for n, (where, message, _, _) in buttons.items()
        if message.message_id == message_id and where.bot is chat.bot
    ]
    for number in stale:
        del buttons[number]


def _files(bot: EmulatedBot, message: SentMessage) -> list[tuple[bytes, str | None, bool]]:
    """The message's photo and document: bytes, the name the bot gave them, whether a photo."""
    files: list[tuple[bytes, str | None, bool]] = []
    photo = message.raw.get("photo")
    if message.photo_bytes and photo:
        files.append((message.photo_bytes, bot.file_name(photo[-1]["file_id"]), True))
    if message.document_bytes:
        files.append((message.document_bytes, message.document_name, False))
    return files


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
