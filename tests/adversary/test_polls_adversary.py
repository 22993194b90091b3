"""Attack tests: can someone holding the database files, their history and the key link a
member to their choice in an anonymous poll or an agreement vote while it is open?

The flow is real: the app with its default features, driven through the memory adapter
on a real SQLite file (or a real PostgreSQL schema). Six members vote in a one-choice
poll, a several-choices poll and a vote on a change to the agreement; some change their
vote; then everything closes. At moments along the way the adversary takes what they
can take, and `tests/adversary/ballots.py` solves what they found for who chose what.

SQLite, one copy of `coprod.db`, `-wal` and `-shm` taken at any moment, with the key:
every WAL commit is replayed and decrypted, every page version (stale frames, free
space) is searched for encrypted boxes, every member's voter tag is computed, and cell
order is read. The assertion: the copy tells nothing beyond its own current state (who
has voted so far and the running counts, which the bot needs to keep). On the old design
(`main` before this change: rows per voter and per option, the WAL emptied only at the
close) the same test finds every vote and every change of vote; see
`test_adversary_wal_replay_catches_a_store_that_keeps_history` for the same failure made
on purpose.

PostgreSQL, a plain SELECT of every row of every table with `xmin`, `xmax` and `ctid`,
after every vote, with the key: no row a vote writes shares its transaction id with
another row, and no row per voter exists whose place or xmin shows the order of votes.
On the old design each vote's transaction wrote the voter's row and the tally rows of
the options chosen, so one SELECT showed the last voter for each option.

What cannot hold, tested as such so the docs stay true: two copies (or one copy and the
published results) compared link the votes cast between them; a copy taken in the
instant between a vote's commit and the WAL being emptied links that newest vote; on
PostgreSQL the server's own files keep older versions until a close rewrites the table
(and its WAL longer). docs/threat-model.md says so, and the poll tells members.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from cryptography.fernet import Fernet
from cryptography.fernet import MultiFernet

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.events import ButtonPress
from storage.crypto import FieldCipher
from storage.interface import Storage
from tests.adversary.ballots import Link
from tests.adversary.ballots import Observation
from tests.adversary.ballots import Target
from tests.adversary.ballots import belongs
from tests.adversary.ballots import boxes_in_bytes
from tests.adversary.ballots import changes
from tests.adversary.ballots import known
from tests.adversary.ballots import links
from tests.adversary.ballots import observe
from tests.adversary.ballots import secrets_of
from tests.adversary.forensics import DbCopy
from tests.adversary.forensics import _pageinspect_schema
from tests.adversary.forensics import cell_order
from tests.adversary.forensics import commit_states
from tests.adversary.forensics import decrypt_everything
from tests.adversary.forensics import decrypt_rows
from tests.adversary.forensics import page_versions
from tests.adversary.forensics import pg_page_tuples
from tests.adversary.forensics import pg_system_columns
from tests.adversary.forensics import take_copy
from tests.agreement.helpers import propose
from tests.agreement.helpers import start_agreement
from tests.backends import CONNECT_TIMEOUT_SECONDS
from tests.backends import need_postgres
from tests.backends import opened
from tests.backends import opened_storage
from tests.backends import postgres_url
from tests.feedback.helpers import start
from tests.watchdog import watchdog

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
WATCHDOG_SECONDS = 240
MEMBERS = ("alice", "bob", "cleo", "dan", "eve", "fay")
ONE, SEVERAL, AMENDMENT = "one", "several", "amendment"
YES, NO = 0, 1

# (vote, member, choices): first votes and changes, interleaved as people would.
STEPS: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    (ONE, "alice", (0,)), (ONE, "bob", (1,)), (SEVERAL, "alice", (0, 1)),
    (ONE, "cleo", (0,)), (AMENDMENT, "bob", (NO,)), (AMENDMENT, "alice", (YES,)),
    (ONE, "dan", (2,)), (SEVERAL, "bob", (2,)), (ONE, "alice", (1,)),
    (SEVERAL, "cleo", (0, 2)), (AMENDMENT, "cleo", (YES,)), (ONE, "eve", (1,)),
    (SEVERAL, "dan", (1,)), (AMENDMENT, "dan", (NO,)), (ONE, "bob", (2,)),
    (SEVERAL, "cleo", (1,)), (AMENDMENT, "alice", (NO,)), (ONE, "fay", (0,)),
    (SEVERAL, "eve", (0, 1, 2)), (AMENDMENT, "eve", (YES,)),
)

Moment = Callable[[str, "tuple[str, str, tuple[int, ...]] | None"], Awaitable[None]]


@dataclass
class Flow:
    """The votes under attack and what really happened."""

    bot: MemoryBot
    targets: dict[str, Target] = field(default_factory=dict)
    truth: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)

    def user(self, member: str) -> str:
        """A member's platform id."""
        return self.bot.adapter.member(member).user_id

    def learn_tags(self, secrets: dict[str, str]) -> None:
        """The adversary computes every member's tag in every vote they hold a secret of."""
        users = [self.user(m) for m in (*MEMBERS, "carol")]
        for target in self.targets.values():
            secret = secrets.get(target.box_id)
            if secret is not None and not target.tags:
                target.learn_tags(secret, self.bot.group_id, users)


