"""Months without care: a busy month on a fast clock (`tests/soak/month.py`), and the
database stops growing once the daily sweep prunes as much as the days add.

The real app on a real SQLite file (in memory-backed tmpfs where there is one, for
speed), every feature, the real dispatcher and scheduler, the sweep at each midnight.
`bench/soak.py` runs the same month longer and bigger, beside a baseline that does not
prune, and prints the daily sizes.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from tests.soak.month import DIRECT_MESSAGES
from tests.soak.month import Day
from tests.soak.month import fast_folder
from tests.soak.month import play

MEMBERS = 24
DAYS = 30
# Everything pruned is at most eight days old: from then on the month is steady.
STEADY_FROM = 15
BOUND_SECONDS = 240
PRUNED = ("occurrences", "deliveries", "request_claims")


def curve(days: list[Day]) -> str:
    """The daily figures, for a failure's message."""
    return "\n".join(f"day {d.day:2d}: {d.total_bytes:>9,} bytes, {d.free_pages:3d} free pages, "
                     + ", ".join(f"{t} {d.rows[t]}" for t in PRUNED) for d in days)


async def test_a_month_of_a_busy_group_levels_off() -> None:
    with tempfile.TemporaryDirectory(dir=fast_folder()) as folder:
        async with asyncio.timeout(BOUND_SECONDS):
            days, tally, sent = await play(Path(folder) / "soak.db", MEMBERS, DAYS)
    assert tally.repeats_ignored == tally.events  # every Slack repeat was ignored

    middle, last = days[STEADY_FROM - 1], days[-1]
    shown = curve(days)
    # The file stops growing: what the sweep frees, the next days reuse.
    assert last.total_bytes <= middle.total_bytes * 1.1, shown
    for table in PRUNED:
        assert last.rows[table] <= middle.rows[table] * 1.2 + 5, (table, shown)
    # ... although the month kept adding: far more was sent, claimed and handled than is
    # left, because the sweeps deleted it.
    assert sent > 3 * last.rows["deliveries"], (sent, shown)
    pruned = {kind: sum(d.swept[kind] for d in days)
              for kind in ("occurrences", "event_keys", "deliveries")}
    assert pruned["deliveries"] > last.rows["deliveries"], (pruned, shown)
    assert pruned["occurrences"] + pruned["event_keys"] > last.rows["occurrences"], pruned
    assert pruned["event_keys"] >= tally.events - 2 * DIRECT_MESSAGES  # all but the last day
    # Every sweep said what it pruned, and from the second week found some of each.
    for day in days:
        assert {"occurrences", "event_keys", "request_claims", "deliveries",
                "undeliverable"} <= day.swept.keys(), day
    for day in days[9:]:
        assert day.swept["occurrences"] and day.swept["event_keys"], day
        assert day.swept["deliveries"], day
