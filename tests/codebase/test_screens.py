"""Every screen renders in all four languages: translated, valid Telegram HTML, within limits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from bot.features.onboarding import ASKS_FOR_ARGUMENT
from bot.i18n import LANGUAGES, Translator, translator
from bot.routing import help_for as help_screen
from bot.texts import bonuses, cards, commands, counter, disputes, esc, general, owner, reports
from bot.texts import brand as brand_texts
from bot.texts import insights as insight_texts
from bot.texts import program as program_texts
from bot.texts.refusals import covered_refusals, refusal_text
from domain import errors
from domain.brand import Brand
from domain.model import ProgramType, Reward, RewardUnit
from domain.program import SETTING_KEYS, ProgramSettings
from domain.store_of_day import StoreChoice
from emulator.entities import parse_html
from tests.support import samples

MESSAGE_LIMIT, CAPTION_LIMIT = 4096, 1024

Screen = Callable[[Translator], str]


def program_screen(t: Translator, settings: ProgramSettings) -> str:
    """The /program menu: its text and its buttons' labels, one per line."""
    buttons = [esc(program_texts.menu_button(t, key, settings)) for key in SETTING_KEYS]
    return "\n".join([program_texts.menu_text(t), *buttons])


SCREENS: dict[str, Screen] = {
    "welcome": lambda t: general.welcome(t, samples.NASTY),
    "choose language": general.choose_language,
    "language set": general.language_set,
    "unknown command": general.unknown_command,
    "not understood": general.not_understood,
    "something went wrong": general.something_went_wrong,
    "staff: check the card": general.staff_check_the_card,
    "customer: check the card": general.customer_check_the_card,
    "edited command": commands.edited_command,
    "amount again": lambda t: counter.amount_again(t, "?", "123456789012"),
    "amount not applied, superseded": lambda t: counter.amount_not_applied(
        t, "superseded", "123456789012", "210987654321"
    ),
    "amount not applied, done": lambda t: counter.amount_not_applied(
        t, "done", "123456789012", None
    ),
    "amount not applied, expired": lambda t: counter.amount_not_applied(
        t, "expired", "123456789012", "123456789012"
    ),
    "amount not applied, none": lambda t: counter.amount_not_applied(t, None, None, None),
    "large purchase": lambda t: counter.large_purchase_question(t, Decimal("9999"), "123456789012"),
    "void all": lambda t: counter.void_all_question(t, 250, "123456789012"),
    "stale qr": counter.stale_qr_for_staff,
    "did you mean": lambda t: general.did_you_mean(t, samples.NASTY, "stamp"),
    "card number length": lambda t: general.card_number_length(t, 11),
    "card without image": lambda t: cards.card_without_image(
        t, cards.card_text(t, samples.card()), "https://t.me/x?start=card_abc"
    ),
    "button expired": general.button_expired,
    "forget question": general.forget_question,
    "forget done": lambda t: general.forget_done(t, 2),
    "forget cancelled": general.forget_cancelled,
    "change declined": general.change_declined,
    "mydata": general.mydata_caption,
    "staff welcome, all stores": lambda t: general.staff_welcome(
        t, samples.membership(store_name=None)
    ),
    "staff welcome, one store": lambda t: general.staff_welcome(t, samples.membership()),
    "switch question": lambda t: general.switch_question(t, samples.NASTY),
    "setup switch question": lambda t: general.setup_switch_question(t, samples.NASTY, "Lux"),
    "cards overview": lambda t: cards.cards_overview(
        t, [samples.card(), samples.card(ProgramType.POINTS)]
    ),
    "no cards": lambda t: cards.cards_overview(t, []),
    "stores": lambda t: cards.stores_text(
        t, samples.card(), [samples.store(), samples.store("B&B")]
    ),
    "history": lambda t: cards.history_text(t, samples.card(), samples.history(), first_page=True),
    "older history": lambda t: cards.history_text(
        t, samples.card(), samples.history(), first_page=False
    ),
    "staff card": lambda t: counter.staff_card_text(t, samples.card(stamps=10)),
    "undo": lambda t: counter.undo_done(t, samples.reversal()),
    "redeem stamps?": lambda t: counter.redeem_question(t, samples.card(), None),
    "redeem points?": lambda t: counter.redeem_question(t, samples.card(), 100),
    "redeem cancelled": counter.redeem_cancelled,
    "ask amount": lambda t: counter.ask_amount(t, samples.card()),
    "dispute reversed": lambda t: disputes.dispute_done(t, samples.dispute(True)),
    "dispute reported": lambda t: disputes.dispute_done(t, samples.dispute(False)),
    "owner alert, reversed": lambda t: disputes.owner_alert(t, samples.dispute(True)),
    "owner alert, redemption": lambda t: disputes.owner_alert(t, samples.dispute(False)),
    "scan for strangers": counter.scan_for_strangers,
    "setup done": lambda t: owner.setup_done(t, samples.store(), "https://t.me/b?start=join_x"),
    "store added": lambda t: owner.store_added(t, samples.store(), "https://t.me/b?start=join_x"),
    "stores list": lambda t: owner.stores_list(
        t, [(samples.store(), "https://t.me/b?start=join_x")]
    ),
    "invite": lambda t: owner.invite_created(
        t, samples.invite(), "https://t.me/b?start=staff_x", "Europe/Luxembourg"
    ),
    "staff list": lambda t: owner.staff_list(t, samples.staff_listing(), "Europe/Luxembourg"),
    "no staff": lambda t: owner.staff_list(t, [], "Europe/Luxembourg"),
    "revoked": lambda t: owner.revoked(t, samples.staff_listing()[0]),
    "program": lambda t: program_screen(t, ProgramSettings()),
    "program setting": lambda t: program_texts.setting_screen(t, "cooldown", ProgramSettings()),
    "program ask value": lambda t: program_texts.ask_value(t, "summary", ProgramSettings()),
    "program value again": lambda t: program_texts.value_again(t, "?", "timezone"),
    "program value superseded": lambda t: program_texts.value_not_applied(
        t, "superseded", "reward"
    ),
    "program value done": lambda t: program_texts.value_not_applied(t, "done", "reward"),
    "program value expired": lambda t: program_texts.value_not_applied(t, "expired", "reward"),
    "program changed": lambda t: owner.program_changed(t, "cross_location", ProgramSettings()),
    "merge question": lambda t: owner.merge_question(t, 3),
    "summary, one day": lambda t: reports.summary_text(t, samples.summary(single_day=True)),
    "summary, a week": lambda t: reports.summary_text(t, samples.summary(single_day=False)),
    "summary, stamps": lambda t: reports.summary_text(
        t, samples.summary(single_day=True, program_type=ProgramType.STAMPS)
    ),
    "summary, points": lambda t: reports.summary_text(
        t, samples.summary(single_day=False, program_type=ProgramType.POINTS)
    ),
    "summary, a quiet day": lambda t: reports.daily_summary_text(
        t, samples.daily_summary(quiet=True, monday=False)
    ),
    "summary, Monday": lambda t: reports.daily_summary_text(
        t, samples.daily_summary(quiet=False, monday=True)
    ),
    "summary, a quiet Monday": lambda t: reports.daily_summary_text(
        t, samples.daily_summary(quiet=True, monday=True)
    ),
    "program quiet day": lambda t: program_texts.setting_screen(t, "quiet_day", ProgramSettings()),
    "program quiet day changed": lambda t: owner.program_changed(
        t, "quiet_day", ProgramSettings(quiet_day_message=False)
    ),
    "export caption": lambda t: reports.export_caption(t, 30, 120),
    "export workbook caption": reports.export_workbook_caption,
    "export headers": lambda t: ";".join(reports.export_headers(t)),
    "poster words": lambda t: (
        reports.poster_call_to_action(t, ProgramType.STAMPS) + reports.poster_instructions(t)
    ),
    "poster caption": lambda t: reports.poster_caption(t, "Gare"),
    "poster offers": lambda t: " ".join(
        reports.poster_offers(
            t,
            [
                Reward(1, RewardUnit.STAMPS, 10, "Free coffee"),
                Reward(2, RewardUnit.POINTS, 100, "5 € voucher"),
            ],
        )
    ),
    "poster welcome": lambda t: " ".join(
        reports.poster_welcome(t, ProgramSettings(type=kind, welcome_bonus=2)) or ""
        for kind in ProgramType
    ),
    "poster code hint": lambda t: reports.poster_code_hint(t, "ABCD2345", "loyalty_bot"),
    "chart caption": lambda t: reports.chart_caption(t, date(2026, 1, 7), date(2026, 1, 13)),
    "summary usage": reports.usage_summary,
    "export usage": reports.usage_export,
    "expiry reminder": lambda t: reports.expiry_reminder(t, samples.card(), samples.WHEN),
}
for number, enrolment in enumerate(samples.enrolments()):
    SCREENS[f"joined {number}"] = lambda t, e=enrolment: cards.joined_text(t, e)
