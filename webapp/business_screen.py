"""The owner's business tab in the Mini App: today's summary and the week's or month's with the
chat's chart, the programme's settings, the stores with their posters, the staff with invites
and revocations, and the ledger's export.

The ladder, offers, insights, API keys and look have screens of their own (owner_extras,
insights, apikeys, brand_screen); the settings form is webapp/settings.py.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from markupsafe import Markup
from starlette.responses import Response

from bot.exports import XLSX, ledger_csv, ledger_xlsx
from bot.links import LinkKind
from bot.texts import owner as owner_texts
from bot.texts import reports as report_texts
from webapp import bodies
from webapp.requests import NO_STORE, json_answer, tg_html
from webapp.settings import SettingsForm

if TYPE_CHECKING:
    from webapp.screen import Endpoint, Person, ScreenHost


class BusinessScreen:
    """The owner's tab, with the settings form inside it."""

    def __init__(self, app: ScreenHost, settings: SettingsForm) -> None:
        self._app = app
        self._settings = settings

    def endpoints(self) -> dict[str, Endpoint]:
        return {
            "business": (self.business, bodies.Empty),
            "summary": (self.summary, bodies.SummaryBody),
            "poster": (self.poster, bodies.PosterBody),
            "invite": (self.invite, bodies.InviteBody),
            "revoke": (self.revoke, bodies.RevokeBody),
            "export": (self.export, bodies.ExportBody),
        }

    async def business(self, person: Person, _: bodies.Empty) -> Response:
        owner, service = person.user_id, self._app.service
        summary, _series = await service.reports.summary_for_owner(owner, "today")
        settings = await service.merchants.program(owner)
        stores = await service.merchants.stores(owner)
        staff = await service.staff.list_staff(owner)
        html = self._app.render(
            "business.html",
            person,
            summary=report_texts.summary_text(person.t, summary),
            settings=Markup(self._settings.html(person, settings)),
            stores=stores,
            staff=[(member, owner_texts.revoke_question(person.t, member)) for member in staff],
        )
        return json_answer({"ok": True, "html": html})

    async def summary(self, person: Person, body: bodies.SummaryBody) -> Response:
        service = self._app.service
        summary, series = await service.reports.summary_for_owner(person.user_id, body.period)
        html = tg_html(report_texts.summary_text(person.t, summary))
        chart = None
        if series:  # week and month come with the chat's chart, as an image in the answer
            from bot.charts import activity_chart

            brand = await service.brand.of_merchant(summary.merchant_id)
            png = activity_chart(
                person.t, summary.merchant_name, summary.program_type, series, brand.fill
            )
            chart = "data:image/png;base64," + base64.b64encode(png).decode()
        return json_answer({"ok": True, "html": html, "chart": chart})

    async def poster(self, person: Person, body: bodies.PosterBody) -> Response:
        from bot.look import look_of
        from bot.printing import poster_bytes

        service = self._app.service
        store = await service.merchants.find_store(person.user_id, body.store)
        settings = await service.merchants.program(person.user_id)
        bot = self._app.application.bot_data.runtime.bots.username_for(store.merchant_id)
        ladder = await service.rewards.ladder(person.user_id)
        look = await look_of(service.brand, store.merchant_id)
        image = poster_bytes(store, settings, ladder.rewards, bot, [settings.language], look=look)
        return Response(image, media_type="image/png", headers=NO_STORE)

    async def invite(self, person: Person, body: bodies.InviteBody) -> Response:
        created = await self._app.service.staff.create_invite(person.user_id, body.store or None)
        membership = person.identity.membership
        timezone = membership.timezone if membership else "UTC"
        link = self._app.link(LinkKind.STAFF, created.token, created.merchant_id)
        message = owner_texts.invite_created(person.t, created, link, timezone)
        return json_answer({"ok": True, "message": tg_html(message), "link": link})

    async def revoke(self, person: Person, body: bodies.RevokeBody) -> Response:
        member = await self._app.service.staff.revoke(
            person.user_id, body.number, membership_id=body.membership
        )
        return json_answer({"ok": True, "message": tg_html(owner_texts.revoked(person.t, member))})

    async def export(self, person: Person, body: bodies.ExportBody) -> Response:
        days = body.days
        ledger = await self._app.service.reports.export_ledger(person.user_id, days)
        if body.format == "xlsx":
            content, media_type = ledger_xlsx(person.t, ledger), XLSX
        else:
            content, media_type = ledger_csv(person.t, ledger), "text/csv; charset=utf-8"
        return Response(
            content,
            media_type=media_type,
            headers={
                **NO_STORE,
                "Content-Disposition": (f'attachment; filename="ledger-{days}-days.{body.format}"'),
            },
        )