async def _poll(bot: MemoryBot, question: str, multiple: bool) -> str:
    reply = await bot.run("carol", f'/poll question="{question}" options="Mon|Tue|Wed" '
                          f"closes=2d anonymous=yes multiple={'yes' if multiple else 'no'}")
    assert "will be posted" in reply_text(reply), reply_text(reply)
    post = bot.adapter.sent_to_channel("updates")[-1]
    value = post.select.choices[0].value if post.select is not None else post.buttons[0].value
    return value.split(":")[0]


async def cast(flow: Flow, vote: str, member: str, choices: tuple[int, ...]) -> str:
    """`member` votes through the buttons or the menu, as on the platform."""
    bot, target = flow.bot, flow.targets[vote]
    if vote == AMENDMENT:
        reply = await bot.press(member, "agreement.vote", f"{target.ref}:{choices[0]}",
                                channel="updates")
    elif vote == SEVERAL:
        reply = await bot.app.handle(ButtonPress(
            bot.group_id, bot.adapter.member(member), "poll.pick", "",
            tuple(f"{target.ref}:{c}" for c in choices), channel="updates"))
        await bot.settle()
    else:
        reply = await bot.press(member, "poll.vote", f"{target.ref}:{choices[0]}",
                                channel="updates")
    text = reply_text(reply)
    assert text.startswith(("Your vote is counted", "Your vote is changed")), text
    flow.truth.setdefault(vote, {})[member] = choices
    return text


async def run_flow(bot: MemoryBot, clock: FakeClock, moment: Moment) -> Flow:
    """The whole flow; `moment(label, step)` runs after each step (step None: not a vote)."""
    flow = Flow(bot)
    await start(bot)
    await start_agreement(bot)
    flow.targets[ONE] = Target("poll", await _poll(bot, "Which day suits?", False), 3, False)
    flow.targets[SEVERAL] = Target("poll", await _poll(bot, "Which days suit?", True), 3, True)
    amendment = await propose(bot, 'change=add text="Snacks" reason="Hunger" closes=2d')
    flow.targets[AMENDMENT] = Target("amendment", amendment, 2, False)
    await moment("opened", None)
    for step in STEPS:
        await cast(flow, *step)
        await moment(f"{step[0]}:{step[1]}", step)
    clock.advance(timedelta(days=2, minutes=1))
    await bot.app.scheduler.run_due()
    await bot.settle()
    updates = [m.text for m in bot.adapter.sent_to_channel("updates")]
    assert sum("Poll results" in t for t in updates) == 2, updates
    assert any("did not pass" in t or "agreed a change" in t for t in updates), updates
    await moment("closed", None)
    return flow


