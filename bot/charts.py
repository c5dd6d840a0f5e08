"""Activity charts as PNG (matplotlib, imported only here and only when a chart is drawn)."""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from babel.dates import format_date

from bot.i18n import Translator
from bot.texts.reports import chart_day_axis, chart_labels, chart_title
from domain.model import Activity, DayActivity, ProgramType

if TYPE_CHECKING:
    from matplotlib.axes import Axes

BAR_COLOURS = {"stamps": "#c0813a", "points": "#3b8a3e"}
CUSTOMERS_COLOUR = "#2f5d8a"


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


def activity_chart(
    t: Translator, merchant_name: str, program_type: ProgramType, series: Sequence[DayActivity]
) -> bytes:
    """Bars per day of what the programme collects (a panel each for a hybrid programme), with
    the customers served as a line on the first panel's right-hand axis."""
    import matplotlib

    matplotlib.use("Agg")  # no display: render to memory
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    days = [format_date(point.day, "d MMM", locale=t.locale) for point in series]
    stamp_label, points_label, customers_label = chart_labels(t)
    labels = {Measure.STAMPS: stamp_label, Measure.POINTS: points_label}
    measures = charted_measures(program_type)

    figure = Figure(figsize=(10, 4 + 2 * len(measures)), dpi=120)
    panels: list[Axes] = list(figure.subplots(len(measures), 1, sharex=True, squeeze=False)[:, 0])
    for axes, measure in zip(panels, measures, strict=True):
        values = [_value(point.activity, measure) for point in series]
        axes.bar(days, values, color=BAR_COLOURS[measure], label=labels[measure])
        axes.set_ylabel(labels[measure])
        axes.grid(axis="y", alpha=0.3)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # no half stamps
    top = panels[0]
    customers = top.twinx()
    customers.plot(
        days,
        [point.activity.customers_served for point in series],
        color=CUSTOMERS_COLOUR,
        marker="o",
        label=customers_label,
    )
    customers.set_ylabel(customers_label)
    customers.set_ylim(bottom=0)
    customers.yaxis.set_major_locator(MaxNLocator(integer=True))
    bars, bar_labels = top.get_legend_handles_labels()
    line, line_labels = customers.get_legend_handles_labels()
    top.legend(bars + line, bar_labels + line_labels, loc="upper left")
    # Matplotlib reads "$…$" as math: a business called "$5 Deals $" must print as typed.
    shown_name = merchant_name.replace("$", r"\$")
    top.set_title(f"{shown_name} — {chart_title(t, len(series))}")
    bottom = panels[-1]
    bottom.set_xlabel(chart_day_axis(t))
    bottom.tick_params(axis="x", labelrotation=60, labelsize=8)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # Emoji and scripts the bundled font lacks are drawn as boxes; that is no error.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.tight_layout()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
