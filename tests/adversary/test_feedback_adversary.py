"""Anonymous feedback against someone who holds the database, its history and the key.

Forty members each send a piece of feedback through the real bot (the memory adapter on
a real SQLite file, or the real PostgreSQL), over two days, while a facilitator checks
and hides feedback and the digests go out. After every submission (on PostgreSQL every
few) the adversary takes everything: on SQLite a byte copy of the database, its WAL and
shared memory, every commit the WAL holds replayed and every field decrypted with the
key, every token loose in free pages or stale frames opened, and the physical order of
the cells; on PostgreSQL every live row decrypted, every tuple on the heap pages (dead
versions too) through pageinspect, and xmin and ctid. Then they compare with who wrote
what, and in which order.

What docs/threat-model.md says they learn, and no more: the words and topic of each
piece, the day it was written, when it became visible for review and was shared; from
copies at two moments, which pieces arrived in between. Not who wrote any piece, and not
the order in which pieces of one day arrived.
"""

from __future__ import annotations

import itertools
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from storage.interface import Storage
from tests.adversary.forensics import adjacent_arrivals
from tests.adversary.forensics import poisson_tail
from tests.adversary.forensics import random_rho_threshold
from tests.adversary.forensics import spearman
from tests.adversary.observe import Sight
from tests.adversary.observe import Watcher
from tests.adversary.observe import rows_of
from tests.feedback.helpers import send
from tests.feedback.helpers import start
from tests.scheduled import at

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)  # London's midnight in winter is UTC's
FIRST_DAY = 32
SECOND_DAY = 8
FEEDBACK_TABLES = ("feedback_items", "feedback_pending")


def writer(n: int) -> str:
    """The handle of the n-th writer (the memory adapter's id is U-<handle>)."""
    return f"quillon{n:02d}"


def text_of(n: int) -> str:
    """The words of the n-th piece (unique, so the adversary can follow each)."""
    return f"Point {n:02d}: the group could do better at this"


def visible(state: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Every piece of feedback a state holds, pending or released: text -> id."""
    found: dict[str, str] = {}
    for row in rows_of(state, "feedback_items"):
        if isinstance(row.get("body"), dict):
            found[str(row["body"]["text"])] = str(row["id"])
    for row in rows_of(state, "feedback_pending"):
        if isinstance(row.get("body"), list):
            for entry in row["body"]:
                found[str(entry["text"])] = str(entry["id"])
    return found


def author_leaks(sight: Sight, writers: list[str]) -> list[str]:
    """Every place an id or name of a writer is found: plain bytes, any field, any
    commit, any loose token, any dead tuple."""
    return [f"{sight.label}: {needle} at {place.where}.{place.column} (state {place.state})"
            for handle in writers for needle in (f"U-{handle}", handle.title())
            for place in sight.places(needle)]


def order_in_history(sight: Sight) -> list[str]:
    """Ways this copy's history shows pieces arriving one after another: commits (SQLite:
    the WAL) that hold different sets of pieces, a pile not in random-id order, old row
    versions (PostgreSQL) of the piles."""
    found = []
    seen = [frozenset(visible(state)) for state in sight.states]
    if len(set(seen)) != 1:
        found.append(f"{sight.label}: its {len(seen)} commits hold "
                     f"{sorted({len(s) for s in seen})} pieces")
    for state in sight.states:
        for row in rows_of(state, "feedback_pending"):
            ids = [str(entry["id"]) for entry in row["body"]]
            if ids != sorted(ids):
                found.append(f"{sight.label}: a pile in arrival order")
    dead = [t for t in sight.dead if "feedback_pending" in t or t.startswith("pg_toast")]
    if dead:
        found.append(f"{sight.label}: old versions of the piles: {dead}")
    return found


def order_in_layout(sight: Sight, arrival: list[str]) -> tuple[int, list[str]]:
    """Where the first day's pieces are rows, whether their physical order (SQLite cells,
    PostgreSQL ctid) follows the order they arrived in: (how many checked, problems)."""
    ids = visible(sight.last)
    wanted = {ids[t]: rank for rank, t in enumerate(arrival) if t in ids}
    layout = [cell for cell in sight.layout.get("feedback_items", [])
              if str(cell.key[0]) in wanted]
    if len(layout) < 30:
        return 0, []
    found = []
    physical = [wanted[str(cell.key[0])] for cell in layout]
    rho = spearman(physical, list(range(len(physical))))
    if abs(rho) >= random_rho_threshold(len(physical)):
        found.append(f"{sight.label}: physical order follows arrival (rho {rho:.2f})")
    in_order = [(t,) for t in sorted(wanted, key=wanted.__getitem__)]
    observed, expected = adjacent_arrivals(layout, in_order)
    if poisson_tail(observed, expected) <= 1e-6:
        found.append(f"{sight.label}: {observed} pieces sit beside the one that came next "
                     f"(by chance: {expected:.1f})")
    return len(layout), found


def moments_in_stamps(sight: Sight) -> list[str]:
    """Tokens of the feedback tables carrying a moment (not a midnight) in the clear."""
    return [f"{sight.label}: {table} token stamped {stamp}"
            for table in FEEDBACK_TABLES for stamp in sight.stamps.get(table, [])
            if stamp % 86400]


async def listed_refs(bot: MemoryBot, who: str) -> tuple[str, list[str]]:
    """What a facilitator's /feedback list says, and the refs in it, in its order."""
    listing = reply_text(await bot.run(who, "/feedback list"))
    refs = [line.split()[2].rstrip(",:") for line in listing.splitlines()
            if line.startswith("- ref ")]
    return listing, refs