@contextlib.asynccontextmanager
async def app_on(backend: str, path: Path, key: str) -> AsyncIterator[
        tuple[MemoryBot, FakeClock, Storage]]:
    """The default app on `backend`, driven through the memory adapter."""
    clock = FakeClock(NOW)
    async with opened_storage(backend, path, FieldCipher(key)) as storage:
        app = App(Config(), storage, clock=clock)
        await app.load()
        bot = MemoryBot(app, MemoryAdapter())
        try:
            yield bot, clock, storage
        finally:
            await bot.close()


def describe(found: Sequence[Link]) -> str:
    """Links as a person reads them."""
    return "; ".join(f"{link.member} chose one of {sorted(sorted(c) for c in link.could_be)}"
                     for link in found)


def check_true(found: Sequence[Link], flow: Flow, history: dict[tuple[str, str], set[
        tuple[int, ...]]]) -> None:
    """The solver is sound: every link it reports includes what the member really chose
    while that token stood (`history`: every choice each member made, per vote)."""
    for link in found:
        member = link.member.removeprefix("U-")
        made = set().union(*(c for (v, m), c in history.items() if m == member)) \
            if member in MEMBERS else set()
        assert any(tuple(sorted(c)) in made for c in link.could_be), (link, made)


# ---- SQLite: the copy of the files --------------------------------------------------------

@dataclass
class CopyAnalysis:
    """What one copy gave the adversary, per vote."""

    label: str
    states: int
    observations: dict[str, list[Observation]]
    history: dict[str, list[Observation]]
    current: dict[str, Observation | None]
    links: dict[str, list[Link]]
    tagged_tables: set[str]
    box_tag_order_sorted: bool
    boxes: set[str]
    order_leaks: list[str]


def box_tokens(state: sqlite3.Connection) -> set[str]:
    """The encrypted ballot boxes a state holds, as stored."""
    found = state.execute("SELECT name FROM sqlite_master WHERE name = 'ballot_boxes'")
    if found.fetchone() is None:
        return set()
    return {str(row[0]) for row in state.execute("SELECT box FROM ballot_boxes")}


def remnants(copy: DbCopy, tokens: set[str]) -> set[str]:
    """Which of `tokens` (earlier versions of boxes) have any 48-character piece left
    anywhere in the copy: any page version, free space, free page or WAL frame. A box is
    longer than a page holds, so it is looked for in pieces."""
    data = b"\x00".join(page for versions in page_versions(copy).values()
                        for page in versions) + copy.main + copy.wal
    return {token for token in tokens
            if any(token[i:i + 48].encode() in data for i in range(12, len(token) - 48, 48))}


def analyse_copy(label: str, copy: DbCopy, flow: Flow, key: str) -> CopyAnalysis:
    """Everything one copy of the files tells, for each vote under attack."""
    keys = MultiFernet([Fernet(key)])
    states = commit_states(copy)
    try:
        decrypted = [decrypt_everything(state, keys) for state in states]
        current_boxes = box_tokens(states[-1]) if states else set()
        for everything in decrypted:
            flow.learn_tags(secrets_of(everything))
        physical = {table: cell_order(states[-1], table)
                    for table in (decrypted[-1] if decrypted else {})}
    finally:
        for state in states:
            state.close()
    loose = [box for versions in page_versions(copy).values() for page in versions
             for box in boxes_in_bytes(page, keys)]
    observations: dict[str, list[Observation]] = {}
    histories: dict[str, list[Observation]] = {}
    current: dict[str, Observation | None] = {}
    found: dict[str, list[Link]] = {}
    tagged: set[str] = set()
    ordered = True
    for name, target in flow.targets.items():
        history = [o for o in (observe(e, target) for e in decrypted) if o is not None]
        extra = [o for o in loose if belongs(o, target)]
        observations[name] = [*history, *extra]
        histories[name] = history
        current[name] = observe(decrypted[-1], target) if decrypted else None
        baseline = [current[name]] if current[name] is not None else []
        found[name] = links(observations[name], baseline, target, changes(history)) \
            if target.tags else []
        for everything in decrypted:
            for table, rows in everything.items():
                if any(_names_tags(row, target.tags) for row in rows):
                    tagged.add(table)
            for row in everything.get("ballot_boxes", ()):
                box = row.get("box")
                if isinstance(box, dict):
                    tags = [tag for tag, _ in box.get("sealed", [])]
                    ordered = ordered and tags == sorted(tags)
    # Cell order: rows naming one voter each, in the order SQLite laid them out, against
    # the order people first voted in.
    order_leaks = []
    for name, target in flow.targets.items():
        arrival = list(dict.fromkeys(flow.user(m) for v, m, _ in STEPS if v == name))
        for table, keys_in_order in physical.items():
            laid = [target.tags[k] for key_ in keys_in_order for k in key_
                    if isinstance(k, str) and k in target.tags]
            if len(laid) >= 3 and laid == [m for m in arrival if m in laid]:
                order_leaks.append(f"{table} rows of {name} lie in voting order")
    return CopyAnalysis(label, len(decrypted), observations, histories, current, found, tagged,
                        ordered, current_boxes, order_leaks)


