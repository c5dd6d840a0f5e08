"""The registry of the programme's settings: each setting's label, group, how its value reads
(with its unit), the values offered and whether a value may be typed.

`SETTINGS` is the one registry: a setting key (as `/program set` takes it) → its words and
common choices. The chat's /program menu and the Mini App's settings form are both made from
it (bot/texts/program.py presents it), and refusals name a setting and its unit from it, so
the two cannot say different things. A key the domain has and the registry does not still
shows, under its key, with its raw value and free input; adding a setting here is one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from bot.i18n import Translator
from bot.texts import setting_values as values
from bot.texts.setting_values import plain

Words = Callable[[Translator], str]
Shown = Callable[[Translator, object], str]
Counted = Callable[[Translator, int], str]


class Group(StrEnum):
    """The Mini App's sections of the settings, in the order they are shown."""

    COUNTER = "counter"
    REWARDS = "rewards"
    BONUSES = "bonuses"
    MESSAGES = "messages"
    BUSINESS = "business"


def group_title(t: Translator, group: Group) -> str:
    titles = {
        Group.COUNTER: t.pgettext("settings", "At the counter"),
        Group.REWARDS: t.pgettext("settings", "Rewards"),
        Group.BONUSES: t.pgettext("settings", "Bonuses"),
        Group.MESSAGES: t.pgettext("settings", "Messages"),
        Group.BUSINESS: t.pgettext("settings", "Business"),
    }
    return titles[group]


class Control(StrEnum):
    """How a setting is changed: a switch (on/off), one of a few values (all there is), common
    values with free input beside them, or free input only."""

    SWITCH = "switch"
    RADIO = "radio"
    SELECT = "select"
    TEXT = "text"


@dataclass(frozen=True)
class SettingView:
    """A setting's label, group, how its value reads, the values offered as buttons (as
    `/program set` takes them), whether other values may be typed, an example of what may be,
    and its unit as a counted noun ("30 minutes") for saying which range is allowed."""

    label: Words
    shown: Shown = plain
    choices: tuple[str, ...] = ()
    example: Words | None = None
    group: Group = Group.BUSINESS
    free_input: bool = True
    unit: Counted | None = None

    @property
    def control(self) -> Control:
        if self.choices == ("on", "off"):
            return Control.SWITCH
        if self.choices and not self.free_input:
            return Control.RADIO
        return Control.SELECT if self.choices else Control.TEXT


_DURATION: Words = lambda t: t.gettext("30 min, 2h, 1 h 30 or off")  # noqa: E731
_COUNT_OR_OFF: Words = lambda t: t.gettext("3, 10 or off")  # noqa: E731

# The groups by their initials, so that each entry below stays short.
C, R, B, M, S = Group.COUNTER, Group.REWARDS, Group.BONUSES, Group.MESSAGES, Group.BUSINESS

