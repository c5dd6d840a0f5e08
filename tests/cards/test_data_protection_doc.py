"""docs/operating.md names every table of the schema and what /forget does to it."""

from __future__ import annotations

import re
from pathlib import Path

import infra.tables  # noqa: F401  (registers the infrastructure's tables)
from domain.db.tables import Base

DOC = Path(__file__).resolve().parents[2] / "docs" / "operating.md"


def test_every_table_is_in_the_data_protection_list() -> None:
    text = DOC.read_text().split("## Data protection", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    listed = {name for row in rows for name in re.findall(r"`([a-z_]+)`", row.split("|")[1])}
    assert listed == set(Base.metadata.tables)