def _names_tags(value: object, tags: dict[str, str]) -> set[str]:
    if isinstance(value, str):
        return {value} if value in tags else set()
    if isinstance(value, dict):
        return set().union(*(_names_tags(v, tags) for v in value.values()))
    if isinstance(value, list | tuple):
        return set().union(*(_names_tags(v, tags) for v in value))
    return set()


def choices_made(flow: Flow) -> dict[tuple[str, str], set[tuple[int, ...]]]:
    """Every choice each member made in each vote (first votes and changes)."""
    made: dict[tuple[str, str], set[tuple[int, ...]]] = {}
    for vote, member, choices in STEPS:
        made.setdefault((vote, member), set()).add(tuple(sorted(choices)))
    return made


@pytest.fixture(autouse=True)
def bounded() -> Iterator[None]:
    """Every wait here is bounded: a test stuck past this dumps its stacks and exits."""
    with watchdog(WATCHDOG_SECONDS):
        yield


@pytest.mark.sqlite_only
async def test_adversary_wal_replay_single_copy_links_no_vote(tmp_path: Path, key: str) -> None:
    """One copy taken at any moment (every moment between two steps, here) holds the
    current state only: replaying its WAL commit by commit, searching every page version
    for boxes and reading cell order gives no link a member to a choice beyond that
    state, for first votes and changes, one choice or several, and the agreement vote.
    After the close the copy holds the counts and how many voted, no tag at all."""
    path = tmp_path / "coprod.db"
    copies: list[tuple[str, DbCopy]] = []

    async def moment(label: str, step: object) -> None:
        copies.append((label, take_copy(path)))

    async with app_on("sqlite", path, key) as (bot, clock, _):
        flow = await run_flow(bot, clock, moment)
    assert len(copies) == len(STEPS) + 2
    written: set[str] = set()
    linked, tagged, unsorted, left, several, ordered = [], set(), [], [], [], []
    for label, copy in copies:
        result = analyse_copy(label, copy, flow, key)
        linked += [f"{label}: {name}: {describe(found)}"
                   for name, found in result.links.items() if found]
        # Nothing but the ballot box holds a voter tag: no row per voter, so no cell
        # offsets or rowids that follow the order people voted in; inside the box the
        # tags are sorted, not in arrival order.
        tagged |= result.tagged_tables - {"ballot_boxes"}
        ordered += result.order_leaks
        if not result.box_tag_order_sorted:
            unsorted.append(label)
        # Not a piece of an earlier version of any box is left in any page or frame.
        written |= result.boxes
        if remnants(copy, written - result.boxes):
            left.append(label)
        # The copy is one state: whatever the WAL holds, the votes read the same in it.
        several += [f"{label}: {name}" for name, seen in result.observations.items()
                    if len({o for o in seen if o.pairs}) > 1]
    assert not linked, "\n".join(linked)
    assert not ordered, ordered
    assert not tagged and not unsorted and not left and not several, (
        tagged, unsorted, left, several)
    assert all(t.tags for t in flow.targets.values())
    # After the close: counts only, no tags, no sealed choices, in any page version.
    closed = analyse_copy("closed", copies[-1][1], flow, key)
    finals = {name: closed.current[name] for name in flow.targets}
    assert {name: (o.pairs, o.tallies) for name, o in finals.items() if o is not None} == {
        ONE: (frozenset(), (2, 2, 2)), SEVERAL: (frozenset(), (2, 4, 2)),
        AMENDMENT: (frozenset(), (2, 3))}  # the amendment's box is deleted; its counts stay
    assert not closed.tagged_tables
    for tag in (t for target in flow.targets.values() for t in target.tags):
        assert tag.encode() not in copies[-1][1].main + copies[-1][1].wal