for identity in samples.identities():
    SCREENS[f"help {identity.user_id}"] = lambda t, i=identity: help_screen(t, i)
SCREENS |= {
    "invite friend": lambda t: bonuses.invite_text(
        t, samples.card(), "https://t.me/x?start=ref_abc"
    ),
    "invite friend, no bonus": lambda t: bonuses.invite_text(
        t, replace(samples.card(), referral_bonus=0), "https://t.me/x?start=ref_abc"
    ),
    "invite friend, stamps": lambda t: bonuses.invite_text(
        t, replace(samples.card(ProgramType.STAMPS), referral_bonus=2), "https://t.me/x?start=ref_a"
    ),
    "referred join": bonuses.referred_join,
    "birthday prompt": lambda t: bonuses.birthday_prompt(t, None),
    "birthday prompt, set": lambda t: bonuses.birthday_prompt(t, t.day_month(29, 2)),
    "birthday saved": lambda t: bonuses.birthday_saved(t, t.day_month(24, 12), True),
    "birthday unchanged": lambda t: bonuses.birthday_saved(t, t.day_month(24, 12), False),
    "birthday again": lambda t: bonuses.birthday_again(t, "?"),
    "insights": lambda t: insight_texts.insights_text(t, samples.insights()),
    "insights, empty": lambda t: insight_texts.insights_text(t, samples.insights(empty=True)),
    "insights page": lambda t: "\n".join(
        " · ".join(figure) for figure in insight_texts.insight_figures(t, samples.insights())
    ),
    "brand": lambda t: brand_texts.status(t, samples.NASTY, Brand(colour="#1f5fa8", symbol="☕")),
    "brand, default": lambda t: brand_texts.status(t, samples.NASTY, Brand()),
    "brand usage": brand_texts.usage,
}
for op in samples.OPERATIONS:
    SCREENS[f"done {op.kind} {op.stamps_delta}"] = lambda t, o=op: counter.operation_done(t, o)
    SCREENS[f"notice {op.kind} {op.stamps_delta}"] = lambda t, o=op: counter.customer_notice(t, o)