def for_the_group(listing: str) -> list[str]:
    """The refs of a /feedback list's items for the whole group (not the facilitators'),
    in its order."""
    return [line.split()[2].rstrip(",:") for line in listing.splitlines()
            if line.startswith("- ref ") and ", for the group" in line]


@pytest.mark.backends
async def test_adversary_feedback_author_and_arrival_order_wal_replay_xmin(
        abot: MemoryBot, clock: FakeClock, storage: Storage, key: str, backend: str,
        ) -> None:
    bot = abot
    await start(bot)
    bot.adapter.member("carol", "Facilitator")
    watcher = Watcher(storage, key, ordered=FEEDBACK_TABLES)
    every = 1 if backend == "sqlite" else 8
    arrival: list[str] = []
    after_submission: list[Sight] = []

    async def write(n: int, audience: str = "group") -> None:
        clock.advance(timedelta(minutes=7))
        reply = await send(bot, writer(n), text_of(n), audience=audience)
        assert reply_text(reply).startswith("Sent anonymously.")
        arrival.append(text_of(n))
        # The member is answered once the piece is durable; the history is emptied
        # straight after (docs/threat-model.md: the few milliseconds between).
        written = getattr(storage, "feedback_written", None)
        if written is not None:
            await written()
        if n % every == 0 or n in (FIRST_DAY - 1, FIRST_DAY + SECOND_DAY - 1):
            after_submission.append(await watcher.look(f"after piece {n}"))

    for n in range(FIRST_DAY):  # Monday from 09:07
        await write(n)
    await write(90, "facilitators")
    await at(bot, clock, MONDAY + timedelta(hours=17))  # the digest time
    await watcher.look("Monday after the digest time")
    shared_on_monday = len(bot.adapter.sent_to_channel("feedback"))

    clock.advance(MONDAY + timedelta(days=1, hours=9) - clock.now())
    listing, refs = await listed_refs(bot, "carol")
    await watcher.look("Tuesday after the facilitator's first look")
    # One for the group (the facilitators' piece, listed among them in no fixed order, is
    # never shared in the channel, so hiding it would change nothing there).
    assert len(for_the_group(listing)) == FIRST_DAY
    hidden = for_the_group(listing)[0]
    await bot.run("carol", f'/feedback hide item={hidden} reason="names a member"')
    await watcher.look("Tuesday after a hide")

    for n in range(FIRST_DAY, FIRST_DAY + SECOND_DAY):  # Tuesday from 09:07
        await write(n)
    await at(bot, clock, MONDAY + timedelta(days=1, hours=17))
    shared_by_tuesday = len(bot.adapter.sent_to_channel("feedback"))
    await watcher.look("Tuesday after the digest")
    clock.advance(MONDAY + timedelta(days=2, hours=9) - clock.now())
    await listed_refs(bot, "carol")
    await watcher.look("Wednesday after the facilitator's look")

    writers = [writer(n) for n in (*range(FIRST_DAY + SECOND_DAY), 90)]
    checked = 0
    problems: list[str] = []
    for sight in watcher.sights:
        problems += author_leaks(sight, writers)
        problems += order_in_history(sight)
        problems += moments_in_stamps(sight)
        count, found = order_in_layout(sight, arrival[:FIRST_DAY])
        checked += count
        problems += found
    assert problems == [], "\n".join(problems)
    assert checked, "the first day's pieces were never rows to check the order of"

    # On PostgreSQL, the pieces released for review together were written together.
    if backend == "postgres":
        released = [s for s in watcher.sights if s.label.startswith("Tuesday after the f")]
        (sight,) = released
        ids = {v for t, v in visible(sight.last).items() if t in arrival[:FIRST_DAY]}
        xmins = {xmin for (item,), xmin in sight.xmin["feedback_items"] if item in ids}
        assert len(ids) == FIRST_DAY and len(xmins) == 1, xmins

    # What facilitators could see and when (the adversary in chat, and issue 18.2):
    # nothing shared the day it was written; on Tuesday every piece of Monday listed (to
    # check and hide), with no count of Tuesday's; shared at Tuesday's digest, but the
    # hidden one.
    assert shared_on_monday == 0
    assert len(refs) == FIRST_DAY + 1 and "written today" not in listing
    assert shared_by_tuesday == FIRST_DAY - 1

    # What the threat model says copies at two moments do show (live access sees this
    # as it happens): the pieces that arrived in between, and nothing about their order.
    if backend == "sqlite":
        for before, after in itertools.pairwise(after_submission):
            new = set(visible(after.last)) - set(visible(before.last))
            assert len(new) == 1, (before.label, after.label, new)
