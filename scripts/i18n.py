"""Catalogue upkeep: `uv run python scripts/i18n.py` extracts the strings from bot/ into
locales/messages.pot, updates the four catalogues, and fills the English one (msgstr = msgid).
Translators then fill locales/{fr,de,lb}/LC_MESSAGES/messages.po; the test suite refuses an
empty, fuzzy or placeholder-mismatched entry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"
# The languages are the catalogues that exist (domain/program.py names the same four for the bot).
LANGUAGES = sorted(path.name for path in LOCALES.iterdir() if path.is_dir())


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def fill_english() -> None:
    path = LOCALES / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(message.id)
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as po:
        write_po(po, catalog, width=100, omit_header=False)


def main() -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-o",
        str(POT),
        "--add-location=file",
        "--sort-by-file",
        "--project=loyalty-bot",
        "-w",
        "100",
        "bot",
    )
    for language in LANGUAGES:
        po = LOCALES / language / "LC_MESSAGES" / "messages.po"
        if po.exists():
            pybabel(
                "update",
                "-i",
                str(POT),
                "-d",
                str(LOCALES),
                "-l",
                language,
                "-w",
                "100",
                "--ignore-obsolete",
            )
        else:
            pybabel("init", "-i", str(POT), "-d", str(LOCALES), "-l", language, "-w", "100")
    fill_english()


if __name__ == "__main__":
    main()
