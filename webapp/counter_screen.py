"""The cashier's counter in the Mini App: a scanned card's panel, stamps, points typed on the
keypad, rewards, undo, and the store of the day.

The same use cases as the chat's counter, so the same refusals and questions: a large purchase
is asked about before anything is credited, and a press waiting for the store of the day is
repeated by the page once a store is tapped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from babel.numbers import get_decimal_symbol
from starlette.responses import Response

from bot.texts import counter as counter_texts
from bot.texts import stores_of_day as stores_texts
from bot.texts import webapp as texts
from domain import errors
from domain.model import AMOUNT_RANGE, CardView
from domain.service import StoreChoice
from webapp import bodies
from webapp.requests import BadRequest, json_answer, plain_text, scanned_reference, tg_html
from webapp.rewards import POINTS, STAMPS, affordable_rewards, ladder_rows

if TYPE_CHECKING:
    from webapp.screen import Endpoint, Person, ScreenHost

STAMP_CHOICES = (1, 2, 3, 5)


class CounterScreen:
    """The counter tab: what a cashier does with a customer's card."""

    def __init__(self, app: ScreenHost) -> None:
        self._app = app

    def endpoints(self) -> dict[str, Endpoint]:
        return {
            "lookup": (self.lookup, bodies.LookupBody),
            "stamp": (self.stamp, bodies.StampBody),
            "redeem": (self.redeem, bodies.RedeemBody),
            "points": (self.points, bodies.PointsBody),
            "undo": (self.undo, bodies.UndoBody),
            "store_of_day": (self.store_of_day, bodies.Empty),
            "store": (self.store, bodies.StoreBody),
        }

    async def lookup(self, person: Person, body: bodies.LookupBody) -> Response:
        reference = scanned_reference(body.reference)
        card = await self._app.service.counter.lookup(person.user_id, reference)
        return json_answer({"ok": True, "html": self._panel(person, card)})

    def _panel(self, person: Person, card: CardView) -> str:
        t = person.t
        rewards = [
            (
                reward,
                texts.redeem_label(t, reward.label),
                counter_texts.redeem_question(t, card, None, reward.rung),
            )
            for reward in affordable_rewards(card, t.language)
        ]
        stamps = [(n, texts.stamps_label(t, n)) for n in STAMP_CHOICES[1:]]
        return self._app.render(
            "panel.html",
            person,
            card=card,
            text=counter_texts.staff_card_text(t, card, ladder_drawn=True),
            ladder=ladder_rows(t, card),
            greeting=texts.greeting(t, card.customer_first_name),
            rewards=rewards,
            stamps=stamps,
            decimal=get_decimal_symbol(t.locale),
        )

    async def _done(self, person: Person, message: str, card: CardView) -> Response:
        return json_answer(
            {"ok": True, "message": tg_html(message), "html": self._panel(person, card)}
        )

    async def stamp(self, person: Person, body: bodies.StampBody) -> Response:
        op = await self._app.service.counter.stamp(
            person.user_id,
            scanned_reference(body.reference),
            body.n,
            idempotency_key=_key(person, body),
        )
        return await self._done(person, counter_texts.operation_done(person.t, op), op.card)

    async def redeem(self, person: Person, body: bodies.RedeemBody) -> Response:
        reward, reference, key = (
            body.reward,
            scanned_reference(body.reference),
            _key(person, body),
        )
        counter = self._app.service.counter
        if reward.isdigit():
            op = await counter.redeem_reward(
                person.user_id, reference, int(reward), idempotency_key=key
            )
        elif reward == STAMPS:
            op = await counter.redeem_stamps(person.user_id, reference, idempotency_key=key)
        elif reward == POINTS:
            op = await counter.redeem_points(person.user_id, reference, idempotency_key=key)
        else:
            raise BadRequest
        return await self._done(person, counter_texts.operation_done(person.t, op), op.card)

    async def points(self, person: Person, body: bodies.PointsBody) -> Response:
        """Points for a purchase typed on the keypad in the cashier's locale ("12,50")."""
        amount = person.t.parse_amount(body.amount)
        if amount is None:
            low, high = AMOUNT_RANGE
            raise errors.InvalidAmount(minimum=low, maximum=high)
        reference, key = scanned_reference(body.reference), _key(person, body)
        try:
            op = await self._app.service.counter.earn_points(
                person.user_id, reference, amount, confirmed=body.confirmed, idempotency_key=key
            )
        except errors.LargePurchaseUnconfirmed as asked:
            # Nothing credited: the page asks, and on Yes sends the same press with confirmed.
            question = counter_texts.large_purchase_question(
                person.t, asked.amount, asked.card_number
            )
            return json_answer({"ok": False, "confirm": plain_text(question)})
        return await self._done(person, counter_texts.operation_done(person.t, op), op.card)

    async def undo(self, person: Person, _: bodies.UndoBody) -> Response:
        reversal = await self._app.service.counter.undo(person.user_id)
        card = reversal.operation.card
        return await self._done(person, counter_texts.undo_done(person.t, reversal), card)

    async def store_of_day(self, person: Person, _: bodies.Empty) -> Response:
        """The counter's line of the store of the day: empty unless the cashier is asked."""
        today = await self._app.service.stores_of_day.today(person.user_id)
        if not today.asks:
            return json_answer({"ok": True, "html": ""})
        text = stores_texts.stores_of_day_text(person.t, today)
        html = stores_chooser(self._app, person, today.stores, today.chosen_id, text)
        return json_answer({"ok": True, "html": html})

    async def store(self, person: Person, body: bodies.StoreBody) -> Response:
        """The store tapped: today's operations count there (the page repeats a waiting press)."""
        today = await self._app.service.stores_of_day.choose(person.user_id, body.store)
        text = stores_texts.stores_of_day_text(person.t, today)
        html = stores_chooser(self._app, person, today.stores, today.chosen_id, text)
        assert today.chosen is not None
        said = stores_texts.store_said(person.t, today.chosen.name, in_chat=False)
        return json_answer({"ok": True, "message": tg_html(said), "html": html})


def stores_chooser(
    app: ScreenHost,
    person: Person,
    stores: tuple[StoreChoice, ...],
    chosen: int | None,
    text: str,
) -> str:
    """The stores of the day to tap, under `text`: the counter's line, and the answer to a press
    that waits for a store (webapp/refusals.py)."""
    return app.render("stores.html", person, stores=stores, chosen=chosen, text=text)


def _key(person: Person, body: bodies.KeyedBody) -> str:
    """The operation's idempotency key: one per button press, made by the page; the user id in
    it keeps one person's keys from ever meeting another's."""
    return f"m{person.user_id}.{body.key}"