@pytest.mark.sqlite_only
async def test_adversary_wal_replay_copy_between_commit_and_checkpoint_links_at_most_the_newest_vote(  # noqa: E501
        tmp_path: Path, key: str) -> None:
    """The one instant that cannot hold on SQLite: a copy taken after a vote's commit and
    before the WAL is emptied holds the state before it (the main file) and after it
    (the WAL), so it links that newest vote, and nothing else."""
    path = tmp_path / "coprod.db"
    windows: list[tuple[str, DbCopy]] = []

    async def moment(label: str, step: object) -> None:
        return None

    async with app_on("sqlite", path, key) as (bot, clock, storage):
        forget = storage._forget_old_versions  # type: ignore[attr-defined]

        async def copy_then_forget(*tables: str, rewrite: bool = False) -> None:
            windows.append((f"vote {len(windows) + 1}", take_copy(path)))
            await forget(*tables, rewrite=rewrite)

        storage._forget_old_versions = copy_then_forget  # type: ignore[attr-defined]
        flow = await run_flow(bot, clock, moment)
    votes = windows[:len(STEPS)]
    assert len(votes) == len(STEPS)
    made = choices_made(flow)
    linked_newest = 0
    before: dict[tuple[str, str], tuple[int, ...]] = {}
    for (label, copy), (vote, member, choices) in zip(votes, STEPS, strict=True):
        result = analyse_copy(label, copy, flow, key)
        for name, found in result.links.items():
            check_true(found, flow, {k: v for k, v in made.items() if k[0] == name})
            if name != vote:
                assert not found, f"{label}: {name}: {describe(found)}"
        linked_newest += bool(result.links[vote])
        # Knowing the newest vote (and the choice it replaced), nothing else is learnt.
        target, now = flow.targets[vote], result.current[vote]
        assert now is not None
        tag = next(t for t, m in target.tags.items() if m == flow.user(member))
        fixes = [known((t, token), choices if (t, token) in now.pairs
                       else before[(vote, member)], target.options)
                 for t, token in {v for o in result.observations[vote] for v in o.pairs}
                 if t == tag]
        beyond = links(result.observations[vote], [now, *fixes], target,
                       changes(result.history[vote]))
        assert not beyond, f"{label}: {vote}: {describe(beyond)}"
        before[(vote, member)] = choices
    # The limit is real (so the docs must say it): most such copies link the newest vote.
    assert linked_newest >= len(STEPS) // 2


@pytest.mark.sqlite_only
async def test_adversary_wal_replay_catches_a_store_that_keeps_history(
        tmp_path: Path, key: str) -> None:
    """The attack is not blind: with the WAL left to grow (as the old design did until
    the close), one copy taken before the close links votes and changes of vote."""
    path = tmp_path / "coprod.db"
    copies: list[tuple[str, DbCopy]] = []

    async def moment(label: str, step: object) -> None:
        if label == f"{STEPS[-1][0]}:{STEPS[-1][1]}":
            copies.append((label, take_copy(path)))

    async with app_on("sqlite", path, key) as (bot, clock, storage):
        async def keep_history(*tables: str, rewrite: bool = False) -> None:
            return None

        storage._forget_old_versions = keep_history  # type: ignore[attr-defined]
        flow = await run_flow(bot, clock, moment)
    ((label, copy),) = copies
    result = analyse_copy(label, copy, flow, key)
    made = choices_made(flow)
    for name, found in result.links.items():
        check_true(found, flow, {k: v for k, v in made.items() if k[0] == name})
    linked = {(name, link.member) for name, found in result.links.items() for link in found}
    assert len(linked) >= 8, result.links
    assert {(ONE, flow.user("alice")), (AMENDMENT, flow.user("alice"))} <= linked


