"""The owner's reward ladder and offers composer in the Mini App.

Their endpoints sit beside the server's own: the same authentication (the server's endpoint
wrapper checks the initData and maps refusals), the same use cases as /rewards and /offer, and
the same words as the chat for what was done or refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from bot.i18n import LANGUAGE_NAMES, LANGUAGES
from bot.texts import offers as offer_texts
from bot.texts import rewards as reward_texts
from bot.texts import webapp as texts
from domain.model import RewardUnit, units_of
from domain.offers import OFFER_TEXT_MAX_LENGTH, AudienceKind
from domain.service import LadderChange
from domain.setting_input import whole_number
from webapp import bodies
from webapp.requests import BadRequest, json_answer, plain_text, tg_html

if TYPE_CHECKING:
    from webapp.screen import Endpoint, Person, ScreenHost

COST_DIGITS = 7


class OwnerExtras:
    """The rewards and offers screens of the owner's tab."""

    def __init__(self, app: ScreenHost) -> None:
        self._app = app

    def endpoints(self) -> dict[str, Endpoint]:
        return {
            "rewards": (self.rewards, bodies.Empty),
            "reward_add": (self.reward_add, bodies.RewardAddBody),
            "reward_rename": (self.reward_rename, bodies.RewardRenameBody),
            "reward_cost": (self.reward_cost, bodies.RewardCostBody),
            "reward_name_in": (self.reward_name_in, bodies.RewardNameInBody),
            "reward_remove": (self.reward_remove, bodies.RewardBody),
            "offers": (self.offers, bodies.Empty),
            "offer_preview": (self.offer_preview, bodies.OfferPreviewBody),
            "offer_send": (self.offer_send, bodies.OfferSendBody),
        }

    # --- the reward ladder --------------------------------------------------------------------

    async def _ladder_html(self, person: Person) -> str:
        t = person.t
        ladder = await self._app.service.rewards.ladder(person.user_id)
        units = units_of(ladder.program_type)
        rows = [
            (
                reward,
                reward_texts.cost_text(t, reward.unit, reward.cost),
                plain_text(reward_texts.remove_question(t, reward)),
            )
            for reward in ladder.rewards
        ]
        labels = texts.labels(t)
        unit_choices = [(unit.value, labels["unit_" + unit.value]) for unit in units]
        return self._app.render(
            "rewards.html",
            person,
            rewards=rows,
            units=unit_choices if len(units) > 1 else [],
            languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        )

    async def _changed(self, person: Person, message: str) -> Response:
        html = await self._ladder_html(person)
        return json_answer({"ok": True, "message": tg_html(message), "html": html})

    async def rewards(self, person: Person, _: bodies.Empty) -> Response:
        return json_answer({"ok": True, "html": await self._ladder_html(person)})

    async def reward_add(self, person: Person, body: bodies.RewardAddBody) -> Response:
        cost = _cost(person, body.cost)
        if isinstance(cost, Response):
            return cost
        unit = RewardUnit(body.unit) if body.unit else None
        change: LadderChange = await self._app.service.rewards.add(
            person.user_id, cost, body.name, unit
        )
        return await self._changed(person, reward_texts.added(person.t, change.reward))

    async def reward_rename(self, person: Person, body: bodies.RewardRenameBody) -> Response:
        change = await self._app.service.rewards.rename(person.user_id, body.reward, body.name)
        return await self._changed(person, reward_texts.renamed(person.t, change.reward))

    async def reward_name_in(self, person: Person, body: bodies.RewardNameInBody) -> Response:
        name = body.name if body.name and body.name.strip() else None
        change = await self._app.service.rewards.name_in_language(
            person.user_id, body.reward, body.language, name
        )
        message = reward_texts.name_changed(person.t, change.reward, body.language)
        return await self._changed(person, message)

    async def reward_cost(self, person: Person, body: bodies.RewardCostBody) -> Response:
        cost = _cost(person, body.cost)
        if isinstance(cost, Response):
            return cost
        change = await self._app.service.rewards.change_cost(person.user_id, body.reward, cost)
        return await self._changed(person, reward_texts.cost_changed(person.t, change.reward))

    async def reward_remove(self, person: Person, body: bodies.RewardBody) -> Response:
        change = await self._app.service.rewards.remove(person.user_id, body.reward)
        return await self._changed(person, reward_texts.removed(person.t, change.reward))

    # --- offers -------------------------------------------------------------------------------

    async def offers(self, person: Person, _: bodies.Empty) -> Response:
        t = person.t
        service = self._app.service
        stores = await service.merchants.stores(person.user_id)
        recent = await service.offers.recent(person.user_id)
        audiences = [
            (kind.value, offer_texts.audience_label(t, kind))
            for kind in (AudienceKind.ALL, AudienceKind.STORE, AudienceKind.NEAR)
        ]
        audiences.insert(2, (AudienceKind.LAPSED.value, texts.lapsed_label(t)))
        html = self._app.render(
            "offers.html",
            person,
            maximum=OFFER_TEXT_MAX_LENGTH,
            placeholder=offer_texts.offer_placeholder(t),
            question=offer_texts.audience_question(t),
            store_question=offer_texts.store_question(t),
            audiences=audiences,
            stores=stores,
            recent=tg_html(offer_texts.recent_offers(t, recent)) if recent else None,
        )
        return json_answer({"ok": True, "html": html})

    async def offer_preview(self, person: Person, body: bodies.OfferPreviewBody) -> Response:
        """A draft with its audience: the message as customers see it, and how many they are."""
        text = body.text
        audience = AudienceKind(body.audience)
        arg = None
        if audience is AudienceKind.STORE:
            if not isinstance(body.arg, int) or body.arg <= 0:
                raise BadRequest
            arg = body.arg
        elif audience is AudienceKind.LAPSED:  # as typed; 0 is refused as the chat refuses it
            arg = whole_number(str(body.arg or ""), COST_DIGITS) or 0
        offers = self._app.service.offers
        await offers.check_allowance(person.user_id)
        draft = await offers.draft(person.user_id, text)
        preview = await offers.choose_audience(person.user_id, draft.offer_id, audience, arg)
        return json_answer(
            {
                "ok": True,
                "offer": draft.offer_id,
                "size": preview.audience_size,
                "html": tg_html(offer_texts.offer_message(draft.merchant_name, draft.text)),
                "confirm": plain_text(offer_texts.preview_question(person.t, preview)),
            }
        )

    async def offer_send(self, person: Person, body: bodies.OfferSendBody) -> Response:
        preview = await self._app.service.offers.send(person.user_id, body.offer)
        return json_answer({"ok": True, "message": tg_html(offer_texts.sending(person.t, preview))})


def _cost(person: Person, typed: str | int) -> int | Response:
    """The cost as typed: a whole number, or the chat's reply to one that is not."""
    cost = whole_number(str(typed), COST_DIGITS)
    if cost is None:
        message = reward_texts.unreadable_cost(person.t)
        return json_answer({"ok": False, "message": tg_html(message)}, 409)
    return cost
