"""The domain-alone benchmark keeps working: a short run prints a positive figure per use case."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
USE_CASES = {"stamp", "first_visit_stamp", "notice_read", "identity"}


@pytest.mark.integration  # a SQLite file, opened by the benchmark's own process
def test_the_use_cases_benchmark_prints_a_cpu_figure_per_use_case() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.use_cases", "--calls", "5", "--engines", "sqlite"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = {
        cells[1].strip(): float(cells[2])
        for cells in (line.split("|") for line in done.stdout.splitlines())
        if len(cells) == 4 and cells[1].strip() in USE_CASES
    }
    assert set(rows) == USE_CASES
    assert all(value > 0 for value in rows.values()), rows
