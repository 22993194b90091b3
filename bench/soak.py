"""Benchmark: the database of a busy group over simulated months, with and without the
retention sweep pruning what grows with every firing, event and message.

The workload is `tests/soak/month.py` (the real app on a real SQLite file, every
feature, the real dispatcher and scheduler on a fast clock, the sweep at each midnight
UTC): two weekly meetings with reminders by DM, a weekly check-in per member, daily
feedback and digests, a weekly anonymous poll, direct messages handled once by their
Slack event id (and repeated), one member with closed DMs. It runs twice on fresh files:
pruning (the code as it is) and the baseline (the sweep without pruning, as before
issue 21). Printed: the size of the file after each day's sweep, its free pages, the
largest the WAL grew that day, and the rows of the tables that grow, then a table with
the growth over the second half. Target: with pruning, the file on the last day within
10% of the middle day (the pruned tables' rows within 20%). SQLite only: the file is
what an operator sees grow. Bounded: about a minute with the defaults on two cores.

Run: `make bench`, or `.venv/bin/python bench/soak.py [--members 40] [--days 60]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import Row, note, print_table, ratio
from tests.soak.month import Day, fast_folder, play

MEMBERS = 40
DAYS = 60
# Growth over the second half: the file within 10%; the rows of the pruned tables within
# 20% (a meeting day adds more than a quiet one, so two days compared can differ).
TARGETS = {"file": 1.10, "occurrences": 1.20, "deliveries": 1.20}


def show(label: str, day: Day) -> None:
    """One line per day, as it is measured."""
    rows = day.rows
    print(f"{label:8s} day {day.day:3d}  file {day.file_bytes / 1024:8.0f} KiB  "
          f"free pages {day.free_pages:4d}  WAL peak {day.peak_wal_bytes / 1024:6.0f} KiB  "
          f"occurrences {rows['occurrences']:5d}  deliveries {rows['deliveries']:5d}  "
          f"check-ins {rows['checkins']:4d}  feedback {rows['feedback_items']:3d}",
          flush=True)


async def one(label: str, members: int, days: int, prune: bool) -> tuple[list[Day], int]:
    """The month on a fresh file; the days and how many messages were sent."""
    with tempfile.TemporaryDirectory(dir=fast_folder()) as folder:
        out, _, sent = await play(Path(folder) / "soak.db", members, days, prune=prune,
                                  on_day=lambda day: show(label, day))
    return out, sent


async def main() -> int:
    """Pruning, then the baseline; the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--days", type=int, default=DAYS)
    args = parser.parse_args()
    logging.getLogger().addHandler(logging.NullHandler())  # the bot's warnings: not here
    started = time.perf_counter()
    pruned, sent = await one("pruning", args.members, args.days, prune=True)
    baseline, _ = await one("baseline", args.members, args.days, prune=False)
    middle = args.days // 2 - 1
    rows = []
    for kind, key in (("file bytes", "file"), ("occurrences", "occurrences"),
                      ("deliveries", "deliveries")):
        def value(days: list[Day], at: int, key: str = key) -> int:
            return days[at].file_bytes if key == "file" else days[at].rows[key]
        growth = value(pruned, -1) / max(value(pruned, middle), 1)
        base_growth = value(baseline, -1) / max(value(baseline, middle), 1)
        rows.append(Row(f"{kind}: day {args.days} / day {middle + 1}",
                        f"{growth:.2f}x", f"{base_growth:.2f}x",
                        ratio(value(pruned, -1), value(baseline, -1)),
                        f"<= {TARGETS[key]:.2f}x", growth <= TARGETS[key]))
    print_table(f"soak: {args.members} members, {args.days} days, {sent} messages sent "
                "(SQLite)", rows)
    note("value = growth over the second half with pruning; baseline = the same without; "
         "ratio = last day's size with pruning / without.")
    note(f"(bench took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
