"""Pure checks of the emulator's parsers and limits (no HTTP)."""

from __future__ import annotations

import struct
from collections.abc import Callable

import pytest

from emulator import limits
from emulator.entities import parse_html, parse_markdown_v2, strip_text
from emulator.errors import ApiError


def refusal(call: Callable[[], object]) -> str:
    with pytest.raises(ApiError) as refused:
        call()
    return refused.value.description


def test_html_entities_cover_telegrams_tags() -> None:
    text, entities = parse_html(
        '<strong>a</strong><em>b</em><ins>c</ins><del>d</del><a href="https://x.lu">e</a>'
        "<tg-spoiler>f</tg-spoiler><blockquote expandable>g</blockquote>"
        '<pre><code class="language-python">h</code></pre>&quot;&#233;&#x41;'
    )
    assert text == 'abcdefgh"éA'
    assert [(e["type"], e["offset"]) for e in entities] == [
        ("bold", 0),
        ("italic", 1),
        ("underline", 2),
        ("strikethrough", 3),
        ("text_link", 4),
        ("spoiler", 5),
        ("expandable_blockquote", 6),
        ("pre", 7),
    ]
    assert entities[4]["url"] == "https://x.lu"
    assert entities[7]["language"] == "python"


def test_html_refuses_unknown_named_entities() -> None:
    assert "Unsupported HTML entity" in refusal(lambda: parse_html("a&nbsp;b"))


def test_markdown_v2_subset() -> None:
    text, entities = parse_markdown_v2(r"*7/10* stamps\. [card](https://t.me/x) `QR`")
    assert text == "7/10 stamps. card QR"
    assert [e["type"] for e in entities] == ["bold", "text_link", "code"]
    assert "reserved" in refusal(lambda: parse_markdown_v2("Total: 5.00!"))


def test_strip_keeps_entities_on_their_characters() -> None:
    text, entities = strip_text("  hi there ", [{"type": "bold", "offset": 2, "length": 2}])
    assert (text, entities) == ("hi there", [{"type": "bold", "offset": 0, "length": 2}])


def test_reply_markup_rules() -> None:
    url_button = {"inline_keyboard": [[{"text": "Open", "url": "not a url"}]]}
    assert "is invalid" in refusal(lambda: limits.reply_markup(url_button))
    too_many = {"inline_keyboard": [[{"text": "b", "callback_data": "d"}] * 101]}
    assert refusal(lambda: limits.reply_markup(too_many)) == "Bad Request: reply markup is too long"
    both = {"inline_keyboard": [[{"text": "b", "callback_data": "d", "url": "https://x.lu"}]]}
    assert "exactly one" in refusal(lambda: limits.reply_markup(both))
    assert limits.reply_markup({"remove_keyboard": True}) == {"remove_keyboard": True}


def test_image_sizes_are_read_from_headers() -> None:
    gif = b"GIF89a" + struct.pack("<HH", 40, 30)
    jpeg = (
        b"\xff\xd8"
        + b"\xff\xe0\x00\x04\x00\x00"
        + b"\xff\xc0\x00\x11\x08"
        + struct.pack(">HH", 60, 80)
        + b"\x00" * 8
    )
    webp = (
        b"RIFF\x00\x00\x00\x00WEBPVP8X"
        + b"\x00" * 8
        + (99).to_bytes(3, "little")
        + (49).to_bytes(3, "little")
    )
    assert limits.image_size(gif) == (40, 30)
    assert limits.image_size(jpeg) == (80, 60)
    assert limits.image_size(webp) == (100, 50)
    assert limits.image_size(b"%PDF-1.7") is None
    assert refusal(lambda: limits.photo_dimensions(b"")) == "Bad Request: file must be non-empty"


def test_command_scopes_normalise_chat_ids() -> None:
    scope = limits.command_scope({"type": "chat", "chat_id": "1001"})
    assert limits.scope_key(scope) == limits.scope_key({"chat_id": 1001, "type": "chat"})
    assert refusal(lambda: limits.command_scope({"type": "galaxy"})).startswith("Bad Request")
