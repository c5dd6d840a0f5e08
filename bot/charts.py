"""Activity charts as PNG (matplotlib, imported only here and only when a chart is drawn)."""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from babel.dates import format_skeleton

from bot.fonts import matplotlib_families, printable
from bot.i18n import Translator
from bot.texts.reports import chart_labels, chart_title
from domain.insights import Cohort
from domain.model import Activity, DayActivity, ProgramType

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

ACCENT = "#c0813a"  # the cards' colour (bot/images.py), until a café chooses its own
CUSTOMERS_COLOUR = "#2f5d8a"
WEEK_LABELS = 8  # day labels that fit side by side, level, on a phone's width


class Measure(StrEnum):
    STAMPS = "stamps"
    POINTS = "points"


def charted_measures(program_type: ProgramType) -> tuple[Measure, ...]:
    """What the programme collects, one panel each: a points line on a stamp café would set the
    scale and flatten the stamps, so only what customers can collect is drawn."""
    measures = []
    if program_type.has_stamps:
        measures.append(Measure.STAMPS)
    if program_type.has_points:
        measures.append(Measure.POINTS)
    return tuple(measures)


def _value(activity: Activity, measure: Measure) -> int:
    return activity.stamps_given if measure is Measure.STAMPS else activity.points_earned


def day_labels(t: Translator, days: Sequence[date]) -> list[str]:
    """Day labels that stay level and apart on a phone, written as the viewer writes dates: a
    week names its days ("Mo., 30."), a longer period writes every few days ("30. Nov.") and
    leaves the others blank."""
    if len(days) <= WEEK_LABELS:
        return [format_skeleton("Ed", day, locale=t.locale) for day in days]
    step = math.ceil(len(days) / WEEK_LABELS)
    last = len(days) - 1
    return [
        format_skeleton("dMMM", day, locale=t.locale) if (last - index) % step == 0 else ""
        for index, day in enumerate(days)
    ]


def activity_figure(
    t: Translator,
    merchant_name: str,
    program_type: ProgramType,
    series: Sequence[DayActivity],
    colour: str = ACCENT,
) -> Figure:
    """Small multiples, one quantity per panel: what the programme collects (a panel each for a
    hybrid programme), then the customers served. Two quantities on twin axes drew 2 customers
    as tall as 8 stamps; here each bar is read against its own scale."""
    import matplotlib

    matplotlib.use("Agg")  # no display: render to memory
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    stamp_label, points_label, customers_label = chart_labels(t)
    labels = {Measure.STAMPS: stamp_label, Measure.POINTS: points_label}
    panels_drawn: list[tuple[str, list[int], str]] = [
        (labels[measure], [_value(point.activity, measure) for point in series], colour)
        for measure in charted_measures(program_type)
    ]
    panels_drawn.append(
        (customers_label, [point.activity.customers_served for point in series], CUSTOMERS_COLOUR)
    )
    figure = Figure(figsize=(8, 1.2 + 2.2 * len(panels_drawn)), dpi=120)
    panels: list[Axes] = list(
        figure.subplots(len(panels_drawn), 1, sharex=True, squeeze=False)[:, 0]
    )
    positions = list(range(len(series)))
    for axes, (label, values, bar_colour) in zip(panels, panels_drawn, strict=True):
        axes.bar(positions, values, color=bar_colour, width=0.7)
        axes.set_title(label, loc="left", fontsize=11)
        axes.grid(axis="y", alpha=0.3)
        axes.set_ylim(bottom=0, top=max(1, *values) * 1.1)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))  # no half stamps
        axes.spines[["top", "right"]].set_visible(False)
        axes.tick_params(axis="x", length=0)  # the days are the bars; marks between add noise
    # Matplotlib reads "$…$" as math: a business called "$5 Deals $" must print as typed; an
    # emoji of its name comes from the emoji font, and one no font has is left out.
    shown_name = printable(merchant_name).replace("$", r"\$")
    figure.suptitle(
        f"{shown_name} — {chart_title(t, len(series))}",
        fontsize=13,
        family=list(matplotlib_families()),
    )
    bottom = panels[-1]
    bottom.set_xticks(positions, day_labels(t, [point.day for point in series]), fontsize=10)
    bottom.set_xlim(-0.6, len(series) - 0.4)
    return figure


def activity_chart(
    t: Translator,
    merchant_name: str,
    program_type: ProgramType,
    series: Sequence[DayActivity],
    colour: str = ACCENT,
) -> bytes:
    """The activity chart as a PNG."""
    figure = activity_figure(t, merchant_name, program_type, series, colour)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # Emoji and scripts the bundled font lacks are drawn as boxes; that is no error.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.tight_layout()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def cohort_chart(
    t: Translator, merchant_name: str, cohorts: Sequence[Cohort], colour: str = ACCENT
) -> bytes:
    """Return by first month: per month of first visits, the share who came again in each of
    the three months after, as bars side by side (a month not begun yet has no bar)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.colors import to_rgb
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    from bot.texts.insights import cohort_labels, cohort_month, cohort_title

    figure = Figure(figsize=(8, 4.6), dpi=120)
    axes = figure.subplots()
    base = to_rgb(colour)
    width = 0.26
    for index, label in enumerate(cohort_labels(t)):
        # The brand colour, lighter for each month further away.
        shade = tuple(part + (1 - part) * 0.3 * index for part in base)
        xs, heights = [], []
        for position, cohort in enumerate(cohorts):
            value = cohort.came_back[index]
            if value is not None:
                xs.append(position + (index - 1) * width)
                heights.append(value)
        axes.bar(xs, heights, width=width, color=shade, label=label)
    axes.set_xticks(
        range(len(cohorts)), [cohort_month(t, c.month, c.size) for c in cohorts], fontsize=9
    )
    axes.set_ylim(0, 1)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(axis="x", length=0)
    axes.legend(loc="upper right", fontsize=9, frameon=False)
    shown_name = printable(merchant_name).replace("$", r"\$")
    figure.suptitle(
        f"{shown_name} — {cohort_title(t)}", fontsize=12, family=list(matplotlib_families())
    )
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.tight_layout()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
