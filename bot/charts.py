"""Activity charts as PNG (matplotlib, imported only here and only when a chart is drawn)."""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence

from babel.dates import format_date

from bot.i18n import Translator
from bot.texts.reports import chart_labels, chart_title
from domain.model import DayActivity


def activity_chart(t: Translator, merchant_name: str, series: Sequence[DayActivity]) -> bytes:
    """Bars of stamps given per day, with lines for points earned and customers served."""
    import matplotlib

    matplotlib.use("Agg")  # no display: render to memory
    from matplotlib.figure import Figure

    days = [format_date(point.day, "d MMM", locale=t.locale) for point in series]
    stamps = [point.activity.stamps_given for point in series]
    points = [point.activity.points_earned for point in series]
    customers = [point.activity.customers_served for point in series]
    stamp_label, points_label, customers_label = chart_labels(t)

    figure = Figure(figsize=(10, 5), dpi=120)
    axes = figure.subplots()
    axes.bar(days, stamps, color="#c0813a", label=stamp_label)
    axes.plot(days, customers, color="#2f5d8a", marker="o", label=customers_label)
    # Matplotlib reads "$…$" as math: a business called "$5 Deals $" must print as typed.
    shown_name = merchant_name.replace("$", r"\$")
    axes.set_title(f"{shown_name} — {chart_title(t, len(series))}")
    axes.tick_params(axis="x", labelrotation=60, labelsize=8)
    axes.grid(axis="y", alpha=0.3)
    if any(points):
        other = axes.twinx()
        other.plot(days, points, color="#3b8a3e", linestyle="--", label=points_label)
        other.set_ylabel(points_label)
        other.set_ylim(bottom=0)
        handles = axes.get_legend_handles_labels()
        extra = other.get_legend_handles_labels()
        axes.legend(handles[0] + extra[0], handles[1] + extra[1], loc="upper left")
    else:
        axes.legend(loc="upper left")
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # Emoji and scripts the bundled font lacks are drawn as boxes; that is no error.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.tight_layout()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
