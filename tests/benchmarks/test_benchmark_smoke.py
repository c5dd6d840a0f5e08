"""The benchmarks must keep working: the whole suite in --quick mode, and every figure sane.

Values are not checked against the targets (that is docs/performance.md's job), only that each
figure exists and is a plausible positive number, so the benchmarks cannot silently rot.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
LATENCIES = ("p50_ms", "p95_ms", "p99_ms")
GROWTH = ("stamp", "history_first", "history_deep", "daily_summary", "insights", "insights_busy")


def positive(value: Any) -> bool:
    return isinstance(value, int | float) and not math.isnan(value) and value > 0


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(out), "--workdir", str(tmp)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text()), done.stdout


@pytest.mark.workers
def test_rush_figures(run: tuple[dict[str, Any], str]) -> None:
    results, _ = run
    for engine in ("sqlite", "sqlite_unthrottled"):
        rush = results["rush"][engine]
        closed = rush["closed"]
        for name in ("updates_per_s", "ops_per_s", "count", *LATENCIES):
            assert positive(closed[name]), (engine, name, closed[name])
        assert closed["p50_ms"] <= closed["p99_ms"] <= closed["max_ms"]
        assert set(closed["kinds"]) <= {"stamp", "points", "redeem"}
        assert positive(closed["cpu_ms_per_update_bot"])
        assert 10 < rush["idle_rss_mib"] <= rush["peak_rss_mib"] < 2000
        # Every balance change the load generator asked for is in the ledger, once.
        assert rush["ledger_rows_written"] == rush["balance_changes_sent"] > 0
        # Every customer got their notice, after the cashier's reply at the latest a minute.
        notices = rush["notices"]
        assert notices["outstanding"] == 0 and notices["count"] >= closed["operations"] > 0
        assert 0 < notices["p50_ms"] <= notices["max_ms"] < 90_000
        paced = rush["paced"][0]
        assert paced["answered"] == paced["updates"] > 0
        assert all(positive(paced[name]) for name in LATENCIES)


@pytest.mark.workers
def test_ceiling_figures(run: tuple[dict[str, Any], str]) -> None:
    ceilings = run[0]["ceilings"]
    for name in ("echo", "echo_rate_limited"):
        assert positive(ceilings[name]["updates_per_s"])
        assert all(positive(ceilings[name][latency]) for latency in LATENCIES)
    domain = ceilings["domain"]["sqlite"]
    assert positive(domain["ops_per_s"]) and positive(domain["p99_ms"])
    for use_case, figures in domain["one_at_a_time"].items():
        assert figures["statements"] >= 1 and positive(figures["ms"]), use_case


@pytest.mark.workers
def test_growth_figures(run: tuple[dict[str, Any], str]) -> None:
    sizes = run[0]["growth"]["sqlite"]
    assert set(sizes) == {"0", "2000"}
    for figures in sizes.values():
        assert figures["invariant_breaches"] == 0
        for name in GROWTH:
            assert positive(figures[f"{name}_ms"]) and positive(figures[f"{name}_ratio"])
    assert sizes["0"]["stamp_ratio"] == 1.0


@pytest.mark.workers
def test_two_workers_figures(run: tuple[dict[str, Any], str]) -> None:
    two = run[0].get("two_workers")
    if two is None:
        assert not os.environ.get("CI"), "CI has PostgreSQL: the two-worker part must run"
        pytest.skip("PostgreSQL is not installed here")
    assert positive(two["closed"]["updates_per_s"]) and positive(two["messages_per_s"])
    assert 0 < two["most_messages_in_one_second"] <= 30 and two["answers_429"] == 0
    assert two["notices"]["outstanding"] == 0


@pytest.mark.workers
def test_many_bots_figures(run: tuple[dict[str, Any], str]) -> None:
    many = run[0]["many_bots"]
    for idle in many["idle"]:
        assert idle["bots"] > 0 and math.isfinite(idle["rss_growth_mib"])
        assert positive(idle["build_s"])
    for start in many["worker_start"]:
        assert positive(start["first_start_s"]) and positive(start["restart_s"])
        assert 10 < start["idle_rss_mib"] < 2000
    assert positive(many["echo"]["cpu_ms_per_update_bot"])
    cafes = many.get("rush")
    if cafes is None:
        assert not os.environ.get("CI"), "CI has PostgreSQL: the café bots' rush must run"
        pytest.skip("PostgreSQL is not installed here")
    closed = cafes["closed"]
    assert positive(closed["updates_per_s"]) and positive(closed["p95_ms"])
    assert positive(cafes["bot_cpu_ms_per_update"]) and positive(many["cpu_vs_echo"])
    assert positive(cafes["messages_per_s"]) and cafes["workers_idle_cores"] >= 0
    # Every café bot kept to its own budget, and every balance change is in the ledger once.
    assert 0 < cafes["most_messages_in_one_second_per_bot"] <= 30 and cafes["answers_429"] == 0
    assert cafes["ledger_rows_written"] == cafes["balance_changes_sent"] > 0
    assert cafes["notices"]["outstanding"] == 0 and cafes["platform_bot_messages"] == 0


@pytest.mark.workers
def test_till_api_figures(run: tuple[dict[str, Any], str]) -> None:
    setups = {(s["engine"], s["workers"]): s for s in run[0]["api"]}
    if ("postgres", 2) not in setups:
        assert not os.environ.get("CI"), "CI has PostgreSQL: two API workers must run"
    for setup in setups.values():
        assert setup["runs"]
        for figures in setup["runs"]:
            assert positive(figures["requests_per_s"]) and figures["errors"] == 0
            assert all(positive(figures[latency]) for latency in LATENCIES)
            # Every request answered wrote one ledger row, and every event reached the receiver.
            assert figures["ledger_rows"] == figures["answered"] == figures["requests"] > 0
            webhooks = figures["webhooks"]
            assert webhooks["received"] == webhooks["expected"] >= figures["ledger_rows"]
            assert 0 < webhooks["delay_p95_ms"] < 60_000
    alone = setups[("sqlite", 1)]["one_request"]
    assert alone["statements"] > 0 and alone["transactions"] >= 1
    assert "Till API" in run[1]


@pytest.mark.workers
def test_every_part_of_the_full_run_ran(run: tuple[dict[str, Any], str]) -> None:
    from benchmarks.__main__ import PARTS

    ran = set(run[0]) & set(PARTS)
    expected = set(PARTS) - ({"two_workers"} if "two_workers" not in run[0] else set())
    assert ran == expected


def test_growth_stamps_never_take_a_card_to_its_top_reward() -> None:
    """The full run's budget (30 samples, 5 rounds) on cards at every balance: the full run
    once stamped one card 165 times and stopped at its top reward."""
    from datetime import UTC, datetime

    from benchmarks.dataset import CardState
    from benchmarks.growth import _stamp_turns

    cards = [CardState(i, i, 1, 1, datetime.now(UTC), stamp_count=i % 12) for i in range(1, 200)]
    turns = _stamp_turns(cards, 10, 5 * (30 + 3))
    assert len(turns) == 165
    taken = {card.id: sum(1 for t in turns if t.id == card.id) for card in cards}
    assert all(card.stamp_count + taken[card.id] < 10 for card in cards if taken[card.id])


@pytest.mark.workers
def test_startup_and_report(run: tuple[dict[str, Any], str]) -> None:
    results, table = run
    startup = results["startup"]
    assert 0 < startup["restart_s"] < 60 and 0 < startup["first_start_s"] < 60
    assert positive(startup["idle_rss_mib"])
    assert results["targets"] and all(isinstance(t["met"], bool) for t in results["targets"])
    headings = ("Rush, closed loop", "Ceilings", "Growth", "Start-up", "Many bots", "Targets")
    for heading in headings:
        assert heading in table
