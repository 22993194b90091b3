"""The adversary toolkit works: on a real SQLite file in WAL mode it replays every commit,
sees stale frames, reads arrival order from cell offsets and opens what the project's
storage encrypted; on the real PostgreSQL it reads xmin/ctid and dead tuples.

These prove the tools can find the leaks the privacy attack tests look for, so a test
that finds nothing means there is nothing, not that the tool is blind."""

from __future__ import annotations

import asyncio
import contextlib
import random
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest

from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.sqlite import SqliteStorage
from tests.adversary.forensics import adjacent_arrivals
from tests.adversary.forensics import cell_layout
from tests.adversary.forensics import cell_order
from tests.adversary.forensics import commit_states
from tests.adversary.forensics import decrypt_everything
from tests.adversary.forensics import decrypt_value
from tests.adversary.forensics import find_bytes
from tests.adversary.forensics import frames
from tests.adversary.forensics import is_token
from tests.adversary.forensics import page_versions
from tests.adversary.forensics import pg_decrypt_everything
from tests.adversary.forensics import pg_page_tuples
from tests.adversary.forensics import pg_system_columns
from tests.adversary.forensics import poisson_tail
from tests.adversary.forensics import random_rho_threshold
from tests.adversary.forensics import spearman
from tests.adversary.forensics import take_copy
from tests.adversary.forensics import token_timestamp
from tests.adversary.forensics import wal_header
from tests.backends import CONNECT_TIMEOUT_SECONDS
from tests.backends import need_postgres
from tests.backends import opened_storage
from tests.backends import postgres_schema
from tests.backends import postgres_url

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PG_TIMEOUT_SECONDS = 60


