"""/forget leaves nothing that links the person on: their Yes to a café's offers goes (joining
again asks again), as do open questions, offers listed for them, invitations and which cafés'
bots they started (PRODUCT.md's data protection, docs/operating.md)."""

from __future__ import annotations

from sqlalchemy import func, select

from domain.db.tables import OfferConsent, OfferRecipient, Referral
from emulator.models import SentMessage
from emulator.user import EmulatedUser
from infra.tables import BotUser, PendingStep
from tests.support.chat import card_number_in, join_staff, link_in, say
from tests.support.running_bot import Running


async def test_a_customer_who_forgot_is_asked_about_offers_again(bot: Running) -> None:
    owner = bot.tg.user(760, "Marie", language_code="en")
    cashier = bot.tg.user(761, "Paul", language_code="en")
    customer = bot.tg.user(762, "Jang", language_code="en")
    join = link_in(await say(owner, "/setup Café Lux"), "join_")
    await say(owner, "/program set cooldown 0")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))

    async def visit() -> None:
        await customer.open_link(join)
        card = await customer.wait_for(
            lambda e: e.message is not None and e.message.photo_bytes is not None
        )
        assert card.message is not None
        customer.skip_unread()
        await say(cashier, f"/stamp {card_number_in(card.message)}")

    await visit()
    question = await _question(customer)
    await customer.press(question, question.buttons[0][0].text)  # Yes
    await customer.next_edit(timeout=15)  # the answer is stored
    await bot.tg.wait_idle()

    customer.skip_unread()
    ask = await say(customer, "/forget")
    assert ask.content.startswith("Erase your personal data"), ask.content
    await customer.press(ask, ask.buttons[0][0].text)
    await customer.next_edit(timeout=15)  # "erased": the erasure is committed
    await bot.tg.wait_idle()
    async with bot.service.database.read() as session:
        for table in (OfferConsent, OfferRecipient, Referral):
            rows = await session.scalar(
                select(func.count()).select_from(table).where(table.customer_id == 762)
                if table is not Referral
                else select(func.count()).select_from(table)
            )
            assert rows == 0, table
        for table in (PendingStep, BotUser):
            column = PendingStep.chat_id if table is PendingStep else BotUser.user_id
            assert await session.scalar(select(func.count()).where(column == 762)) == 0

    await visit()  # joins again: a new card, a first visit, and the question once more
    assert (await _question(customer)).buttons


async def _question(customer: EmulatedUser) -> SentMessage:
    """The offers question ("oq" buttons), whatever came before it."""
    event = await customer.wait_for(
        lambda e: (
            e.message is not None
            and any(
                (b.callback_data or "").startswith("oq:") for row in e.message.buttons for b in row
            )
        )
    )
    assert event.message is not None
    return event.message