@pytest.mark.sqlite_only
async def test_adversary_wal_replay_two_copies_link_the_votes_cast_between_them(
        tmp_path: Path, key: str) -> None:
    """What cannot hold, stated in the threat model and told to members: two copies taken
    at different moments (or one copy and the published results), with the key, are two
    states; what changed between them is linked when few people voted in between."""
    path = tmp_path / "coprod.db"
    copies: dict[str, DbCopy] = {}

    async def moment(label: str, step: object) -> None:
        copies[label] = take_copy(path)

    async with app_on("sqlite", path, key) as (bot, clock, _):
        flow = await run_flow(bot, clock, moment)
    before, after = analyse_copy("before", copies["one:eve"], flow, key), \
        analyse_copy("after", copies["one:bob"], flow, key)
    first, second = before.current[ONE], after.current[ONE]
    assert first is not None and second is not None
    found = links([first], [second], flow.targets[ONE])
    check_true(found, flow, {k: v for k, v in choices_made(flow).items() if k[0] == ONE})
    assert {link.member for link in found} == {flow.user("bob")}, describe(found)


# ---- PostgreSQL: plain SELECTs with system columns -----------------------------------------

@dataclass
class Snapshot:
    """Every row of every table with xmin, xmax and ctid, and decrypted, at one moment."""

    label: str
    rows: dict[str, list[dict[str, Any]]]  # table -> [{"xmin", "xmax", "ctid", "row"}]
    decrypted: dict[str, list[dict[str, object]]]


async def pg_snapshot(conn: Any, schema: str, key: str, label: str) -> Snapshot:
    """What a plain SELECT of everything shows, with the key."""
    tables = [r["tablename"] for r in await conn.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", schema)]
    rows: dict[str, list[dict[str, Any]]] = {}
    decrypted: dict[str, list[dict[str, object]]] = {}
    for table in tables:
        found = await pg_system_columns(conn, f"{schema}.{table}")
        rows[table] = [dict(r) for r in found]
        decrypted[table] = decrypt_rows([r["row"] for r in found], key)
    return Snapshot(label, rows, decrypted)


@dataclass
class XminFinding:
    """What xmin and ctid gave away in one snapshot."""

    shared: list[str]  # rows naming a voter that share their xmin with another row
    per_voter_tables: set[str]  # tables with a row per voter (order by xmin or ctid)
    links: list[tuple[str, str, set[int]]]  # (vote, member, options) from xmin groups


def _single_option(table: str, row: dict[str, Any], target: Target) -> int | None:
    if table == "poll_tallies" and row.get("poll_id") == target.ref:
        return int(row["option"])
    return None


def analyse_xmin(snapshot: Snapshot, flow: Flow, name: str) -> XminFinding:
    """Group every row by the transaction that wrote it (xmin): a transaction that wrote
    a row naming one voter and rows each counting one option gives that voter's choice;
    rows per voter give the order of votes (xmin and ctid order)."""
    target = flow.targets[name]
    groups: dict[int, list[tuple[str, dict[str, Any], dict[str, object]]]] = {}
    for table, rows in snapshot.rows.items():
        for system, plain in zip(rows, snapshot.decrypted[table], strict=True):
            groups.setdefault(int(system["xmin"]), []).append((table, system, plain))
    shared, per_voter, found = [], set(), []
    for xmin, members in groups.items():
        for table, _, plain in members:
            named = _names_tags(plain, target.tags)
            if not named:
                continue
            if len(members) > 1:
                shared.append(f"{table} xmin={xmin} with "
                              f"{sorted({t for t, _, _ in members} - {table})}")
            if len(named) == 1 and table != "ballot_boxes":
                per_voter.add(table)
                options = {o for t, s, _ in members
                           if (o := _single_option(t, s["row"], target)) is not None}
                if options:
                    found.append((name, target.tags[next(iter(named))], options))
    return XminFinding(shared, per_voter, found)


@contextlib.asynccontextmanager
async def own_postgres_app(key: str) -> AsyncIterator[tuple[MemoryBot, FakeClock, Any]]:
    """The default app on a fresh PostgreSQL database of its own, and a plain connection
    to it as the adversary has; the database is dropped afterwards."""
    import uuid

    from storage.postgres import PostgresStorage
    from tests.adversary.conftest import database_url

    need_postgres()
    name = f"coprod_adversary_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
        clock = FakeClock(NOW)
        store = PostgresStorage(database_url(name), FieldCipher(key), pool_size=4)
        async with opened(store, migrate=True):
            app = App(Config(), store, clock=clock)
            await app.load()
            bot = MemoryBot(app, MemoryAdapter())
            conn = await asyncpg.connect(database_url(name), timeout=CONNECT_TIMEOUT_SECONDS)
            try:
                yield bot, clock, conn
            finally:
                await conn.close()
                await bot.close()
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


@contextlib.asynccontextmanager
async def pg_connection(schema: str) -> AsyncIterator[Any]:
    """A plain connection to the test schema, as the adversary has."""
    conn = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS,
                                 server_settings={"search_path": schema})
    try:
        yield conn
    finally:
        await conn.close()


