"""The /program menu: each setting's label, how its value reads and the values offered.

`SETTINGS` is the one registry: a setting key (as `/program set` takes it) → its words and
common choices. A key the domain has and the registry does not still shows, under its key,
with its raw value and free input; adding a setting here is one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from bot.i18n import LANGUAGE_NAMES, Translator
from bot.texts import esc, labelled
from bot.texts.bonuses import day_names, happy_hours_text
from domain.model import ProgramType
from domain.program import (
    BONUS_KEYS,
    HappyHours,
    ProgramSettings,
    apply_setting,
    setting_value,
)

BUTTON_TEXT_MAX = 48


def plain(t: Translator, value: object) -> str:
    """Any value, as plain text: on/off, times as HH:MM, the rest as it is."""
    if value is None:
        return t.gettext("off")
    if isinstance(value, bool):
        return t.gettext("on") if value else t.gettext("off")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, int | Decimal):
        return t.number(value)
    return str(value)


def _minutes(t: Translator, value: object) -> str:
    minutes = int(str(value))
    if minutes == 0:
        return t.gettext("no wait")
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return t.gettext("{minutes} min", minutes=rest)
    if rest == 0:
        return t.gettext("{hours} h", hours=hours)
    return t.gettext("{hours} h {minutes}", hours=hours, minutes=f"{rest:02d}")


def _per_day(t: Translator, value: object) -> str:
    count = int(str(value))
    if count == 0:
        return t.gettext("no limit")
    return t.number(count)


def _stamps(t: Translator, value: object) -> str:
    return t.ngettext("{n} stamp", "{n} stamps", int(str(value)))


def _points(t: Translator, value: object) -> str:
    return t.ngettext("{n} point", "{n} points", int(str(value)))


def _days(t: Translator, value: object) -> str:
    days = int(str(value))
    if days == 0:
        return t.gettext("never")
    return t.ngettext("{n} day", "{n} days", days)


def _days_or_off(t: Translator, value: object) -> str:
    days = int(str(value))
    return t.gettext("off") if days == 0 else t.ngettext("{n} day", "{n} days", days)


def _number_or_off(t: Translator, value: object) -> str:
    """A count where 0 turns the setting off (a bonus in the programme's unit, offers a day)."""
    number = int(str(value))
    return t.gettext("off") if number == 0 else t.number(number)


def _type(t: Translator, value: object) -> str:
    names = {
        ProgramType.STAMPS: t.gettext("Stamps"),
        ProgramType.POINTS: t.gettext("Points"),
        ProgramType.HYBRID: t.gettext("Stamps and points"),
    }
    return names.get(ProgramType(str(value)), str(value))


def _happy_hours(t: Translator, value: object) -> str:
    return happy_hours_text(t, value if isinstance(value, HappyHours) else None)


def _happy_hour_example(t: Translator) -> str:
    mon, _, _, _, fri, sat, _ = day_names(t)
    return t.gettext(
        "{weekdays} 14:00-16:00 x2; {saturday} 10:00-12:00 x3, or off",
        weekdays=f"{mon}-{fri}",
        saturday=sat,
    )


def _quiet_day(t: Translator, value: object) -> str:
    return t.gettext("one short line") if value else t.gettext("no message")


def _language(t: Translator, value: object) -> str:
    return LANGUAGE_NAMES.get(str(value), str(value))


Words = Callable[[Translator], str]
Shown = Callable[[Translator, object], str]


@dataclass(frozen=True)
class SettingView:
    """A setting's label, how its value reads, the values offered as buttons (as `/program
    set` takes them) and an example of what may be typed."""

    label: Words
    shown: Shown = plain
    choices: tuple[str, ...] = ()
    example: Words | None = None


_DURATION: Words = lambda t: t.gettext("30 min, 2h, 1 h 30 or off")  # noqa: E731
_COUNT_OR_OFF: Words = lambda t: t.gettext("3, 10 or off")  # noqa: E731

SETTINGS: dict[str, SettingView] = {
    "type": SettingView(lambda t: t.gettext("Card type"), _type, ("stamps", "points", "hybrid")),
    "stamps_target": SettingView(
        lambda t: t.gettext("Stamps for a reward"), _stamps, ("5", "8", "10", "12", "15")
    ),
    "reward": SettingView(
        lambda t: t.gettext("Stamp reward"), example=lambda t: t.gettext("Free coffee")
    ),
    "cooldown": SettingView(
        lambda t: t.gettext("Time between stamps"),
        _minutes,
        ("0", "5", "15", "30", "60"),
        _DURATION,
    ),
    "daily_limit": SettingView(
        lambda t: t.gettext("Stamps per customer per day"),
        _per_day,
        ("0", "1", "3", "5", "10"),
        _COUNT_OR_OFF,
    ),
    "points_per_euro": SettingView(
        lambda t: t.gettext("Points per euro"),
        choices=("1", "2", "5", "10"),
        example=lambda t: t.number(Decimal("1.5")),
    ),
    "points_reward": SettingView(
        lambda t: t.gettext("Points for a reward"), _points, ("50", "100", "200", "500")
    ),
    "points_reward_text": SettingView(
        lambda t: t.gettext("Points reward"), example=lambda t: t.gettext("5 € voucher")
    ),
    "expiry_days": SettingView(
        lambda t: t.gettext("Points expire after"),
        _days,
        ("0", "90", "180", "365", "730"),
        lambda t: t.gettext("180, 1 year or off"),
    ),
    "cross_location": SettingView(
        lambda t: t.gettext("One card for all stores"), choices=("on", "off")
    ),
    "timezone": SettingView(
        lambda t: t.gettext("Timezone"),
        choices=("Europe/Luxembourg", "Europe/Paris", "Europe/Berlin", "Europe/Brussels"),
        example=lambda t: t.gettext("Luxembourg, Paris or Europe/Berlin"),
    ),
    "summary": SettingView(
        lambda t: t.gettext("Daily summary"),
        choices=("18:00", "20:00", "21:00", "off"),
        example=lambda t: t.gettext("21:00, 9pm or off"),
    ),
    "quiet_day": SettingView(
        lambda t: t.gettext("Summary on a quiet day"),
        _quiet_day,
        ("line", "nothing"),
    ),
    "language": SettingView(
        lambda t: t.gettext("Customers’ and posters’ language"),
        _language,
        ("en", "fr", "de", "lb"),
    ),
    "staff_corrections": SettingView(
        lambda t: t.gettext("Staff may correct stamps"), choices=("on", "off")
    ),
    "welcome_bonus": SettingView(
        lambda t: t.gettext("Welcome bonus"), _number_or_off, ("0", "1", "2", "5"), _COUNT_OR_OFF
    ),
    "birthday_bonus": SettingView(
        lambda t: t.gettext("Birthday bonus"), _number_or_off, ("0", "1", "2", "5"), _COUNT_OR_OFF
    ),
    "referral_bonus": SettingView(
        lambda t: t.gettext("Bonus for inviting a friend"),
        _number_or_off,
        ("0", "1", "2", "5"),
        _COUNT_OR_OFF,
    ),
    "referral_cap": SettingView(
        lambda t: t.gettext("Friend bonuses per customer per month"),
        choices=("3", "5", "10", "20"),
    ),
    "happy_hour": SettingView(
        lambda t: t.gettext("Happy hours"),
        _happy_hours,
        ("mon-fri 14:00-16:00 x2", "off"),
        _happy_hour_example,
    ),
    "winback_days": SettingView(
        lambda t: t.gettext("“We miss you” message after"),
        _days_or_off,
        ("0", "14", "30", "60", "90"),
        lambda t: t.gettext("30, 60 or off"),
    ),
    "offers_per_day": SettingView(
        lambda t: t.gettext("Offers per day"), _number_or_off, ("0", "1", "2", "3")
    ),
}


def view_of(key: str) -> SettingView:
    """The registry's entry, or one that shows the key itself and takes free input only."""
    return SETTINGS.get(key) or SettingView(lambda t: key)


def label(t: Translator, key: str) -> str:
    return view_of(key).label(t)


def value_text(t: Translator, key: str, settings: ProgramSettings) -> str:
    """The current value of a setting, as plain text with its unit."""
    value = setting_value(settings, key)
    if key in BONUS_KEYS:  # in the programme's unit: stamps, or points where it collects them
        count = int(str(value))
        if count == 0:
            return t.gettext("off")
        return _points(t, count) if settings.bonus_in_points else _stamps(t, count)
    return view_of(key).shown(t, value)


def choice_text(t: Translator, key: str, settings: ProgramSettings, choice: str) -> str:
    """How a choice reads on its button: the value it sets, in words."""
    return value_text(t, key, apply_setting(settings, key, choice))


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


def value_not_applied(t: Translator, state: str, key: str) -> str:
    """A reply to a value prompt that is closed: nothing was changed, and why."""
    setting = esc(label(t, key))
    if state == "superseded":
        return t.gettext(
            "Nothing was changed: the question about “{setting}” was replaced by a newer one. Answer the newest question, or send /program.",
            setting=setting,
        )
    if state == "done":
        return t.gettext(
            "Nothing was changed: “{setting}” was already set from this question. Send /program to change it again.",
            setting=setting,
        )
    return t.gettext(
        "Nothing was changed: the question about “{setting}” has expired. Send /program to change it.",
        setting=setting,
    )