SETTINGS: dict[str, SettingView] = {
    "type": SettingView(
        lambda t: t.gettext("Card type"),
        values.program_type,
        ("stamps", "points", "hybrid"),
        group=C,
        free_input=False,
    ),
    "stamps_target": SettingView(
        lambda t: t.gettext("Stamps for a reward"),
        values.stamps,
        ("5", "8", "10", "12", "15"),
        group=R,
        unit=values.stamps,
    ),
    "reward": SettingView(
        lambda t: t.gettext("Stamp reward"), example=lambda t: t.gettext("Free coffee"), group=R
    ),
    "cooldown": SettingView(
        lambda t: t.gettext("Time between stamps"),
        values.minutes,
        ("0", "5", "15", "30", "60"),
        _DURATION,
        group=C,
        unit=values.minutes_unit,
    ),
    "daily_limit": SettingView(
        lambda t: t.gettext("Stamps per customer per day"),
        values.per_day,
        ("0", "1", "3", "5", "10"),
        _COUNT_OR_OFF,
        group=C,
        unit=values.stamps,
    ),
    "points_per_euro": SettingView(
        lambda t: t.gettext("Points per euro"),
        choices=("1", "2", "5", "10"),
        example=lambda t: t.number(Decimal("1.5")),
        group=C,
    ),
    "points_reward": SettingView(
        lambda t: t.gettext("Points for a reward"),
        values.points,
        ("50", "100", "200", "500"),
        group=R,
        unit=values.points,
    ),
    "points_reward_text": SettingView(
        lambda t: t.gettext("Points reward"), example=lambda t: t.gettext("5 € voucher"), group=R
    ),
    "expiry_days": SettingView(
        lambda t: t.gettext("Points expire after"),
        values.days,
        ("0", "90", "180", "365", "730"),
        lambda t: t.gettext("180, 1 year or off"),
        group=R,
        unit=values.days_unit,
    ),
    "cross_location": SettingView(
        lambda t: t.gettext("One card for all stores"), choices=("on", "off"), group=S
    ),
    "timezone": SettingView(
        lambda t: t.gettext("Timezone"),
        choices=("Europe/Luxembourg", "Europe/Paris", "Europe/Berlin", "Europe/Brussels"),
        example=lambda t: t.gettext("Luxembourg, Paris or Europe/Berlin"),
        group=S,
    ),
    "summary": SettingView(
        lambda t: t.gettext("Daily summary"),
        choices=("18:00", "20:00", "21:00", "off"),
        example=lambda t: t.gettext("21:00, 9pm or off"),
        group=M,
    ),
    "quiet_day": SettingView(
        lambda t: t.gettext("Summary on a quiet day"),
        values.quiet_day,
        ("line", "nothing"),
        group=M,
        free_input=False,
    ),
    "language": SettingView(
        lambda t: t.gettext("Customers’ and posters’ language"),
        values.language,
        ("en", "fr", "de", "lb"),
        group=S,
        free_input=False,
    ),
    "staff_corrections": SettingView(
        lambda t: t.gettext("Staff may correct stamps"), choices=("on", "off"), group=C
    ),
    "welcome_bonus": SettingView(
        lambda t: t.gettext("Welcome bonus"),
        values.number_or_off,
        ("0", "1", "2", "5"),
        _COUNT_OR_OFF,
        group=B,
    ),
    "birthday_bonus": SettingView(
        lambda t: t.gettext("Birthday bonus"),
        values.number_or_off,
        ("0", "1", "2", "5"),
        _COUNT_OR_OFF,
        group=B,
    ),
    "referral_bonus": SettingView(
        lambda t: t.gettext("Bonus for inviting a friend"),
        values.number_or_off,
        ("0", "1", "2", "5"),
        _COUNT_OR_OFF,
        group=B,
    ),
    "referral_cap": SettingView(
        lambda t: t.gettext("Friend bonuses per customer per month"),
        choices=("3", "5", "10", "20"),
        group=B,
    ),
    "happy_hour": SettingView(
        lambda t: t.gettext("Happy hours"),
        values.happy_hours,
        ("mon-fri 14:00-16:00 x2", "off"),
        values.happy_hour_example,
        group=B,
    ),
    "winback_days": SettingView(
        lambda t: t.gettext("“We miss you” message after"),
        values.days_or_off,
        ("0", "14", "30", "60", "90"),
        lambda t: t.gettext("30, 60 or off"),
        group=M,
        unit=values.days_unit,
    ),
    "offers_per_day": SettingView(
        lambda t: t.gettext("Offers per day"),
        values.number_or_off,
        ("0", "1", "2", "3"),
        group=M,
        unit=values.offers_unit,
    ),
}


def view_of(key: str) -> SettingView:
    """The registry's entry, or one that shows the key itself and takes free input only."""
    return SETTINGS.get(key) or SettingView(lambda t: key)


def unit_of(key: str, bonus_unit: str | None = None) -> Counted | None:
    """The unit a setting's range is said in; a bonus's is the programme's (stamps or points)."""
    if bonus_unit is not None:
        return values.points if bonus_unit == "points" else values.stamps
    return view_of(key).unit


def label(t: Translator, key: str) -> str:
    return view_of(key).label(t)
