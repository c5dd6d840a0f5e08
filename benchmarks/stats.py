"""Small statistics: percentiles of latencies and medians of repeated runs."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max of latencies given in seconds, in milliseconds."""
    return {
        "p50_ms": percentile(seconds, 50) * 1000,
        "p95_ms": percentile(seconds, 95) * 1000,
        "p99_ms": percentile(seconds, 99) * 1000,
        "max_ms": (max(seconds) if seconds else math.nan) * 1000,
        "count": len(seconds),
    }


def median(values: Iterable[float]) -> float:
    finite = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(finite) if finite else math.nan


def median_of_runs(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Field by field, the median of numeric fields over repeated runs (others from the first)."""
    if not runs:
        return {}
    merged: dict[str, Any] = {}
    for key, first in runs[0].items():
        if isinstance(first, bool) or not isinstance(first, int | float):
            merged[key] = first
        else:
            merged[key] = median(run[key] for run in runs)
    merged["runs"] = len(runs)
    return merged


def ratio(numerator: float, denominator: float) -> float:
    if not denominator or math.isnan(denominator) or math.isnan(numerator):
        return math.nan
    return numerator / denominator
