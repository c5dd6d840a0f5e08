"""The refusals of the owner's programme: its settings and its reward ladder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.i18n import Translator
from bot.texts import esc, setting_registry
from bot.texts.bonuses import happy_hour_format, past_midnight_question
from domain import errors


def _setting_refusal(t: Translator, e: errors.InvalidSettingValue) -> str:
    head = t.gettext(
        "“{value}” is not a valid value for {key}.",
        value=esc(e.value[:50]),
        key=esc(setting_registry.label(t, e.key)),
    )
    if e.key == "happy_hour":
        rule = happy_hour_format(t)
    elif e.choices:
        rule = t.gettext("Allowed values: {choices}.", choices=", ".join(e.choices))
    elif e.minimum is not None and e.maximum is not None:
        # The unit with the highest value: "from 0 to 1,440 minutes", "from 1 to 50 stamps".
        unit = setting_registry.unit_of(e.key, e.unit)
        whole = isinstance(e.maximum, int)
        rule = t.gettext(
            "Allowed values: from {minimum} to {maximum}.",
            minimum=t.number(e.minimum),
            maximum=unit(t, int(e.maximum)) if unit and whole else t.number(e.maximum),
        )
        example = setting_registry.view_of(e.key).example
        if example is not None:  # what may be typed besides a number ("30 min, 2h or off")
            rule += "\n" + t.gettext("For example: {example}", example=esc(example(t)))
    elif e.max_length is not None:
        rule = t.ngettext(
            "Allowed values: a text of at most {n} character.",
            "Allowed values: a text of at most {n} characters.",
            e.max_length,
        )
    else:
        rule = t.gettext("For example: {example}", example=esc(e.example or ""))
    return f"{head}\n{rule}"


def _cost_refusal(t: Translator, e: errors.InvalidRewardCost) -> str:
    if e.unit == "stamps":
        return t.gettext(
            "A reward costs from {minimum} to {maximum} stamps.",
            minimum=t.number(e.minimum),
            maximum=t.number(e.maximum),
        )
    return t.gettext(
        "A reward costs from {minimum} to {maximum} points.",
        minimum=t.number(e.minimum),
        maximum=t.number(e.maximum),
    )


def _duplicate_cost(t: Translator, e: errors.DuplicateRewardCost) -> str:
    if e.unit == "stamps":
        return t.ngettext(
            "{reward} already costs {n} stamp: give this reward another cost.",
            "{reward} already costs {n} stamps: give this reward another cost.",
            e.cost,
            reward=esc(e.name),
        )
    return t.ngettext(
        "{reward} already costs {n} point: give this reward another cost.",
        "{reward} already costs {n} points: give this reward another cost.",
        e.cost,
        reward=esc(e.name),
    )


def _ladder_full(t: Translator, e: errors.LadderFull) -> str:
    if e.unit == "stamps":
        return t.ngettext(
            "The programme already has {n} stamp reward, the most it can have. Remove one first.",
            "The programme already has {n} stamp rewards, the most it can have. Remove one first.",
            e.maximum,
        )
    return t.ngettext(
        "The programme already has {n} points reward, the most it can have. Remove one first.",
        "The programme already has {n} points rewards, the most it can have. Remove one first.",
        e.maximum,
    )


def _last_reward(t: Translator, e: errors.LastRewardKept) -> str:
    if e.unit == "stamps":
        return t.gettext(
            "This is the only stamp reward: a programme keeps at least one. Rename it or change its cost instead."
        )
    return t.gettext(
        "This is the only points reward: a programme keeps at least one. Rename it or change its cost instead."
    )


PROGRAMME_REFUSALS: dict[type[errors.DomainError], Callable[[Translator, Any], str]] = {
    errors.UnknownSetting: lambda t, e: (
        t.gettext(
            "There is no setting “{key}”. Did you mean “{near}”? /program lists them all.",
            key=esc(e.key[:40]),
            near=e.near,
        )
        if e.near
        else t.gettext(
            "There is no setting “{key}”. Settings: {keys}.",
            key=esc(e.key[:40]),
            keys=", ".join(e.allowed_keys),
        )
    ),
    errors.InvalidSettingValue: _setting_refusal,
    errors.BonusTooLargeForType: lambda t, e: t.gettext(
        "{key} is {value}, more than this type allows (0 to {maximum}): lower it first with /program set {key} and a smaller value.",
        key=e.key,
        value=t.number(e.value),
        maximum=t.number(e.maximum),
    ),
    errors.MergeConfirmationRequired: lambda t, e: t.ngettext(
        "{n} customer has several cards; turning cross-location on merges them.",
        "{n} customers have several cards; turning cross-location on merges them.",
        e.customers,
    ),
    errors.HappyHourPastMidnight: lambda t, e: past_midnight_question(t, e.window, e.minutes),
    errors.TypeChangeHidesBalances: lambda t, e: t.ngettext(
        "{n} card holds a balance that this type would hide.",
        "{n} cards hold a balance that this type would hide.",
        e.cards,
    ),
    errors.InvalidRewardCost: _cost_refusal,
    errors.InvalidRewardName: lambda t, e: t.ngettext(
        "Please give the reward a name of 1 to {n} character.",
        "Please give the reward a name of 1 to {n} characters.",
        e.max_length,
    ),
    errors.LadderFull: _ladder_full,
    errors.DuplicateRewardCost: _duplicate_cost,
    errors.LastRewardKept: _last_reward,
    errors.RewardNotFound: lambda t, e: (
        t.gettext(
            "There is no reward number {number}. Send /rewards to see the list.",
            number=e.number,
        )
        if e.number is not None
        else t.gettext("This reward is no longer offered.")
    ),
    errors.FirstRewardMustStayFirst: lambda t, e: t.gettext(
        "{key} is the cost of the first reward and must stay below the next one ({next}). Change the other rewards with /rewards.",
        key=e.key,
        next=t.number(e.next_cost),
    ),
}