for command in (
    "join",
    "stamp",
    "redeem",
    "points",
    "void",
    "lookup",
    "setup",
    "addstore",
    "revoke",
    "program",
    "poster",
):
    SCREENS[f"usage {command}"] = lambda t, c=command: commands.usage(t, c)
    if command in ASKS_FOR_ARGUMENT:
        SCREENS[f"asks {command}"] = lambda t, c=command: commands.argument_question(t, c)
SCREENS["first welcome"] = lambda t: general.first_welcome(t, samples.NASTY, may_set_up=True)

CAPTIONS: dict[str, Screen] = {
    f"card {kind}": lambda t, k=kind: cards.card_text(t, samples.card(k)) for kind in ProgramType
}
CAPTIONS["card with invitation"] = lambda t: cards.card_text(
    t, samples.card(), "https://t.me/loyalty_test_bot?start=ref_abcdefghijkl"
)
CAPTIONS["card ready"] = lambda t: cards.card_text(t, samples.card(stamps=10, points=100))


def _check(text: str, limit: int) -> None:
    plain, _ = parse_html(text)  # raises like Telegram on broken or unescaped HTML
    assert 0 < len(plain) <= limit
    assert "{" not in plain and "}" not in plain, plain
    assert samples.NASTY not in text or "<Café>" not in text  # user-given names are escaped


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SCREENS))
def test_screen_renders(language: str, name: str) -> None:
    _check(SCREENS[name](translator(language)), MESSAGE_LIMIT)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(CAPTIONS))
