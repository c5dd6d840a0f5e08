"""The playground, driven in a terminal as a person would (pexpect on a pseudo-terminal), and
the offer to start it that `python -m bot` makes at a terminal when there is no token."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pexpect
import pytest

from app.cli import PLAYGROUND_OFFER, accepts, offers_playground
from app.playground_people import person_key
from app.playground_transcript import file_kind
from bot.config import NO_TOKEN_HELP, ConfigError, MissingToken

pytestmark = pytest.mark.workers

ROOT = Path(__file__).resolve().parents[2]
CACHE = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")


@contextmanager
def _terminal(tmp_path: Path, *arguments: str) -> Iterator[pexpect.spawn]:
    """`python -m bot ...` on a pseudo-terminal; what it showed is kept in terminal-N.txt."""
    number = len(list(tmp_path.glob("terminal-*.txt"))) + 1
    with (tmp_path / f"terminal-{number}.txt").open("w", encoding="utf-8") as shown:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "bot", *arguments],
            cwd=str(tmp_path),
            env={
                "PYTHONPATH": str(ROOT),
                "PATH": "/usr/bin:/bin",
                "HOME": str(tmp_path),
                "XDG_CACHE_HOME": CACHE,  # matplotlib's font cache, built once, not per test
            },
            encoding="utf-8",
            timeout=30,
        )
        child.logfile_read = shown
        try:
            yield child
        finally:
            child.close(force=True)


def test_a_newcomer_tries_every_role_in_the_playground(tmp_path: Path) -> None:
    database = tmp_path / "playground.db"
    with _terminal(tmp_path, "playground", str(database)) as child:
        child.expect_exact("[owner] > ")
        child.sendline("/setup Café Demo")
        child.expect(r"<(\d+)> https://t\.me/\w+\?start=join_")
        join = child.match.group(1)
        child.expect_exact("[owner] > ")
        child.sendline("/invite")
        child.expect(r"<(\d+)> https://t\.me/\w+\?start=staff_")
        invite = child.match.group(1)
        child.expect_exact("[owner] > ")

        child.sendline(":as customer")
        child.expect_exact("[customer] > ")
        child.sendline(f":open {join}")
        child.expect(r"saved to (\S+card\.png)")
        assert (tmp_path / child.match.group(1)).stat().st_size > 500
        child.expect(r"<(\d+)> the QR code: https://t\.me/\w+\?start=card_")
        card = child.match.group(1)
        child.expect_exact("[customer] > ")

        child.sendline(":as staff")
        child.expect_exact("[staff] > ")
        child.sendline(f":open {invite}")
        child.expect_exact("You are now staff at Café Demo")
        child.expect_exact("[staff] > ")
        child.sendline(f":open {card}")
        child.expect(r"\[(\d+)\] \+1 stamp")
        stamp_button = child.match.group(1)
        child.expect_exact("[staff] > ")
        child.sendline(f":press {stamp_button}")
        child.expect_exact("You got a stamp at Café Demo — 1/10")
        child.expect_exact("✅ 1 stamp added.")
        child.expect_exact("[staff] > ")

        child.sendline(":wait 5m")
        child.expect_exact("The bot's clock now says")
        child.sendline(":quit")
        child.expect_exact("Bye!")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 0
    assert database.exists()


def test_two_customers_a_cashier_and_the_owner_in_one_session(tmp_path: Path) -> None:
    with _terminal(tmp_path, "playground", str(tmp_path / "playground.db")) as child:
        child.expect_exact("[owner] > ")
        child.sendline("/setup Café Demo")
        child.expect(r"<(\d+)> https://t\.me/\w+\?start=join_")
        join = child.match.group(1)
        child.expect_exact("[owner] > ")
        child.sendline("/invite")
        child.expect(r"<(\d+)> https://t\.me/\w+\?start=staff_")
        invite = child.match.group(1)
        child.expect_exact("[owner] > ")

        cards = {}
        for who, name in (("customer", "Clara"), ("customer2", "Customer 2")):
            child.sendline(f":as {who}")
            child.expect_exact(f"[{who}] > ")
            child.sendline(f":open {join}")
            child.expect_exact(f"── to {name} ({who})")
            child.expect(rf"card saved to (\S+-{who}-card\.png)")
            assert (tmp_path / child.match.group(1)).stat().st_size > 500
            child.expect(r"<(\d+)> the QR code: (https://t\.me/\w+\?start=card_\S+)")
            cards[who] = child.match.group(1), child.match.group(2)
            child.expect_exact(f"[{who}] > ")
        assert cards["customer"][1] != cards["customer2"][1]  # each their own card

        child.sendline(":who")
        for line in ("customer     Clara", "staff        Sam", "owner        Olivia"):
            child.expect_exact(line)
        child.expect_exact("customer2    Customer 2   ← you")
        child.expect_exact("[customer2] > ")

        child.sendline(":as staff")
        child.expect_exact("[staff] > ")
        child.sendline(f":open {invite}")
        child.expect_exact("You are now staff at Café Demo")
        child.expect_exact("[staff] > ")
        not_me = {}
        for who, name in (("customer", "Clara"), ("customer2", "Customer 2")):
            child.sendline(f":open {cards[who][0]}")
            child.expect(r"\[(\d+)\] \+1 stamp")
            stamp = child.match.group(1)
            child.expect_exact("[staff] > ")
            child.sendline(f":press {stamp}")
            child.expect_exact(f"── to {name} ({who})")
            child.expect(r"\[(\d+)\] Not me")
            not_me[who] = child.match.group(1)
            child.expect_exact("[staff] > ")
            if who == "customer":  # the staff cannot press what is in Clara's chat
                child.sendline(f":press {not_me[who]}")
                child.expect_exact("there is one in Clara's chat (:as customer)")
                child.expect_exact("[staff] > ")

        # Back to Clara, after the staff's and Customer 2's screens: her Not me still works.
        child.sendline(":as customer")
        child.expect_exact("[customer] > ")
        child.sendline(f":press {not_me['customer']}")
        reply = child.expect([r"── to Clara \(customer\)", "No such button", "No button"])
        assert reply == 0, child.before
        child.expect(r"\[(\d+)\] Yes")
        yes = child.match.group(1)
        child.expect_exact("[customer] > ")
        child.sendline(f":press {yes}")
        child.expect_exact("── to Olivia (owner)")  # the owner hears of the reversal
        child.expect_exact("[customer] > ")

        child.sendline(":quit")
        child.expect_exact("Bye!")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 0
    saved = sorted(path.name for path in (tmp_path / "playground-files").iterdir())
    assert saved == ["001-customer-card.png", "002-customer2-card.png"]


def test_files_are_named_by_what_they_are_and_a_second_session_goes_on(tmp_path: Path) -> None:
    database = str(tmp_path / "playground.db")
    with _terminal(tmp_path, "playground", database) as child:
        child.expect_exact("[owner] > ")
        child.sendline("/setup Café Demo")
        child.expect(r"<(\d+)> https://t\.me/\w+\?start=join_")
        join = child.match.group(1)
        child.expect_exact("[owner] > ")
        child.sendline(":as customer")
        child.expect_exact("[customer] > ")
        child.sendline(f":open {join}")
        child.expect(r"card saved to (\S+-customer-card\.png)")
        child.expect_exact("[customer] > ")
        child.sendline(":as owner")
        child.expect_exact("[owner] > ")
        for command, kind in (("/poster", "poster.png"), ("/summary week", "chart.png")):
            child.sendline(command)
            child.expect(rf"saved to (\S+-owner-{kind})")  # the chart may come after the prompt
            assert (tmp_path / child.match.group(1)).stat().st_size > 500
            child.expect_exact("[owner] > ")
        child.sendline("/export")
        child.expect(r"export saved to (\S+-owner-export\.csv)")
        assert (tmp_path / child.match.group(1)).read_bytes().startswith(b"\xef\xbb\xbf")
        child.expect(r"export saved to (\S+-owner-export\.xlsx)")  # the same, for Excel
        assert (tmp_path / child.match.group(1)).read_bytes().startswith(b"PK")  # a zip
        child.expect_exact("[owner] > ")
        child.sendline(":quit")
        child.expect_exact("Bye!")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 0

    # The same file again: the bot hears the new session and numbering goes on.
    with _terminal(tmp_path, "playground", database) as child:
        child.expect_exact("[owner] > ")
        child.sendline(":as customer")
        child.expect_exact("[customer] > ")
        child.sendline("/card")
        child.expect(r"card saved to (\S+-customer-card\.png)")
        child.expect_exact("[customer] > ")
        child.sendline(":quit")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 0
    saved = sorted(path.name for path in (tmp_path / "playground-files").iterdir())
    assert saved == [
        "001-customer-card.png",
        "002-owner-poster.png",
        "003-owner-chart.png",
        "004-owner-export.csv",
        "005-owner-export.xlsx",
        "006-customer-card.png",
    ]


def test_people_and_file_kinds_are_named_as_the_help_says() -> None:
    assert person_key("customer") == "customer"
    assert person_key(" Customer1 ") == "customer"
    assert person_key("customer2") == "customer2"
    assert person_key("STAFF3") == "staff3"
    assert person_key("owner2") == "owner2"
    for wrong in ("cust", "customer0", "staff-2", "customer1000", ""):
        assert person_key(wrong) is None, wrong
    assert file_kind("card.png", photo=True) == ("card", ".png")
    assert file_kind("activity.png", photo=True) == ("chart", ".png")
    assert file_kind("poster-K7QD.png", photo=False) == ("poster", ".png")
    assert file_kind("ledger-30-days.csv", photo=False) == ("export", ".csv")
    assert file_kind("my-loyalty-data.json", photo=False) == ("data", ".json")
    assert file_kind("loyalty-card.pkpass", photo=False) == ("wallet-pass", ".pkpass")
    assert file_kind("Week Report.PDF", photo=False) == ("week-report", ".pdf")
    assert file_kind(None, photo=True) == ("image", ".png")
    assert file_kind("../x", photo=False) == ("x", ".bin")


def test_the_playground_is_offered_only_to_a_person_at_a_terminal_without_a_token() -> None:
    missing, malformed = MissingToken(NO_TOKEN_HELP), ConfigError("TELEGRAM_BOT_TOKEN is malformed")
    assert offers_playground("run", missing, stdin_tty=True, stdout_tty=True)
    for stdin_tty, stdout_tty in ((True, False), (False, True), (False, False)):
        assert not offers_playground("run", missing, stdin_tty=stdin_tty, stdout_tty=stdout_tty)
    for command in ("webhook", "migrate", "backup"):
        assert not offers_playground(command, missing, stdin_tty=True, stdout_tty=True)
    assert not offers_playground("run", malformed, stdin_tty=True, stdout_tty=True)
    for yes in ("", "y", " Yes\n", "Y"):
        assert accepts(yes), yes
    for no in ("n", "no", "N", "maybe", None):
        assert not accepts(no), no


def test_without_a_token_a_terminal_is_offered_the_playground(tmp_path: Path) -> None:
    with _terminal(tmp_path) as declined:
        declined.expect_exact(PLAYGROUND_OFFER)
        declined.sendline("n")
        declined.expect_exact(NO_TOKEN_HELP)
        declined.expect(pexpect.EOF)
    assert declined.exitstatus == 2
    assert not (tmp_path / "playground.db").exists()

    with _terminal(tmp_path) as accepted:
        accepted.expect_exact(PLAYGROUND_OFFER)
        accepted.sendline("")  # Enter: the default, yes
        accepted.expect_exact("loyalty-bot playground — you are the owner.")
        accepted.expect_exact("[owner] > ")
        accepted.sendline("/setup Café Demo")
        accepted.expect_exact("Café Demo is set up")
        accepted.expect_exact("[owner] > ")
        accepted.sendline(":quit")
        accepted.expect_exact("Bye!")
        accepted.expect(pexpect.EOF)
    assert accepted.exitstatus == 0
    assert (tmp_path / "playground.db").exists()


def test_without_a_token_and_no_terminal_the_one_line_stays(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert finished.returncode == 2
    assert finished.stderr == NO_TOKEN_HELP + "\n"
    assert finished.stdout == ""
    assert not (tmp_path / "playground.db").exists()


def test_the_owner_gives_the_cafe_its_own_bot_and_everyone_talks_to_it(tmp_path: Path) -> None:
    database = tmp_path / "playground.db"
    with _terminal(tmp_path, "playground", str(database)) as child:
        child.expect_exact("[owner] > ")
        child.sendline("/setup Café Demo")
        child.expect(r"<(\d+)> https://t\.me/\w+\?start=join_")
        join = child.match.group(1)
        child.expect_exact("[owner] > ")
        child.sendline(":as customer")
        child.expect_exact("[customer] > ")
        child.sendline(f":open {join}")
        child.expect_exact("[customer] > ")
        child.sendline(":as owner")
        child.expect_exact("[owner] > ")
        child.sendline("/mybot")
        child.expect(r"\[(\d+)\] Create Café Demo's bot")
        create = child.match.group(1)
        child.expect_exact("[owner] > ")
        child.sendline(f":press {create}")
        child.expect_exact("Telegram created @cafe_demo_bot")
        child.expect_exact("Café Demo now has its own bot: @cafe_demo_bot")  # the customer, once
        child.expect_exact("@cafe_demo_bot is ready")
        child.expect_exact("[owner] > ")
        child.sendline(":bot @cafe_demo_bot")
        child.expect_exact("Everyone now talks to @cafe_demo_bot")
        child.expect_exact("[owner @cafe_demo_bot] > ")
        child.sendline(":as customer")
        child.expect_exact("[customer @cafe_demo_bot] > ")
        child.sendline("/card")
        child.expect(r"── to Clara \(customer\) from @cafe_demo_bot")
        child.expect(r"saved to (\S+card\.png)")
        child.expect_exact("[customer @cafe_demo_bot] > ")
        child.sendline(":quit")
        child.expect_exact("Bye!")
    # The next session hosts the café's bot again, with its token from the database.
    with _terminal(tmp_path, "playground", str(database)) as child:
        child.expect_exact("[owner] > ")
        child.sendline(":bot @cafe_demo_bot")
        child.expect_exact("Everyone now talks to @cafe_demo_bot")
        child.sendline("/mybot")  # managed in the platform bot only
        child.expect_exact("── to Olivia (owner) from @cafe_demo_bot")
        child.expect_exact("create and manage your café's bot in the platform bot")
        child.sendline(":bot")
        child.expect_exact("Everyone now talks to the platform bot")
        child.sendline("/mybot")
        child.expect_exact("@cafe_demo_bot serves your café")