@contextlib.contextmanager
def wal_db(path: Path) -> Iterator[sqlite3.Connection]:
    """A SQLite file in WAL mode that never checkpoints on its own (the WAL keeps every
    commit until the connection closes)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        yield conn
    finally:
        conn.close()


def rows(conn: sqlite3.Connection, sql: str) -> list[tuple[object, ...]]:
    """All rows of a query, as tuples."""
    return [tuple(row) for row in conn.execute(sql).fetchall()]


def test_adversary_commit_states_replay_each_commit(tmp_path: Path) -> None:
    path = tmp_path / "coprod.db"
    with wal_db(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        seen = [rows(conn, "SELECT * FROM notes")]
        conn.execute("INSERT INTO notes (body) VALUES ('first')")
        seen.append(rows(conn, "SELECT * FROM notes"))
        conn.execute("BEGIN")
        conn.execute("INSERT INTO notes (body) VALUES ('second')")
        conn.execute("INSERT INTO notes (body) VALUES ('third')")
        conn.execute("COMMIT")
        seen.append(rows(conn, "SELECT * FROM notes"))
        conn.execute("UPDATE notes SET body = 'changed' WHERE body = 'first'")
        seen.append(rows(conn, "SELECT * FROM notes"))
        conn.execute("DELETE FROM notes WHERE body = 'second'")
        seen.append(rows(conn, "SELECT * FROM notes"))
        copy = take_copy(path)

    assert copy.wal, "the WAL still holds the commits"
    header = wal_header(copy)
    assert header is not None and header.valid
    states = commit_states(copy)
    try:
        # State 0 is the main file alone: nothing was checkpointed into it.
        assert not rows(states[0], "SELECT name FROM sqlite_master WHERE name = 'notes'")
        assert len(states) == 1 + len(seen)
        for state, expected in zip(states[1:], seen, strict=True):
            assert rows(state, "SELECT * FROM notes") == expected
        assert rows(states[-1], "PRAGMA integrity_check") == [("ok",)]
        with pytest.raises(sqlite3.OperationalError):
            states[-1].execute("INSERT INTO notes (body) VALUES ('x')")  # read-only
    finally:
        for state in states:
            state.close()
    # The overwritten and the deleted bodies are still in older page versions.
    assert any(b"second" in version for version in page_versions(copy)[2])
    assert find_bytes(copy, b"second") == ["wal"]


def test_adversary_stale_frames_after_a_wal_restart(tmp_path: Path) -> None:
    path = tmp_path / "coprod.db"
    with wal_db(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        for n in range(5):
            conn.execute("INSERT INTO notes (body) VALUES (?)", (f"old-{n}-" + "x" * 500,))
        conn.execute("DELETE FROM notes WHERE body LIKE 'old-3-%'")
        conn.execute("PRAGMA wal_checkpoint(RESTART)")
        conn.execute("INSERT INTO notes (body) VALUES ('new')")
        expected = rows(conn, "SELECT * FROM notes")
        copy = take_copy(path)

    slots = frames(copy)
    valid = [f for f in slots if f.valid]
    stale = [f for f in slots if not f.valid]
    assert valid and stale, "the restarted WAL overwrote its start; older frames remain"
    assert valid[-1].commit
    states = commit_states(copy)
    try:
        assert len(states) == 1 + sum(f.commit for f in valid)
        assert rows(states[-1], "SELECT * FROM notes") == expected
        assert not rows(states[-1], "SELECT * FROM notes WHERE body LIKE 'old-3-%'")
    finally:
        for state in states:
            state.close()
    # Stale frames are ignored by SQLite, not by an adversary: the deleted row is there.
    assert any(b"old-3-" in f.data for f in stale)
    assert any(b"old-3-" in version for versions in page_versions(copy).values()
               for version in versions)


def test_adversary_cell_order_recovers_insertion_order_on_one_page(tmp_path: Path) -> None:
    rng = random.Random(7)
    path = tmp_path / "coprod.db"
    with wal_db(path) as conn:
        conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("CREATE TABLE tokens (token TEXT PRIMARY KEY, body TEXT) WITHOUT ROWID")
        conn.execute("CREATE INDEX items_body ON items (body)")
        ids = [rng.getrandbits(62) for _ in range(30)]
        tokens = [uuid.UUID(int=rng.getrandbits(128)).hex for _ in range(30)]
        for n, (row_id, token) in enumerate(zip(ids, tokens, strict=True)):
            conn.execute("INSERT INTO items VALUES (?, ?)", (row_id, f"b{rng.random()}"))
            conn.execute("INSERT INTO tokens VALUES (?, ?)", (token, f"b{n}"))
        assert ids != sorted(ids)
        copy = take_copy(path)
        live = conn.serialize()
        # Straight from a live connection, from its image, and from the copied files.
        assert cell_order(conn, "items") == [(i,) for i in ids]
    assert cell_order(live, "items") == [(i,) for i in ids]
    assert cell_order(copy, "items") == [(i,) for i in ids]
    assert cell_order(copy, "tokens") == [(t,) for t in tokens]
    index = cell_order(copy, "items_body")
    assert [entry[-1] for entry in index] == ids  # index entries end with the rowid
    assert len({cell.page for cell in cell_layout(copy, "items")}) == 1


def test_adversary_cell_order_leaks_arrival_order_across_pages(tmp_path: Path) -> None:
    rng = random.Random(11)
    path = tmp_path / "coprod.db"
    count = 600
    with wal_db(path) as conn:
        conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT)")
        ids = [rng.getrandbits(62) for _ in range(count)]
        for row_id in ids:  # one commit each, as a bot stores one message at a time
            conn.execute("INSERT INTO items VALUES (?, ?)", (row_id, "x" * 40))
        copy = take_copy(path)
    layout = cell_layout(copy, "items")
    assert len({cell.page for cell in layout}) > 5
    arrival = [(i,) for i in ids]
    # Page splits rebuild pages in key order and freed slots are reused, so the whole
    # table's order says little; but rows written one after another still sit side by
    # side far more often than chance allows.
    observed, expected = adjacent_arrivals(layout, arrival)
    assert observed > 3 * expected
    assert poisson_tail(observed, expected) < 1e-6
    unrelated = arrival[:]
    rng.shuffle(unrelated)
    observed, expected = adjacent_arrivals(layout, unrelated)
    assert poisson_tail(observed, expected) > 1e-6


def test_adversary_cell_order_reads_every_row_of_big_btrees(tmp_path: Path) -> None:
    """Many pages, interior pages, overflow pages, multi-column and WITHOUT ROWID keys:
    the parser finds every row exactly once, with the key SQLite has."""
    rng = random.Random(5)
    path = tmp_path / "coprod.db"
    with wal_db(path) as conn:
        conn.execute("CREATE TABLE big (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("CREATE TABLE pairs (a TEXT, b INTEGER, body BLOB, PRIMARY KEY (b, a))"
                     " WITHOUT ROWID")
        conn.execute("CREATE INDEX big_body ON big (body, id)")
        conn.execute("BEGIN")
        for n in range(400):
            size = rng.choice((10, 300, 5000))  # some rows overflow onto other pages
            conn.execute("INSERT INTO big VALUES (?, ?)",
                         (rng.randrange(-2**62, 2**62), f"{n}-" + "y" * size))
            conn.execute("INSERT INTO pairs VALUES (?, ?, ?)",
                         (f"k{rng.random()}" + "z" * rng.choice((0, 3000)), rng.randrange(-9, 9),
                          bytes(rng.getrandbits(8) for _ in range(20))))
        conn.execute("COMMIT")
        big = sorted(rows(conn, "SELECT id FROM big"))
        pairs = sorted(rows(conn, "SELECT b, a FROM pairs"))
        index = sorted(rows(conn, "SELECT body, id FROM big"))
        copy = take_copy(path)
    assert sorted(cell_order(copy, "big"), key=repr) == sorted(big, key=repr)
    assert sorted(cell_order(copy, "pairs"), key=repr) == sorted(pairs, key=repr)
    assert sorted(cell_order(copy, "big_body"), key=repr) == sorted(
        [(body, i, i) for body, i in index], key=repr)  # (body, id) then the rowid
    assert len({cell.page for cell in cell_layout(copy, "pairs")}) > 10


def test_adversary_spearman_and_threshold() -> None:
    values = list(range(200))
    assert spearman(values, values) == pytest.approx(1.0)
    assert spearman(values, values[::-1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 2, 2], [1, 1, 2, 2]) == pytest.approx(1.0)
    threshold = random_rho_threshold(200)
    assert 0.3 < threshold < 0.4
    rng = random.Random(3)
    for _ in range(50):
        shuffled = values[:]
        rng.shuffle(shuffled)
        assert abs(spearman(values, shuffled)) < threshold


async def test_adversary_decrypt_everything_opens_project_storage(tmp_path: Path) -> None:
    old, new = generate_key(), generate_key()
    path = tmp_path / "coprod.db"
    store = SqliteStorage(path, FieldCipher(old))
    await store.open()
    try:
        await store.migrate()
        await store.save_group_settings("g1", {"note": "SECRET-old", "size": 3}, "u1", NOW)
        await store.close()
        store = SqliteStorage(path, FieldCipher([new, old]))  # mid-rotation: new first
        await store.open()
        await store.save_group_settings("g2", {"note": {"text": "SECRET-new"}}, "u2", NOW)
        copy = take_copy(path)
    finally:
        await store.close()

    assert find_bytes(copy, b"SECRET") == []
    states = commit_states(copy)
    try:
        raw = rows(states[-1], "SELECT group_id, key, value_json FROM group_settings")
        assert raw and all(is_token(value) for _, _, value in raw)
        assert all(token_timestamp(value) for _, _, value in raw)
        assert decrypt_value(raw[0][2], [generate_key()]) == raw[0][2]  # wrong key: as is
        opened = decrypt_everything(states[-1], [new, old])
    finally:
        for state in states:
            state.close()
    settings = {(r["group_id"], r["key"]): r["value_json"] for r in opened["group_settings"]}
    assert settings[("g1", "note")] == "SECRET-old"
    assert settings[("g1", "size")] == 3
    assert settings[("g2", "note")] == {"text": "SECRET-new"}
    assert "schema_version" in opened  # every user table, not only encrypted ones


async def test_adversary_pg_decrypt_everything(tmp_path: Path) -> None:
    import asyncpg

    key = generate_key()
    cipher = FieldCipher(key)
    async with (asyncio.timeout(PG_TIMEOUT_SECONDS),
                opened_storage("postgres", tmp_path / "unused.db", cipher) as store):
        await store.save_group_settings("g1", {"note": "SECRET-pg"}, "u1", NOW)
        schema = getattr(store, "schema", None)
        assert schema
        conn = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS)
        try:
            opened = await pg_decrypt_everything(conn, schema, [key])
        finally:
            await conn.close()
    notes = [r["value_json"] for r in opened["group_settings"] if r["key"] == "note"]
    assert notes == ["SECRET-pg"]


async def test_adversary_pg_xmin_ctid_and_dead_tuples() -> None:
    import asyncpg

    need_postgres()
    async with asyncio.timeout(PG_TIMEOUT_SECONDS), postgres_schema() as schema:
        conn = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS,
                                     server_settings={"search_path": schema})
        try:
            await conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            await conn.execute("INSERT INTO notes VALUES (1, 'one-OLD-BODY')")
            await conn.execute("INSERT INTO notes VALUES (2, 'two')")
            async with conn.transaction():
                await conn.execute("INSERT INTO notes VALUES (3, 'three')")
                await conn.execute("INSERT INTO notes VALUES (4, 'four')")
            live = await pg_system_columns(conn, "notes")
            xmin = {r["row"]["id"]: r["xmin"] for r in live}
            assert xmin[1] < xmin[2] < xmin[3]  # separate transactions, in order
            assert xmin[3] == xmin[4]  # one transaction
            assert [r["ctid"] for r in live] == [(0, 1), (0, 2), (0, 3), (0, 4)]

            await conn.execute("UPDATE notes SET body = 'one-new' WHERE id = 1")
            await conn.execute("DELETE FROM notes WHERE id = 2")
            tuples = await pg_page_tuples(conn, "notes")
            if tuples is None:
                pytest.skip("pageinspect needs a superuser; the test role is not one")
            by_data = {t["t_data"] or b"": t for t in tuples}
            old = next(t for d, t in by_data.items() if b"one-OLD-BODY" in d)
            gone = next(t for d, t in by_data.items() if b"two" in d)
            assert old["t_xmax"] and gone["t_xmax"]  # dead versions, still on the page
            assert old["t_ctid"] != (0, 1)  # points at the new version
            assert len(tuples) == 5
        finally:
            await conn.close()
