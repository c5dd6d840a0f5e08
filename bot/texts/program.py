"""The programme's settings as both front ends present them, from the one registry
(bot/texts/setting_registry.py): the chat's /program menu and its screens, the Mini App's
settings form (`setting_form`), and what is said after a change.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import Translator
from bot.texts import esc, labelled
from bot.texts import setting_values as values
from bot.texts.setting_registry import (
    Control,
    Group,
    group_title,
    label,
    view_of,
)
from domain.program import (
    BONUS_KEYS,
    ProgramSettings,
    apply_setting,
    keys_for,
    setting_value,
)
from infra.steps import StepState

BUTTON_TEXT_MAX = 48


def value_text(t: Translator, key: str, settings: ProgramSettings) -> str:
    """The current value of a setting, as plain text with its unit."""
    value = setting_value(settings, key)
    if key in BONUS_KEYS:  # in the programme's unit: stamps, or points where it collects them
        count = int(str(value))
        if count == 0:
            return t.gettext("off")
        return values.points(t, count) if settings.bonus_in_points else values.stamps(t, count)
    return view_of(key).shown(t, value)


def choice_text(t: Translator, key: str, settings: ProgramSettings, choice: str) -> str:
    """How a choice reads on its button: the value it sets, in words."""
    return value_text(t, key, apply_setting(settings, key, choice))


@dataclass(frozen=True)
class Choice:
    """One value a setting offers: as `/program set` takes it, in words, and whether it is the
    value in force."""

    value: str
    text: str
    chosen: bool


def choices_of(t: Translator, key: str, settings: ProgramSettings) -> tuple[Choice, ...]:
    current = value_text(t, key, settings)
    offered = []
    for value in view_of(key).choices:
        text = choice_text(t, key, settings, value)
        offered.append(Choice(value, text, text == current))
    return tuple(offered)


@dataclass(frozen=True)
class SettingRow:
    """One setting of the Mini App's form: what it is called, what it is now, how it changes."""

    key: str
    label: str
    value: str
    control: Control
    choices: tuple[Choice, ...]
    free_input: bool  # a value may be typed (read as the chat reads it)
    example: str


@dataclass(frozen=True)
class SettingGroup:
    group: Group
    title: str
    rows: tuple[SettingRow, ...]


def setting_row(t: Translator, key: str, settings: ProgramSettings) -> SettingRow:
    view = view_of(key)
    return SettingRow(
        key=key,
        label=label(t, key),
        value=value_text(t, key, settings),
        control=view.control,
        choices=choices_of(t, key, settings),
        free_input=view.free_input and view.control is not Control.SWITCH,
        example=value_placeholder(t, key),
    )


def setting_form(t: Translator, settings: ProgramSettings) -> tuple[SettingGroup, ...]:
    """The settings the chat's menu shows for this programme's type, in their groups."""
    rows = [setting_row(t, key, settings) for key in keys_for(settings.type)]
    groups = []
    for group in Group:
        found = tuple(row for row in rows if view_of(row.key).group is group)
        if found:
            groups.append(SettingGroup(group, group_title(t, group), found))
    return tuple(groups)


def menu_button(t: Translator, key: str, settings: ProgramSettings) -> str:
    text = labelled(t, label(t, key), value_text(t, key, settings))
    return text if len(text) <= BUTTON_TEXT_MAX else text[: BUTTON_TEXT_MAX - 1] + "…"


def menu_text(t: Translator, note: str | None = None) -> str:
    """Above the menu's buttons; `note` says what just happened."""
    lines = [note] if note else []
    lines.append(t.gettext("<b>Your program</b>"))
    lines.append(t.gettext("Tap a setting to change it."))
    return "\n".join(lines)


def saved(t: Translator, key: str, settings: ProgramSettings) -> str:
    return t.gettext(
        "✅ Saved — {setting}",
        setting=esc(labelled(t, label(t, key), value_text(t, key, settings))),
    )


def menu_out_of_date(t: Translator) -> str:
    return t.gettext("That menu was out of date, nothing was changed. Here is your program now:")


def setting_screen(t: Translator, key: str, settings: ProgramSettings) -> str:
    """Above a setting's common values (a setting without any asks for a value at once)."""
    now = esc(labelled(t, f"{label(t, key)}", value_text(t, key, settings)))
    return t.gettext("<b>{setting}</b>\nChoose a new value:", setting=now)


def ask_value(t: Translator, key: str, settings: ProgramSettings) -> str:
    """The free-input prompt, bound to one setting."""
    text = t.gettext(
        "Send the new value for “{setting}” (now: {value}).",
        setting=esc(label(t, key)),
        value=esc(value_text(t, key, settings)),
    )
    example = view_of(key).example
    if example is not None:
        text += "\n" + t.gettext("For example: {example}", example=esc(example(t)))
    return text


def value_placeholder(t: Translator, key: str) -> str:
    example = view_of(key).example
    return example(t) if example is not None else label(t, key)


def value_again(t: Translator, problem: str, key: str) -> str:
    """A value that does not fit: why, and the same question again (the prompt stays open)."""
    return (
        problem
        + "\n"
        + t.gettext("Send the value for “{setting}” again.", setting=esc(label(t, key)))
    )


def value_not_applied(t: Translator, state: StepState, key: str) -> str:
    """A reply to a value prompt that is closed: nothing was changed, and why."""
    setting = esc(label(t, key))
    if state is StepState.SUPERSEDED:
        return t.gettext(
            "Nothing was changed: the question about “{setting}” was replaced by a newer one. Answer the newest question, or send /program.",
            setting=setting,
        )
    if state is StepState.DONE:
        return t.gettext(
            "Nothing was changed: “{setting}” was already set from this question. Send /program to change it again.",
            setting=setting,
        )
    return t.gettext(
        "Nothing was changed: the question about “{setting}” has expired. Send /program to change it.",
        setting=setting,
    )


def value_too_long_to_confirm(t: Translator) -> str:
    """A change that needs a Yes, with a value too long to keep until the answer."""
    return t.gettext(
        "That value is too long. Please shorten it and try again; nothing was changed."
    )