async def box_versions_on_pages(conn: Any, schema: str, key: str,
                                table: str = "ballot_boxes") -> list[Observation]:
    """Every version of every ballot box still on the heap pages of `table` and its TOAST
    table, dead ones included, and in the pages' free space (pageinspect: a superuser,
    or someone with the server's data files): what they read with the key."""
    keys = MultiFernet([Fernet(key)])
    found: list[Observation] = []
    heap = await pg_page_tuples(conn, f"{schema}.{table}") or []
    for item in heap:
        if item["t_data"]:
            found += boxes_in_bytes(item["t_data"], keys)
    toast = await conn.fetchval(
        "SELECT reltoastrelid::regclass::text FROM pg_class WHERE oid = $1::regclass",
        f"{schema}.{table}")
    chunks: dict[int, dict[int, bytes]] = {}
    for item in await pg_page_tuples(conn, toast) or []:
        attrs = item["t_attrs"]
        if not attrs:
            continue
        chunk_id = int.from_bytes(attrs[0], "little")
        seq = int.from_bytes(attrs[1], "little")
        data = attrs[2]
        # A varlena with a 4-byte (or 1-byte) header.
        body = data[4:] if data[0] & 0x01 == 0 else data[1:]
        chunks.setdefault(chunk_id, {})[seq] = body
    for parts in chunks.values():
        found += boxes_in_bytes(b"".join(parts[i] for i in sorted(parts)), keys)
    # Bytes of removed versions left in free space are read straight off the pages.
    extension = await _pageinspect_schema(conn)
    for relation in (f"{schema}.{table}", toast):
        blocks = await conn.fetchval(
            "SELECT pg_relation_size($1::regclass) / current_setting('block_size')::int",
            relation)
        for block in range(int(blocks)):
            page = await conn.fetchval(f"SELECT {extension}.get_raw_page($1, $2)",
                                       relation, block)
            found += boxes_in_bytes(bytes(page), keys)
    return found


