"""Names, card numbers, the CardView snapshot and the domain enumerations."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import errors
from domain.model import (
    NAME_MAX_LENGTH,
    CardView,
    LedgerKind,
    ProgramType,
    Reward,
    RewardUnit,
    clean_name,
    format_card_number,
    normalise_card_number,
)

# --- clean_name --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Café Zoé", "Café Zoé"),
        ("  Café   Zoé  ", "Café Zoé"),
        ("Café\tZoé", "Café Zoé"),
        ("Café\n\nZoé\r\n", "Café Zoé"),
        ("Café\u00a0Zoé", "Café Zoé"),  # NBSP folds to an ordinary space
        ("\u2003Bäckerei\u2003Schmit\u3000", "Bäckerei Schmit"),
        ("A", "A"),
        ("x" * NAME_MAX_LENGTH, "x" * NAME_MAX_LENGTH),
        ("  " + "x" * NAME_MAX_LENGTH + "  ", "x" * NAME_MAX_LENGTH),  # trimmed before counting
        ("a" + " " * 200 + "b", "a b"),  # folded before counting
        ("Ünïcödé & Söhne <3", "Ünïcödé & Söhne <3"),
        ("咖啡店", "咖啡店"),
    ],
)
def test_clean_name_trims_and_folds_whitespace(raw: str, expected: str) -> None:
    assert clean_name(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " ",
        "\t\n  \r",
        "\u00a0\u2003",
        "x" * (NAME_MAX_LENGTH + 1),
        "a " * 33,  # 65 characters once folded: "a a … a"
        "Café\x00Zoé",
        "Café\x07Zoé",
        "Café\x1bZoé",
        "Café\x7fZoé",
        "Café\u200bZoé",  # zero-width space
        "Café\u202eZoé",  # right-to-left override
        "Café\ufeffZoé",
    ],
)
def test_clean_name_refuses_empty_too_long_or_unprintable(raw: str) -> None:
    with pytest.raises(errors.InvalidName) as caught:
        clean_name(raw)
    assert caught.value.max_length == NAME_MAX_LENGTH == 64


@pytest.mark.parametrize("raw", ["Café\x1cZoé", "Café\x1fZoé", "Café\x85Zoé"])
def test_clean_name_does_not_keep_control_characters_python_treats_as_whitespace(
    raw: str,
) -> None:
    # str.split() treats FS/GS/RS/US and NEL as whitespace: whatever happens, none survives.
    try:
        name = clean_name(raw)
    except errors.InvalidName:
        return
    assert name.isprintable()
    assert name == "Café Zoé"


# --- card numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123456789012", "123456789012"),
        ("1234-5678-9012", "123456789012"),
        ("1234 5678 9012", "123456789012"),
        ("1234\u00a05678\u00a09012", "123456789012"),
        ("  1234-5678-9012  ", "123456789012"),
        ("12-34 56\u00a078-9012", "123456789012"),
        ("1234--5678--9012", "123456789012"),
        ("-123456789012-", "123456789012"),  # dashes are separators wherever they are
        ("000000000000", "000000000000"),
        ("0000-0000-0001", "000000000001"),
    ],
)
def test_normalise_card_number_accepts_separators(raw: str, expected: str) -> None:
    assert normalise_card_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "-",
        "12345678901",  # 11 digits
        "1234567890123",  # 13 digits
        "1234-5678-901",
        "1234-5678-90123",
        "١٢٣٤٥٦٧٨٩٠١٢",  # Arabic-Indic digits
        "۱۲۳۴۵۶۷۸۹۰۱۲",  # Extended Arabic-Indic (Persian) digits
        "１２３４５６７８９０１２",  # fullwidth digits
        "१२३४५६७८९०१२",  # Devanagari digits
        "1234-5678-901٢",  # one non-ASCII digit is enough to refuse
        "1234-5678-901a",
        "abcd-efgh-ijkl",
        "1234.5678.9012",
        "1234/5678/9012",
        "1234_5678_9012",
        "+123456789012",
        "¹²³⁴⁵⁶⁷⁸⁹⁰¹²",  # superscripts are isdigit() but not digits
        "1234567890１２",
    ],
)
def test_normalise_card_number_refuses_anything_else(raw: str) -> None:
    assert normalise_card_number(raw) is None


def test_format_card_number_groups_by_four() -> None:
    assert format_card_number("123456789012") == "1234-5678-9012"
    assert format_card_number("000000000007") == "0000-0000-0007"


twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)


@given(digits=twelve_digits)
def test_normalise_inverts_format(digits: str) -> None:
    shown = format_card_number(digits)
    assert len(shown) == 14
    assert shown[4] == shown[9] == "-"
    assert normalise_card_number(shown) == digits
    assert normalise_card_number(shown.replace("-", " ")) == digits
    assert normalise_card_number(digits) == digits


@given(raw=st.text(max_size=30))
def test_normalise_returns_none_or_twelve_ascii_digits(raw: str) -> None:
    result = normalise_card_number(raw)
    assert result is None or (len(result) == 12 and all(c in "0123456789" for c in result))


# --- CardView ----------------------------------------------------------------------------------


def make_card(**overrides: object) -> CardView:
    card = CardView(
        card_id=7,
        number="482913650274",
        qr_token="q" * 32,
        customer_id=101,
        merchant_id=3,
        merchant_name="Café Zoé",
        store_id=5,
        store_name="Café Zoé Gare",
        program_type=ProgramType.HYBRID,
        ladder=(
            Reward(1, RewardUnit.STAMPS, 10, "Free coffee"),
            Reward(2, RewardUnit.POINTS, 100, "5 € voucher"),
        ),
        stamp_count=7,
        points_balance=40,
        lifetime_stamps=27,
        rewards_redeemed=2,
        points_earned=140,
        points_redeemed=100,
        points_voided=0,
        points_expired=0,
        cross_location=True,
        timezone="Europe/Luxembourg",
        merchant_language="fr",
        active=True,
        created_at=datetime(2026, 1, 5, 8, 0, tzinfo=UTC),
        last_activity_at=datetime(2026, 5, 11, 16, 20, tzinfo=UTC),
    )
    return replace(card, **overrides)  # type: ignore[arg-type]


def test_card_view_display_number_and_progress() -> None:
    card = make_card()
    assert card.display_number == "4829-1365-0274"
    assert card.stamps_to_reward == 3
    assert card.points_to_reward == 60
    assert card.stamp_reward_ready is False
    assert card.points_reward_ready is False


def test_card_view_reads_its_rewards_from_the_ladder() -> None:
    # Rungs in any order: the first reward is the cheapest, the card holds up to the dearest.
    ladder = (
        Reward(3, RewardUnit.STAMPS, 12, "Cake"),
        Reward(4, RewardUnit.POINTS, 500, "Lunch"),
        Reward(1, RewardUnit.STAMPS, 6, "Tea"),
        Reward(2, RewardUnit.POINTS, 200, "Scarf"),
    )
    card = make_card(ladder=ladder)
    assert card.first_reward(RewardUnit.STAMPS).name == "Tea"
    assert card.first_reward(RewardUnit.POINTS).name == "Scarf"
    assert card.stamps_target == 12
    assert (card.stamp_reward_ready, card.stamps_to_reward) == (True, 5)


@pytest.mark.parametrize(
    ("program_type", "stamp_count", "stamps_to_reward", "ready"),
    [
        (ProgramType.STAMPS, 9, 1, False),
        (ProgramType.STAMPS, 10, 0, True),
        (ProgramType.STAMPS, 13, 0, True),  # target lowered after stamping: never negative
        (ProgramType.HYBRID, 10, 0, True),
        (ProgramType.POINTS, 10, 0, False),  # points-only program: no stamp reward
    ],
)
def test_card_view_stamp_reward(
    program_type: ProgramType, stamp_count: int, stamps_to_reward: int, ready: bool
) -> None:
    card = make_card(program_type=program_type, stamp_count=stamp_count)
    assert card.stamps_to_reward == stamps_to_reward
    assert card.stamp_reward_ready is ready


@pytest.mark.parametrize(
    ("program_type", "balance", "points_to_reward", "ready"),
    [
        (ProgramType.POINTS, 99, 1, False),
        (ProgramType.POINTS, 100, 0, True),
        (ProgramType.POINTS, 250, 0, True),
        (ProgramType.HYBRID, 100, 0, True),
        (ProgramType.STAMPS, 500, 0, False),  # stamps-only program: no points reward
        (ProgramType.POINTS, 0, 100, False),
    ],
)
def test_card_view_points_reward(
    program_type: ProgramType, balance: int, points_to_reward: int, ready: bool
) -> None:
    card = make_card(program_type=program_type, points_balance=balance)
    assert card.points_to_reward == points_to_reward
    assert card.points_reward_ready is ready


def test_card_view_is_frozen() -> None:
    card = make_card()
    with pytest.raises(FrozenInstanceError):
        card.stamp_count = 99  # type: ignore[misc]
    assert card.stamp_count == 7


# --- enumerations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("program_type", "stamps", "points"),
    [
        (ProgramType.STAMPS, True, False),
        (ProgramType.POINTS, False, True),
        (ProgramType.HYBRID, True, True),
    ],
)
def test_program_type_collects(program_type: ProgramType, stamps: bool, points: bool) -> None:
    assert program_type.has_stamps is stamps
    assert program_type.has_points is points


def test_program_type_values_are_the_setting_values() -> None:
    assert [t.value for t in ProgramType] == ["stamps", "points", "hybrid"]
    assert ProgramType("hybrid") is ProgramType.HYBRID


EARNING = {LedgerKind.STAMP, LedgerKind.EARN_POINTS}
REDEMPTION = {LedgerKind.REDEEM_STAMPS, LedgerKind.REDEEM_POINTS, LedgerKind.REDEEM_REWARD}


@pytest.mark.parametrize("kind", list(LedgerKind))
def test_ledger_kind_earning_and_redemption(kind: LedgerKind) -> None:
    assert kind.is_earning is (kind in EARNING)
    assert kind.is_redemption is (kind in REDEMPTION)
    assert not (kind.is_earning and kind.is_redemption)


def test_ledger_kinds_are_the_known_ones() -> None:
    assert {k.value for k in LedgerKind} == {
        "stamp",
        "redeem_stamps",
        "earn_points",
        "redeem_points",
        "void_points",
        "expire_points",
        "undo",
        "not_me",
        "refund",
        "merge_out",
        "merge_in",
        "correct_stamps",
        "redeem_reward",
        "welcome",
        "birthday",
        "referral",
    }
