"""The owner's tab through the API: the figures, the settings with the chat's validation and
questions, posters, staff invite and revoke, the export."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime

from markupsafe import escape
from openpyxl import load_workbook
from PIL import Image

from bot.exports import XLSX
from bot.i18n import translator
from bot.texts import insights as insight_texts
from bot.texts import program as program_texts
from bot.texts.refusals import refusal_text
from domain import errors
from tests.support.miniapp import MiniAppClient
from tests.support.scenario import new_profile, open_shop


async def test_the_owners_tab(miniapp: MiniAppClient) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux", cooldown="0")
    owner = shop.owner
    cashier = await shop.hire("Cara")
    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, card.number, 2, idempotency_key="seed")
    t = translator("en")

    tab = (await miniapp.call("business", owner)).json()
    assert "Café Lux" in tab["html"] and 'data-key="stamps_target"' in tab["html"]
    for period in ("today", "week", "month"):
        answer = (await miniapp.call("summary", owner, {"period": period})).json()
        assert answer["ok"] is True and answer["html"]
        assert (answer["chart"] is None) == (period == "today")  # week and month: a chart
        if answer["chart"]:
            assert answer["chart"].startswith("data:image/png;base64,")
    assert (await miniapp.call("summary", owner, {"period": "decade"})).status_code == 409

    # The settings form saves one setting per change (tests/miniapp/test_settings_form_api.py).
    wrong = await miniapp.call("setting", owner, {"key": "stamps_target", "value": "0"})
    assert wrong.status_code == 409
    expected = refusal_text(
        t, errors.InvalidSettingValue(key="stamps_target", value="0", minimum=1, maximum=50)
    )
    assert wrong.json()["message"] == expected.replace("\n", "<br>")
    # A type that hides the stamps some cards hold asks first, as /program set does.
    asked = (await miniapp.call("setting", owner, {"key": "type", "value": "points"})).json()
    assert asked["ok"] is False and asked["flag"] == "confirm_hidden" and asked["question"]
    assert (await service.merchants.program(owner.user_id)).type == "stamps"
    done = await miniapp.call(
        "setting", owner, {"key": "type", "value": "points", "confirm_hidden": True}
    )
    settings = await service.merchants.program(owner.user_id)
    assert settings.type == "points"
    assert done.json()["message"] == program_texts.saved(t, "type", settings)

    poster = await miniapp.call("poster", owner, {"store": shop.first_store.code})
    assert poster.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(poster.content)).width > 500

    invite = (await miniapp.call("invite", owner)).json()
    assert "?start=staff_" in invite["link"]
    newcomer = new_profile("Nina")
    token = invite["link"].split("start=staff_", 1)[1]
    await service.staff.accept_invite(newcomer, token)
    staff = await service.staff.list_staff(owner.user_id)
    assert [m.user_id for m in staff] == [cashier.user_id, newcomer.user_id]
    # A number that has come to mean someone else is refused; the right one revokes.
    stale = await miniapp.call("revoke", owner, {"number": 1, "membership": staff[1].membership_id})
    assert stale.status_code == 409
    gone = await miniapp.call("revoke", owner, {"number": 2, "membership": staff[1].membership_id})
    assert gone.status_code == 200
    assert [m.user_id for m in await service.staff.list_staff(owner.user_id)] == [cashier.user_id]
    refused = await miniapp.call(
        "stamp", newcomer, {"reference": card.number, "n": 1, "key": uuid.uuid4().hex}
    )
    assert refused.status_code == 403

    export = await miniapp.call("export", owner, {"days": 30})
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=","))
    assert len(rows) >= 2  # the header and the seeded stamp
    workbook = await miniapp.call("export", owner, {"days": 30, "format": "xlsx"})
    assert workbook.headers["content-type"] == XLSX
    assert 'filename="ledger-30-days.xlsx"' in workbook.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]] == rows[0]
    assert isinstance(sheet["A2"].value, datetime) and sheet["E2"].data_type == "n"
    odd = await miniapp.call("export", owner, {"days": 30, "format": "pdf"})
    assert odd.status_code == 400


async def test_a_customer_chooses_the_language(miniapp: MiniAppClient) -> None:
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux")
    customer = new_profile("Clara", "en")
    await service.customers.enrol(customer, shop.first_store.code)
    assert (await miniapp.call("language", customer, {"language": "xx"})).status_code == 409
    assert (await miniapp.call("language", customer, {"language": "de"})).status_code == 200
    home = (await miniapp.call("home", customer)).json()
    assert home["language"] == "de" and home["decimal"] == ","
    assert (await service.staff.identity(customer.user_id)).language == "de"


async def test_the_owner_sees_whether_customers_come_back(miniapp: MiniAppClient) -> None:
    """The Mini App's Insights page: the chat's /insights figures in the owner's language, each
    with its line of explanation, and the return by first month once someone's first visit is
    in the last six months."""
    service = miniapp.running.service
    shop = await open_shop(service, "Café Lux", cooldown="0")
    owner, cashier = shop.owner, await shop.hire("Cara")
    assert (await miniapp.call("insights", cashier)).status_code in (403, 409)  # owners only
    quiet = (await miniapp.call("insights", owner)).json()
    assert quiet["ok"] is True and 'class="figure"' in quiet["html"]
    assert 'class="cohort"' not in quiet["html"]  # nobody's first visit yet: no bars

    customer = new_profile("Clara")
    card = (await service.customers.enrol(customer, shop.first_store.code)).card
    await service.counter.stamp(cashier.user_id, card.number, 2, idempotency_key="seed")
    found = await service.insights.for_owner(owner.user_id)
    answer = (await miniapp.call("insights", owner)).json()
    page = answer["html"]
    for figure in insight_texts.insight_figures(translator("en"), found):
        assert escape(figure.label) in page and escape(figure.explanation) in page
        assert f'<div class="figure-value">{escape(figure.value)}</div>' in page
    assert page.count('class="cohort"') == 1  # this month's first visit
    assert "1 customer" in page
    tab = (await miniapp.call("business", owner)).json()["html"]
    assert 'data-action="insights"' in tab and "Do customers come back?" in tab