@pytest.mark.postgres
async def test_adversary_xmin_plain_selects_link_no_vote_on_postgres(
        tmp_path: Path, key: str) -> None:
    """After every vote, a plain SELECT of every row of every table with xmin, xmax and
    ctid (the key only recognises voter tags in what is read): the rows a vote wrote
    share their xmin with no other row (the ballot box is the only one), no table holds a
    row per voter whose xmin or ctid order is the order of votes, and no transaction ties
    a voter to an option. (Decrypting the box at two of these moments and comparing is
    the two-moments limit, tested on SQLite above, and cannot hold on either database.)
    On the old design one snapshot showed, by xmin, the last voter for each option."""
    snapshots: list[Snapshot] = []
    async with app_on("postgres", tmp_path / "unused.db", key) as (bot, clock, storage):
        schema = storage.schema  # type: ignore[attr-defined]
        async with pg_connection(schema) as conn:
            async def moment(label: str, step: object) -> None:
                snapshots.append(await pg_snapshot(conn, schema, key, label))

            flow = await run_flow(bot, clock, moment)
    assert len(snapshots) == len(STEPS) + 2
    for snapshot in snapshots:
        flow.learn_tags(secrets_of(snapshot.decrypted))
    assert all(t.tags for t in flow.targets.values())
    box_xmins: list[int] = []
    findings = {(snapshot.label, name): analyse_xmin(snapshot, flow, name)
                for snapshot in snapshots for name in flow.targets}
    linked = [f"{label}: {link}" for (label, _), f in findings.items() for link in f.links]
    assert not linked, "\n".join(linked)
    for (label, name), finding in findings.items():
        assert not finding.shared, (label, name, finding.shared)
        assert not finding.per_voter_tables, (label, name, finding.per_voter_tables)
    for snapshot in snapshots:
        boxes = snapshot.rows.get("ballot_boxes", [])
        box_xmins += [int(r["xmin"]) for r in boxes]
        # The transaction that wrote a box wrote nothing else anyone can see (but for
        # the poll's creation or close, whose boxes hold no tags).
        for xmin in {int(r["xmin"]) for r in boxes}:
            others = [t for t, rows in snapshot.rows.items() if t != "ballot_boxes"
                      for r in rows if int(r["xmin"]) == xmin]
            assert not others or "polls" in others or "amendments" in others, (
                snapshot.label, others)
    assert box_xmins


@pytest.mark.postgres
async def test_adversary_xmin_server_pages_hold_no_old_box_after_close_on_postgres(
        tmp_path: Path, key: str) -> None:
    """What cannot hold on PostgreSQL, and where it ends. While a vote is open, an older
    version of its box may stay on the heap pages until PostgreSQL prunes it (on its own
    schedule) and in the server's WAL longer: someone with the server's files and the
    key can compare versions. After every vote has closed, the box table has been
    rewritten (VACUUM FULL): its pages hold the closed boxes only (counts, no tags),
    neither as dead tuples nor as bytes in free space. The same reading finds older
    versions where a table keeps them (a copy with autovacuum off), so it is not blind."""
    tokens: list[str] = []
    # A database of its own: an open snapshot of any other session on the same database
    # (a test running beside this one) would keep the old box through VACUUM FULL.
    async with own_postgres_app(key) as (bot, clock, conn):
        schema = "public"
        async def moment(label: str, step: object) -> None:
            tokens.extend(str(r["box"]) for r in await conn.fetch(
                "SELECT box FROM ballot_boxes ORDER BY id"))

        await run_flow(bot, clock, moment)
        found_closed = await box_versions_on_pages(conn, schema, key)
        tuples = await pg_page_tuples(conn, f"{schema}.ballot_boxes") or []

        await conn.execute("CREATE TABLE kept_boxes (id TEXT PRIMARY KEY, box TEXT) "
                           "WITH (autovacuum_enabled = off, fillfactor = 10)")
        await conn.execute("INSERT INTO kept_boxes VALUES ('a', $1)", tokens[10])
        await conn.execute("UPDATE kept_boxes SET box = $1", tokens[-10])
        control = await box_versions_on_pages(conn, schema, key, "kept_boxes")
    assert found_closed and all(not o.pairs for o in found_closed), found_closed
    assert {o.tallies for o in found_closed} == {(2, 2, 2), (2, 4, 2)}
    assert all(t["t_xmax"] in (0, None) for t in tuples)
    assert len({o for o in control if o.pairs}) == 2


def test_the_flow_is_not_unanimous() -> None:
    """The published results alone pin nobody down (a unanimous result would)."""
    final: dict[str, dict[str, tuple[int, ...]]] = {}
    for vote, member, choices in STEPS:
        final.setdefault(vote, {})[member] = choices
    counts = {vote: sorted(c for cs in people.values() for c in cs)
              for vote, people in final.items()}
    assert counts[ONE] == [0, 0, 1, 1, 2, 2]
    assert counts[AMENDMENT] == [0, 0, 1, 1, 1]
    assert re.fullmatch(r"[0-2]+", "".join(map(str, counts[SEVERAL])))