def test_card_caption_renders(language: str, name: str) -> None:
    _check(CAPTIONS[name](translator(language)), CAPTION_LIMIT)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_screens_are_translated(language: str) -> None:
    english, other = translator("en"), translator(language)
    untranslated = [
        name for name, screen in {**SCREENS, **CAPTIONS}.items() if screen(english) == screen(other)
    ]
    assert untranslated == []


def test_stamp_progress_is_written_n_of_t() -> None:
    assert "7/10" in cards.card_text(translator("en"), samples.card(ProgramType.STAMPS))


def _all_refusals() -> list[type[errors.DomainError]]:
    found, todo = [], [errors.DomainError]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_every_refusal_has_its_own_message() -> None:
    assert set(_all_refusals()) <= covered_refusals()


REFUSALS = [
    errors.NotStaff(),
    errors.NotOwner(),
    errors.OwnCard(),
    errors.CardOfOtherStore("A & B"),
    errors.CardInactive(),
    errors.CardNotFound(),
    errors.StoreNotFound("<x>"),
    errors.OtherCafe("<Café & Co>"),
    errors.NoCard(),
    errors.EntryNotFound(),
    errors.TooManyFailedLookups(5),
    errors.StampsNotInProgram(),
    errors.PointsNotInProgram(),
    errors.CooldownActive(1),
    errors.CooldownActive(12),
    errors.DailyLimitReached(5, 0),
    errors.DailyLimitReached(5, 2),
    errors.InvalidStampCount(1, 10),
    errors.NotEnoughStamps(3, 10),
    errors.InvalidAmount(Decimal("0.01"), Decimal("10000")),
    errors.NoPointsForAmount(Decimal("0.5"), Decimal(1)),
    errors.InvalidPoints(1, 1_000_000),
    errors.NotEnoughPoints(50, 100),
    errors.LargePurchaseUnconfirmed(Decimal("9999"), "123456789012"),
    errors.WholeBalanceVoidUnconfirmed(250, "123456789012"),
    errors.NothingToUndo(),
    errors.UndoWindowExpired(10, samples.WHEN),
    errors.CannotReverse(),
    errors.AlreadyReversed(),
    errors.InvalidName(64),
    errors.AlreadyOwner("<b>"),
    errors.DuplicateStoreName("x"),
    errors.UnknownSetting("<k>", ("type", "reward")),
    errors.InvalidSettingValue("type", "x", choices=("stamps", "points")),
    errors.InvalidSettingValue("cooldown", "-1", minimum=0, maximum=1440),
    errors.InvalidSettingValue("reward", "x" * 200, max_length=100),
    errors.InvalidSettingValue("summary", "25:00", example="21:00"),
    errors.MergeConfirmationRequired(2, 4),
    errors.TypeChangeHidesBalances(12, "points"),
    errors.MembershipSwitchRequired("<M>"),
    errors.OwnerCannotBecomeStaff(),
    errors.InviteNotFound(),
    errors.InviteUsed(),
    errors.InviteExpired(),
    errors.StaffMemberNotFound(4),
    errors.CannotRevokeOwner(),
    errors.RewardReadyRedeemFirst(10, 10),
    errors.InvalidRewardCost("stamps", 1, 50),
    errors.InvalidRewardCost("points", 1, 1_000_000),
    errors.InvalidRewardName(100),
    errors.LadderFull("stamps", 10),
    errors.LadderFull("points", 10),
    errors.DuplicateRewardCost("stamps", 5, "<Cake>"),
    errors.DuplicateRewardCost("points", 500, "<Cake>"),
    errors.LastRewardKept("stamps"),
    errors.LastRewardKept("points"),
    errors.RewardNotFound(3),
    errors.RewardNotFound(),
    errors.FirstRewardMustStayFirst("stamps_target", 12),
    errors.StoreOfDayRequired((StoreChoice(1, "<Gare>"), StoreChoice(2, "Kirchberg"))),
    errors.NotYourStore(),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda e: str(e)[:60])
def test_refusal_renders(language: str, refusal: errors.DomainError) -> None:
    _check(refusal_text(translator(language), refusal), MESSAGE_LIMIT)
