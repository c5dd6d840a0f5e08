"""Reading what the bot sent, as a person would: links in texts, QR codes in images."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Awaitable, Callable

import zxingcpp
from PIL import Image

from emulator.driver import BotApiEmulator
from emulator.models import SentMessage
from emulator.user import EmulatedUser

LINK = re.compile(r"https://t\.me/\w+\?start=[A-Za-z0-9_-]+")
CARD_NUMBER = re.compile(r"\d{4}-\d{4}-\d{4}")


def link_in(message: SentMessage, prefix: str) -> str:
    links = [link for link in LINK.findall(message.content) if f"start={prefix}" in link]
    assert links, f"no {prefix} link in {message.content!r}"
    return links[0]


def qr_content(message: SentMessage) -> str:
    assert message.photo_bytes is not None, "expected a photo"
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(message.photo_bytes)))
    assert len(results) == 1
    return str(results[0].text)


def card_number_in(message: SentMessage) -> str:
    found = CARD_NUMBER.search(message.content)
    assert found, message.content
    return found.group(0)


async def say(user: EmulatedUser, text: str, wait: float = 10.0) -> SentMessage:
    """Send a message and return the bot's next message to this user."""
    await user.send(text)
    return await user.next_message(timeout=wait)


async def eventually(check: Callable[[], Awaitable[bool]], wait: float = 5.0) -> None:
    """Poll an asynchronous condition until it holds (for effects with no message to wait for)."""
    deadline = asyncio.get_running_loop().time() + wait
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the condition did not hold in time")
        await asyncio.sleep(0.05)


async def join_staff(
    owner: EmulatedUser,
    cashier: EmulatedUser,
    invite_link: str,
    wait: float = 10.0,
) -> SentMessage:
    """The cashier opens the owner's invite link; returns the cashier's welcome once the
    owner's notice that they joined has arrived too, so that the owner's next `say` reads the
    reply to what the owner says, not that notice."""
    await cashier.open_link(invite_link)
    welcome = await cashier.next_message(timeout=wait)
    notice = await owner.next_message(timeout=wait)
    assert cashier.first_name in notice.content, notice.content
    return welcome


async def cafe_with_a_customer(
    tg: BotApiEmulator, owner_id: int = 100, customer_id: int = 101
) -> tuple[EmulatedUser, EmulatedUser, str]:
    """A café set up by its owner (no cooldown between stamps) and a customer who joined it:
    the owner, the customer and the customer's card number."""
    owner = tg.user(owner_id, "Owner", language_code="en")
    join = link_in(await say(owner, "/setup Café"), "join_")
    await say(owner, "/program set cooldown 0")
    customer = tg.user(customer_id, "Customer", language_code="en")
    await customer.open_link(join)
    await customer.next_message()
    return owner, customer, card_number_in(await customer.next_message())


async def offers_question(user: EmulatedUser, wait: float = 5.0) -> SentMessage:
    """The question after a customer's first visit at a shop, right after its notice: do they
    want the shop's offers (PRODUCT.md §8)? Left unanswered, it changes nothing."""
    question = await user.next_message(timeout=wait)
    codes = [(b.callback_data or "").split(":")[0] for row in question.buttons for b in row]
    assert codes == ["oq", "oq"], question.content
    return question
