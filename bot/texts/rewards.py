"""The owner's reward ladder: /rewards, its buttons, prompts and confirmations."""

from __future__ import annotations

from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from bot.texts import esc
from domain.model import Reward, RewardUnit, units_of
from domain.service import Ladder


def cost_text(t: Translator, unit: RewardUnit, cost: int) -> str:
    if unit is RewardUnit.STAMPS:
        return t.ngettext("{n} stamp", "{n} stamps", cost)
    return t.ngettext("{n} point", "{n} points", cost)


def ladder_text(t: Translator, ladder: Ladder) -> str:
    """The rewards, numbered as /rewards remove expects, grouped by unit in a hybrid
    programme."""
    lines = [t.gettext("<b>Your rewards</b>")]
    units = units_of(ladder.program_type)
    for unit in units:
        if len(units) > 1:
            lines.append(
                t.gettext("Stamp rewards:")
                if unit is RewardUnit.STAMPS
                else t.gettext("Points rewards:")
            )
        for number, reward in enumerate(ladder.rewards, 1):
            if reward.unit is unit:
                lines.append(
                    t.gettext(
                        "{number}. {reward} — {cost}",
                        number=number,
                        reward=esc(reward.name),
                        cost=cost_text(t, reward.unit, reward.cost),
                    )
                    + _translated(t, reward)
                )
    lines.append(
        t.gettext(
            "Use the buttons to add, rename, change the cost of or remove a reward, or send /rewards add <code>cost</code> <code>name</code> and /rewards remove <code>number</code>."
        )
    )
    lines.append(
        t.gettext(
            "🌐 names a reward in other languages: each customer reads it in theirs, or as you named it when there is no name in their language."
        )
    )
    return "\n".join(lines)


def _translated(t: Translator, reward: Reward) -> str:
    """The other languages a reward has a name in, after its name in the list: " (fr, de)"."""
    languages = [language for language, _ in reward.translations]
    return f" ({', '.join(languages)})" if languages else ""


def names_text(t: Translator, reward: Reward) -> str:
    """A reward's names: the one given, and the owner's name in each language (or none)."""
    lines = [
        t.gettext("🌐 <b>{reward}</b> in other languages", reward=esc(reward.name)),
        "",
    ]
    for language in LANGUAGES:
        name = reward.translation(language)
        if name is None:
            lines.append(
                t.gettext(
                    "{language}: — (shows {reward})",
                    language=LANGUAGE_NAMES[language],
                    reward=esc(reward.name),
                )
            )
        else:
            lines.append(f"{LANGUAGE_NAMES[language]}: <b>{esc(name)}</b>")
    lines += [
        "",
        t.gettext(
            "Tap a language to name the reward in it, ✖ to take that name away. Or send /rewards name <code>number</code> <code>language</code> <code>name</code>."
        ),
    ]
    return "\n".join(lines)


def ask_name_in(t: Translator, reward: Reward, language: str) -> str:
    return t.gettext(
        "Send the name of {reward} in {language}.",
        reward=esc(reward.name),
        language=LANGUAGE_NAMES[language],
    )


def name_in_placeholder(t: Translator, language: str) -> str:
    return t.gettext("name in {language}", language=LANGUAGE_NAMES[language])


def name_changed(t: Translator, reward: Reward, language: str) -> str:
    """What a change of a reward's name in `language` did, from the reward as it now is."""
    if reward.translation(language) is None:
        return name_taken_away(t, reward, language)
    return named_in(t, reward, language)


def named_in(t: Translator, reward: Reward, language: str) -> str:
    return t.gettext(
        "✅ Customers reading {language} now see {name}.",
        language=LANGUAGE_NAMES[language],
        name=esc(reward.name_in(language)),
    )


def name_taken_away(t: Translator, reward: Reward, language: str) -> str:
    return t.gettext(
        "✅ No name in {language} any more: customers reading it see {reward}.",
        language=LANGUAGE_NAMES[language],
        reward=esc(reward.name),
    )


def ask_new_reward(t: Translator, unit: RewardUnit) -> str:
    if unit is RewardUnit.STAMPS:
        return t.gettext(
            "Send the new reward's cost in stamps and its name, for example: 15 Free cake"
        )
    return t.gettext(
        "Send the new reward's cost in points and its name, for example: 500 10 € voucher"
    )


def new_reward_placeholder(t: Translator) -> str:
    return t.gettext("cost and name")


def ask_name(t: Translator, reward: Reward) -> str:
    return t.gettext("Send the new name for {reward}.", reward=esc(reward.name))


def name_placeholder(t: Translator) -> str:
    return t.gettext("new name")


def ask_cost(t: Translator, reward: Reward) -> str:
    if reward.unit is RewardUnit.STAMPS:
        return t.ngettext(
            "Send the new cost of {reward} in stamps (now {n} stamp).",
            "Send the new cost of {reward} in stamps (now {n} stamps).",
            reward.cost,
            reward=esc(reward.name),
        )
    return t.ngettext(
        "Send the new cost of {reward} in points (now {n} point).",
        "Send the new cost of {reward} in points (now {n} points).",
        reward.cost,
        reward=esc(reward.name),
    )


def cost_placeholder(t: Translator) -> str:
    return t.gettext("new cost")


def unreadable_new_reward(t: Translator) -> str:
    return t.gettext("Please send the cost first, then the name, for example: 15 Free cake")


def unreadable_cost(t: Translator) -> str:
    return t.gettext("Please send the cost as a whole number, for example: 12")


def try_again(t: Translator, problem: str) -> str:
    """A wrong answer to a prompt: what is wrong; the question stays open."""
    return problem + "\n" + t.gettext("Send it again, or /rewards to start over.")


def remove_question(t: Translator, reward: Reward) -> str:
    return t.gettext(
        "Remove the reward {reward} ({cost})? The balances on customers' cards do not change.",
        reward=esc(reward.name),
        cost=cost_text(t, reward.unit, reward.cost),
    )


def added(t: Translator, reward: Reward) -> str:
    return t.gettext(
        "✅ Reward added: {reward} — {cost}.",
        reward=esc(reward.name),
        cost=cost_text(t, reward.unit, reward.cost),
    )


def renamed(t: Translator, reward: Reward) -> str:
    return t.gettext("✅ Reward renamed: {reward}.", reward=esc(reward.name))


def cost_changed(t: Translator, reward: Reward) -> str:
    return t.gettext(
        "✅ {reward} now costs {cost}.",
        reward=esc(reward.name),
        cost=cost_text(t, reward.unit, reward.cost),
    )


def removed(t: Translator, reward: Reward) -> str:
    return t.gettext(
        "✅ Reward removed: {reward}. Balances on the cards are unchanged.",
        reward=esc(reward.name),
    )
