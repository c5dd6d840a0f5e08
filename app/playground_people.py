"""The people of the playground: the owner, cashiers and customers typed as (`:as customer2`),
each an emulated Telegram user with their own chats and the buttons last shown to them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from domain.model import UserProfile
from emulator.driver import BotApiEmulator
from emulator.models import SentMessage
from emulator.user import EmulatedUser

PERSON = re.compile(r"(customer|staff|owner)([1-9]\d{0,2})?")
FIRST_NAMES = {"customer": "Clara", "staff": "Sam", "owner": "Olivia"}
ID_OFFSETS = {"customer": 1, "staff": 2, "owner": 3}  # customer N is user N*1000 + 1, ...

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


def new_person(tg: BotApiEmulator, key: str) -> Person:
    """The person `key` names, as a new emulated user: Clara, Sam and Olivia first, then
    "Customer 2", "Staff 3" ..., each with an id of their own."""
    role = key.rstrip("0123456789")
    number = int(key[len(role) :] or 1)
    name = FIRST_NAMES[role] if number == 1 else f"{role.capitalize()} {number}"
    user = tg.user(number * 1000 + ID_OFFSETS[role], name, language_code="en")
    return Person(key, user)


def holding(people: Iterable[Person], number: str) -> list[Person]:
    """The people shown a button with this number."""
    return [p for p in people if number.isdigit() and int(number) in p.buttons]


def numbers(buttons: Buttons) -> str:
    return " ".join(f"[{n}]" for n in buttons)


class Profiles(Mapping[str, UserProfile]):
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
