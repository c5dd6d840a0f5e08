"""What the owner prints and reads as images: the bilingual poster with its join QR code, the
customer's card image, and the week's chart with its period as the caption."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

from bot.i18n import translator
from bot.texts.commands import usage
from bot.texts.reports import chart_caption
from tests.support.chat import card_number_in, join_staff, link_in, qr_content, say
from tests.support.running_bot import Running


def _decoded(png: bytes | None) -> list[str]:
    assert png is not None
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


async def test_a_bilingual_poster_carries_the_store_join_link(bot: Running, tmp_path: Path) -> None:
    owner = bot.tg.user(300, "Anne", language_code="fr")
    join = link_in(await say(owner, "/setup Café Lux"), "join_")
    gare = link_in(await say(owner, "/addstore Gare"), "join_")

    poster = await say(owner, "/poster fr de")
    code = join.rsplit("join_", 1)[1]
    assert poster.document_name == f"poster-{code}.png"
    (tmp_path / "poster-fr-de.png").write_bytes(poster.document_bytes or b"")
    assert Image.open(io.BytesIO(poster.document_bytes or b"")).format == "PNG"
    assert _decoded(poster.document_bytes) == [join]

    assert _decoded((await say(owner, "/poster Gare lb")).document_bytes) == [gare]
    # For the printer: an A4 PDF of the same poster, its code read off the printed page.
    printable = await say(owner, "/poster Gare fr de pdf")
    assert printable.document_name == f"poster-{gare.rsplit('join_', 1)[1]}.pdf"
    [page] = list(pdfium.PdfDocument(printable.document_bytes or b""))
    assert [round(side * 25.4 / 72) for side in page.get_size()] == [210, 297]
    printed = page.render(scale=150 / 72).to_pil()
    assert [r.text for r in zxingcpp.read_barcodes(printed)] == [gare]
    too_many = await say(owner, "/poster Gare en fr de")
    assert too_many.content == usage(translator("fr"), "poster")


async def test_the_card_image_scans_to_the_card_link_and_the_chart_names_its_period(
    bot: Running,
) -> None:
    owner = bot.tg.user(310, "Jos", language_code="de")
    join = link_in(await say(owner, "/setup Bäckerei"), "join_")
    cashier = bot.tg.user(311, "Kim", language_code="de")
    await join_staff(owner, cashier, link_in(await say(owner, "/invite"), "staff_"))
    customer = bot.tg.user(312, "Lea", language_code="lb")
    await customer.open_link(join)
    await customer.next_message()
    card = await customer.next_message()
    await cashier.open_link(qr_content(card))  # the cashier scans the card image
    assert card_number_in(await cashier.next_message()) == card_number_in(card)

    await say(owner, "/summary week")
    chart = await owner.next_message()
    today = bot.clock.now().astimezone(ZoneInfo("Europe/Luxembourg")).date()
    assert chart.photo_bytes is not None
    assert chart.caption == chart_caption(translator("de"), today - timedelta(days=6), today)
