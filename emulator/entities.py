"""Turning formatted text into plain text plus ``MessageEntity`` dicts, like Telegram.

``parse_mode=HTML`` is validated the way Telegram's server (tdlib) does it: only the tags
Telegram supports, every other ``<`` is an error, unclosed or crossed tags are errors, with
Telegram's own error texts after ``Bad Request: can't parse entities:``. The emulator is
deliberately a little stricter than Telegram in one place: a bare ``&`` or a named entity other
than ``&lt; &gt; &amp; &quot;`` is refused (Telegram would show it literally), because that is
what an unescaped user-provided name looks like. MarkdownV2 is supported minimally: escapes,
the reserved characters rule, and the simple styles and links.

Entity offsets and lengths are counted in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from emulator.errors import ApiError, bad_request

Entity = dict[str, Any]

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (how Telegram measures entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def _parse_error(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


class _TelegramHtml(HTMLParser):
    """An ``html.parser`` front end that applies tdlib's rules for Bot API HTML."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._source = source
        self._line_starts = [0]
        self._line_starts += [i + 1 for i, char in enumerate(source) if char == "\n"]
        self._parts: list[str] = []
        self._length = 0  # UTF-16 length of the plain text so far
        self._open: list[tuple[str, Entity | None]] = []
        self.entities: list[Entity] = []

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def _byte_offset(self, extra_chars: int = 0) -> int:
        line, column = self.getpos()
        index = self._line_starts[line - 1] + column + extra_chars
        return len(self._source[:index].encode())

    def _append(self, text: str) -> None:
        self._parts.append(text)
        self._length += utf16_len(text)

    def handle_data(self, data: str) -> None:
        # html.parser passes a '<' that does not open a valid tag, and a bare '&', as data.
        for index, char in enumerate(data):
            if char == "<":
                rest = data[index + 1 :]
                if rest[:1].isalpha() and ">" not in rest:
                    raise _parse_error(f"Unclosed start tag at byte offset {self._offset(index)}")
                raise _parse_error(f'Unsupported start tag "" at byte offset {self._offset(index)}')
            if char == "&":
                raise _parse_error(
                    f'Unescaped "&" at byte offset {self._offset(index)}; use "&amp;"'
                )
        self._append(data)

    def _offset(self, index_in_data: int) -> int:
        return self._byte_offset(index_in_data)

    def handle_entityref(self, name: str) -> None:
        end = self._line_starts[self.getpos()[0] - 1] + self.getpos()[1] + len(name) + 1
        if name not in _NAMED_ENTITIES or self._source[end : end + 1] != ";":
            raise _parse_error(
                f'Unsupported HTML entity "&{name}" at byte offset {self._byte_offset()}'
            )
        self._append(_NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in {"x", "X"} else int(name)
            self._append(chr(code))
        except (ValueError, OverflowError):
            raise _parse_error(
                f'Invalid numeric HTML entity "&#{name};" at byte offset {self._byte_offset()}'
            ) from None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = _SIMPLE_TAGS.get(tag)
        if kind is None:
            raise _parse_error(
                f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}'
            )
        attributes = {name: value or "" for name, value in attrs}
        base: Entity = {"type": kind, "offset": self._length}
        entity: Entity | None = base
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise _parse_error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset()}'
            )
        if tag == "a":
            href = attributes.get("href", "")
            entity = {**base, "url": href} if href else None
        elif tag == "tg-emoji":
            emoji_id = attributes.get("emoji-id", "")
            entity = {**base, "custom_emoji_id": emoji_id} if emoji_id else None
        elif tag == "blockquote" and "expandable" in attributes:
            entity = {**base, "type": "expandable_blockquote"}
        elif tag == "code" and self._open and self._open[-1][0] == "pre":
            # <pre><code class="language-x"> is one pre entity with a language.
            pre = self._open[-1][1]
            language = attributes.get("class", "")
            if pre is not None and language.startswith("language-"):
                pre["language"] = language.removeprefix("language-")
                entity = None
        self._open.append((tag, entity))

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            raise _parse_error(f"Unexpected end tag at byte offset {self._byte_offset()}")
        open_tag, entity = self._open[-1]
        if tag != open_tag:
            raise _parse_error(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{open_tag}>", found "</{tag}>"'
            )
        self._open.pop()
        if entity is not None and self._length > entity["offset"]:
            entity["length"] = self._length - entity["offset"]
            self.entities.append(entity)

    def handle_comment(self, data: str) -> None:
        raise _parse_error(f'Unsupported start tag "!--" at byte offset {self._byte_offset()}')

    def handle_decl(self, decl: str) -> None:
        raise _parse_error(f'Unsupported start tag "!" at byte offset {self._byte_offset()}')

    def handle_pi(self, data: str) -> None:
        self.handle_decl(data)

    def unknown_decl(self, data: str) -> None:
        self.handle_decl(data)

    def finish(self) -> None:
        self.close()
        if self._open:
            raise _parse_error(
                f'Can\'t find end tag corresponding to start tag "{self._open[-1][0]}"'
            )


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Plain text and entities of Bot API HTML, or an ApiError like Telegram's."""
    parser = _TelegramHtml(source)
    parser.feed(source)
    parser.finish()
    return parser.text, sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))


_MD_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MD_STYLES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
_MD_TOKEN = re.compile(r"\\(.)|```|`|\|\||__|[*_~\[\]()]|(.)", re.DOTALL)


def parse_markdown_v2(source: str) -> tuple[str, list[Entity]]:
    """Plain text and entities of (a useful subset of) MarkdownV2."""
    parts: list[str] = []
    length = 0
    entities: list[Entity] = []
    open_styles: list[tuple[str, int]] = []
    link_start: int | None = None
    position = 0
    while position < len(source):
        match = _MD_TOKEN.match(source, position)
        assert match is not None  # the last alternative matches any character
        token, position = match.group(0), match.end()
        if match.group(1) is not None or (match.group(2) is not None and token not in _MD_RESERVED):
            char = match.group(1) if match.group(1) is not None else token
            parts.append(char)
            length += utf16_len(char)
        elif token in {"`", "```"}:
            end = source.find(token, position)
            if end < 0:
                raise _parse_error(f"Can't find end of {token} entity")
            body = source[position:end].replace("\\`", "`").replace("\\\\", "\\")
            kind = "code" if token == "`" else "pre"
            entities.append({"type": kind, "offset": length, "length": utf16_len(body)})
            parts.append(body)
            length += utf16_len(body)
            position = end + len(token)
        elif token in _MD_STYLES:
            if open_styles and open_styles[-1][0] == token:
                _, start = open_styles.pop()
                if length > start:
                    entities.append(
                        {"type": _MD_STYLES[token], "offset": start, "length": length - start}
                    )
            else:
                open_styles.append((token, length))
        elif token == "[" and link_start is None:
            link_start = length
        elif token == "]" and link_start is not None and source[position : position + 1] == "(":
            end = source.find(")", position)
            if end < 0:
                raise _parse_error("Can't find end of a URL")
            url = source[position + 1 : end]
            entities.append(
                {"type": "text_link", "offset": link_start, "length": length - link_start}
                | {"url": url}
            )
            link_start, position = None, end + 1
        else:
            offset = len(source[: position - len(token)].encode())
            raise _parse_error(
                f"Character '{token}' is reserved and must be escaped with the preceding '\\' "
                f"at byte offset {offset}"
            )
    if open_styles or link_start is not None:
        raise _parse_error("Can't find end of the entity")
    return "".join(parts), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def strip_text(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace as Telegram does, keeping entities on the same characters."""
    stripped = text.strip()
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    limit = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept
