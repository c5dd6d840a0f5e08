"""The reward ladder's screens in all four languages: the card, the cashier's view, the choice
of rewards, /rewards with its buttons, notices, history and export."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot import keyboards
from bot.i18n import LANGUAGES, Translator, translator
from bot.texts import cards, counter, reports
from bot.texts import rewards as ladder_texts
from domain.model import LedgerKind, ProgramType, Reward, RewardUnit
from domain.service import Ladder
from tests.codebase.test_screens import CAPTION_LIMIT, MESSAGE_LIMIT, _check
from tests.support import samples

COFFEE = Reward(
    1,
    RewardUnit.STAMPS,
    5,
    "Free <b>coffee</b>",
    translations=(("de", "Gratis <Kaffee>"), ("fr", "Café & offert")),
)
CAKE = Reward(2, RewardUnit.STAMPS, 10, "Cake & cream")
VOUCHER = Reward(3, RewardUnit.POINTS, 100, "5 € voucher")
LADDER = (COFFEE, CAKE, VOUCHER)


def _card(stamps: int = 7, points: int = 120, program_type: ProgramType = ProgramType.HYBRID):
    return replace(samples.card(program_type, stamps=stamps, points=points), ladder=LADDER)


def _longest_ladder() -> tuple[Reward, ...]:
    # Named in every language too, as long as a name may be: /rewards lists which.
    every = tuple((language, "Ä" * 100) for language in LANGUAGES)
    return tuple(
        Reward(
            i,
            RewardUnit.STAMPS,
            i * 5,
            f"{'Extraordinary reward number '}{i} " + "x" * 70,
            translations=every,
        )
        for i in range(1, 11)
    ) + tuple(
        Reward(10 + i, RewardUnit.POINTS, i * 100_000, "Ü" * 100, translations=every)
        for i in range(1, 11)
    )


def _op(kind: LedgerKind, stamps: int = 0, points: int = 0, reward: Reward | None = None):
    return replace(samples.operation(kind, stamps, points), card=_card(), reward=reward)


def _ladder_keyboard(t: Translator, ladder: Ladder) -> str:
    ids = [r.reward_id for r in ladder.rewards]
    markup = keyboards.ladder_keyboard(
        t,
        ladder,
        add={RewardUnit.STAMPS: "ra:stamps", RewardUnit.POINTS: "ra:points"},
        rename={i: f"rn:{i}" for i in ids},
        cost={i: f"rk:{i}" for i in ids},
        remove={i: f"rm:{i}" for i in ids},
        names={i: f"rt:{i}" for i in ids},
    )
    return " | ".join(b.text for row in markup.inline_keyboard for b in row)


def _names_keyboard(reward: Reward) -> str:
    markup = keyboards.reward_names_keyboard(
        {language: f"rl:{reward.reward_id}:{language}" for language in LANGUAGES},
        {language: f"rd:{reward.reward_id}:{language}" for language, _ in reward.translations},
    )
    return " | ".join(b.text for row in markup.inline_keyboard for b in row)


SCREENS = {
    "staff card": lambda t: counter.staff_card_text(t, _card()),
    "staff card, all ready": lambda t: counter.staff_card_text(t, _card(stamps=10)),
    "reward choice": lambda t: counter.reward_choice(t, _card(stamps=10)),
    "redeem question stamps": lambda t: counter.redeem_question(t, _card(10), None, CAKE),
    "redeem question points": lambda t: counter.redeem_question(t, _card(10), None, VOUCHER),
    "done": lambda t: counter.operation_done(
        t, _op(LedgerKind.REDEEM_REWARD, stamps=-10, reward=CAKE)
    ),
    "notice stamps": lambda t: counter.customer_notice(
        t, _op(LedgerKind.REDEEM_REWARD, stamps=-10, reward=CAKE)
    ),
    "notice points": lambda t: counter.customer_notice(
        t, _op(LedgerKind.REDEEM_REWARD, points=-100, reward=VOUCHER)
    ),
    "ladder hybrid": lambda t: ladder_texts.ladder_text(t, Ladder(ProgramType.HYBRID, LADDER)),
    "ladder stamps": lambda t: ladder_texts.ladder_text(
        t, Ladder(ProgramType.STAMPS, (COFFEE, CAKE))
    ),
    "ladder longest": lambda t: ladder_texts.ladder_text(
        t, Ladder(ProgramType.HYBRID, _longest_ladder())
    ),
    "ask new stamps": lambda t: ladder_texts.ask_new_reward(t, RewardUnit.STAMPS),
    "ask new points": lambda t: ladder_texts.ask_new_reward(t, RewardUnit.POINTS),
    "ask name": lambda t: ladder_texts.ask_name(t, CAKE),
    "ask cost": lambda t: ladder_texts.ask_cost(t, VOUCHER),
    "remove question": lambda t: ladder_texts.remove_question(t, CAKE),
    "added": lambda t: ladder_texts.added(t, CAKE),
    "renamed": lambda t: ladder_texts.renamed(t, CAKE),
    "cost changed": lambda t: ladder_texts.cost_changed(t, VOUCHER),
    "removed": lambda t: ladder_texts.removed(t, CAKE),
    "unreadable": ladder_texts.unreadable_new_reward,
    "unreadable cost": ladder_texts.unreadable_cost,
    "try again": lambda t: ladder_texts.try_again(t, "?"),
    "names": lambda t: ladder_texts.names_text(t, COFFEE),
    "names, none yet": lambda t: ladder_texts.names_text(t, CAKE),
    "names, longest": lambda t: ladder_texts.names_text(t, _longest_ladder()[-1]),
    "ask name in": lambda t: ladder_texts.ask_name_in(t, COFFEE, "lb"),
    "named in": lambda t: ladder_texts.named_in(t, COFFEE, "fr"),
    "name taken away": lambda t: ladder_texts.name_taken_away(t, COFFEE, "de"),
    "export label": lambda t: reports.ledger_kind_label(t, LedgerKind.REDEEM_REWARD, "Cake"),
}

# Button labels: plain text, not HTML.
BUTTONS = {
    "reward button stamps": lambda t: counter.reward_button(t, CAKE),
    "reward button points": lambda t: counter.reward_button(t, VOUCHER),
    "ladder buttons": lambda t: _ladder_keyboard(t, Ladder(ProgramType.HYBRID, LADDER)),
    "ladder buttons, one unit": lambda t: _ladder_keyboard(t, Ladder(ProgramType.STAMPS, (CAKE,))),
    "names placeholder": lambda t: ladder_texts.name_in_placeholder(t, "lb"),
}

CAPTIONS = {
    "card, some ready": lambda t: cards.card_text(t, _card()),
    "card, none ready": lambda t: cards.card_text(t, _card(stamps=1, points=3)),
    "card, longest ladder": lambda t: cards.card_text(
        t, replace(_card(stamps=27, points=250_000), ladder=_longest_ladder())
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SCREENS))
def test_ladder_screen_renders(language: str, name: str) -> None:
    _check(SCREENS[name](translator(language)), MESSAGE_LIMIT)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(CAPTIONS))
def test_ladder_caption_renders(language: str, name: str) -> None:
    _check(CAPTIONS[name](translator(language)), CAPTION_LIMIT)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(BUTTONS))
def test_ladder_buttons_render(language: str, name: str) -> None:
    labels = BUTTONS[name](translator(language))
    assert "{" not in labels and "}" not in labels
    assert all(0 < len(label) <= 64 for label in labels.split(" | "))


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_ladder_screens_are_translated(language: str) -> None:
    english, other = translator("en"), translator(language)
    same = [
        name
        for name, screen in {**SCREENS, **CAPTIONS, **BUTTONS}.items()
        if screen(english) == screen(other) and name != "reward button points"
    ]
    assert same == []


def test_the_card_shows_each_reward_ready_or_to_go() -> None:
    text = cards.card_text(translator("en"), _card(stamps=7, points=120))
    assert "✅ Free &lt;b&gt;coffee&lt;/b&gt; — ready" in text
    assert "⏳ Cake &amp; cream — 3 stamps to go" in text
    assert "✅ 5 € voucher — ready" in text
    staff = counter.staff_card_text(translator("fr"), _card(stamps=4))
    assert "encore 1 tampon" in staff and "encore 6 tampons" in staff


def test_a_stamp_that_reaches_a_reward_announces_that_one() -> None:
    t = translator("en")
    op = replace(_op(LedgerKind.STAMP, stamps=2), card=_card(stamps=10))
    notice = counter.customer_notice(t, op)
    assert "Cake &amp; cream" in notice and "coffee" not in notice


def test_notices_and_the_cashier_speak_of_the_next_rewards_not_the_top_alone() -> None:
    t = translator("en")
    four = replace(_op(LedgerKind.STAMP, stamps=1), card=_card(stamps=4))
    assert counter.customer_notice(t, four).endswith(
        "— 4/5 to Free &lt;b&gt;coffee&lt;/b&gt; · 4/10 to Cake &amp; cream"
    )
    # The coffee reached: the cake is next; every reward reached reads as the top's count.
    assert counter.customer_notice(t, _op(LedgerKind.STAMP, stamps=1)).endswith(
        "— 7/10 to Cake &amp; cream"
    )
    done = counter.operation_done(t, four)
    assert "stamps 4/5 to Free &lt;b&gt;coffee&lt;/b&gt; · 4/10 to Cake &amp; cream" in done
    full = replace(_op(LedgerKind.STAMP, stamps=3), card=_card(stamps=10))
    assert "— 10/10" in counter.customer_notice(t, full)
    assert "pour Cake &amp; cream" in counter.customer_notice(translator("fr"), four)
    # A single reward keeps "7/10"; the chat's card view keeps its dots above every reward.
    single = replace(four, card=replace(_card(stamps=7), ladder=(CAKE, VOUCHER)))
    assert counter.customer_notice(t, single).endswith("— 7/10")
    assert "stamps 4/10 ●●●●○○○○○○" in counter.staff_card_text(t, _card(stamps=4))


def test_the_longest_ladder_fits_a_caption_by_shortening() -> None:
    text = CAPTIONS["card, longest ladder"](translator("de"))
    assert len(text) <= CAPTION_LIMIT
    assert "…" in text


def test_the_names_buttons_offer_every_language_and_take_away_only_a_name_given() -> None:
    labels = _names_keyboard(COFFEE).split(" | ")
    assert labels == ["English", "Français", "✖", "Deutsch", "✖", "Lëtzebuergesch"]
    assert _names_keyboard(CAKE).count("✖") == 0
