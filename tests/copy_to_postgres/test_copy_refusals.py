"""What `coprod copy-to-postgres` refuses, and that a refusal changes nothing: a target
that holds rows, a SQLite database at another schema version, a PostgreSQL that cannot
be reached, a source written to during the copy, and a table whose copy does not match
(every table rolled back). Each is one plain line, a non-zero exit and no traceback."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

import storage.copy as copying
from bot import copy_to_postgres
from bot.config import Config
from bot.config import ConfigError
from storage.copy import SourceChanged
from storage.copy import copy_to_postgres as copy_rows
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.migrations import LATEST_VERSION
from storage.migrations import VERSIONS
from storage.sqlite import SqliteStorage
from tests.backends import opened
from tests.console_helpers import run_script
from tests.copy_to_postgres.conftest import copy_cli
from tests.copy_to_postgres.conftest import database_url
from tests.copy_to_postgres.conftest import one_line_refusal
from tests.copy_to_postgres.conftest import pg_tables
from tests.copy_to_postgres.conftest import sqlite_tables

SCRIPT = """\
:as carol
/setup timezone=Europe/London
/poll question="Which day suits?" options="Monday|Tuesday" closes=2d
:as alice
:press 1. Monday
/feedback
:form message="The room was too loud." audience=group
"""


async def filled(folder: Path) -> Path:
    """A small SQLite database, filled through the console."""
    path = folder / "coprod.db"
    result = await run_script(Config(database=str(path)), SCRIPT, generate_key())
    assert "Your vote is counted" in result.out
    return path


def coprod_tables(tables: dict[str, list[tuple[object, ...]]]) -> dict[str, int]:
    """Rows per table, schema_version left out (migrations write it)."""
    return {name: len(rows) for name, rows in tables.items() if name != "schema_version"}


@pytest.mark.postgres
async def test_a_non_empty_target_is_refused_and_left_unchanged(
        tmp_path: Path, pg_database: str) -> None:
    source = await filled(tmp_path)
    assert copy_cli(tmp_path, "--from", str(source), "--to", pg_database).code == 0
    before = await pg_tables(pg_database)

    again = copy_cli(tmp_path, "--from", str(source), "--to", pg_database)
    line = one_line_refusal(again)
    assert line.startswith("The PostgreSQL database postgresql://postgres@")
    holding = ", ".join(name for name, rows in sorted(coprod_tables(before).items()) if rows)
    assert f"is not empty: {holding} already hold rows." in line
    assert "create a new one (for example: createdb NAME)" in line
    assert line.endswith("Nothing was changed.")
    assert "not-shown-anywhere" not in again.out + again.err
    assert again.out == ""
    assert await pg_tables(pg_database) == before


@pytest.mark.postgres
async def test_a_database_holding_other_rows_gets_no_tables(
        tmp_path: Path, pg_database: str) -> None:
    import asyncpg

    source = await filled(tmp_path)
    conn = await asyncpg.connect(pg_database)
    try:
        await conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
        await conn.execute("INSERT INTO notes VALUES (1, 'mine')")
    finally:
        await conn.close()
    line = one_line_refusal(copy_cli(tmp_path, "--from", str(source), "--to", pg_database))
    assert "is not empty: notes already holds rows" in line
    assert await pg_tables(pg_database) == {"notes": [(1, "mine")]}


@pytest.mark.postgres
async def test_a_refusal_after_the_schema_was_made_leaves_the_target_as_it_was(
        tmp_path: Path, pg_database: str) -> None:
    """A target holding only an empty table of its own: the schema is made, the tables
    differ, the copy is refused, and the tables it made are dropped again."""
    import asyncpg

    source = await filled(tmp_path)
    conn = await asyncpg.connect(pg_database)
    try:
        await conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
    finally:
        await conn.close()
    line = one_line_refusal(copy_cli(tmp_path, "--from", str(source), "--to", pg_database))
    assert "only in PostgreSQL: notes" in line and "Nothing was kept in PostgreSQL" in line
    assert await pg_tables(pg_database) == {"notes": []}


@pytest.mark.postgres
async def test_a_source_at_another_schema_version_is_refused(
        tmp_path: Path, pg_database: str) -> None:
    older = tmp_path / "older.db"
    store = SqliteStorage(older, FieldCipher(generate_key()))
    async with opened(store):
        await store.migrate(target=10)
    line = one_line_refusal(copy_cli(tmp_path, "--from", str(older), "--to", pg_database))
    missing = ", ".join(str(version) for version, _ in VERSIONS if version > 10)
    assert f"is not up to date (schema versions {missing} are not applied; this " \
           f"coprod-bot is at {LATEST_VERSION})" in line
    assert "`coprod migrate`" in line and line.endswith("Nothing was copied.")

    one_behind = tmp_path / "one-behind.db"
    store = SqliteStorage(one_behind, FieldCipher(generate_key()))
    async with opened(store):
        await store.migrate(target=LATEST_VERSION - 1)
    line = one_line_refusal(copy_cli(tmp_path, "--from", str(one_behind), "--to",
                                     pg_database))
    assert f"is not up to date (schema version {LATEST_VERSION} is not applied; " in line

    newer = await filled(tmp_path / "newer")
    with sqlite3.connect(newer) as db:
        db.execute("INSERT INTO schema_version VALUES (999, 'from the future', 0)")
    line = one_line_refusal(copy_cli(tmp_path, "--from", str(newer), "--to", pg_database))
    assert "was used by a newer coprod-bot (schema version 999" in line
    assert await pg_tables(pg_database) == {}


async def test_an_unreachable_postgres_is_one_line(tmp_path: Path) -> None:
    source = await filled(tmp_path)
    line = one_line_refusal(copy_cli(
        tmp_path, "--from", str(source), "--to", "postgresql://coprod:pw@127.0.0.1:1/coprod"))
    assert line == ("Could not connect to PostgreSQL at postgresql://coprod@127.0.0.1:1/coprod:"
                    " nothing answered there. Check that PostgreSQL is running and that the "
                    "host and port are right. Nothing was copied.")


@pytest.mark.postgres
async def test_a_database_that_does_not_exist_is_one_line(tmp_path: Path) -> None:
    from tests.backends import need_postgres

    need_postgres()
    source = await filled(tmp_path)
    line = one_line_refusal(copy_cli(tmp_path, "--from", str(source), "--to",
                                     database_url("coprod_copy_no_such_database")))
    assert "there is no database of that name on the server. Create it (for example " \
           "with createdb)" in line


async def test_what_to_copy_must_be_said(tmp_path: Path) -> None:
    none = one_line_refusal(copy_cli(tmp_path))
    assert none.startswith("copy-to-postgres: say which PostgreSQL database to copy into")
    assert copy_cli(tmp_path).code == 2
    wrong = one_line_refusal(copy_cli(tmp_path, "--to", "sqlite:///other.db"))
    assert wrong.startswith("copy-to-postgres: --to must be a postgresql:// URL")
    missing = copy_cli(tmp_path, "--to", "postgresql://coprod@127.0.0.1:1/coprod")
    assert one_line_refusal(missing).startswith("There is no SQLite database at coprod.db.")
    with pytest.raises(ConfigError):
        copy_to_postgres.target_of(Config(), "coprod.db")
    (tmp_path / "notes.txt").write_text("not a database\n" * 100, encoding="utf-8")
    line = one_line_refusal(copy_cli(tmp_path, "--from", "notes.txt", "--to",
                                     "postgresql://coprod@127.0.0.1:1/coprod"))
    assert line.startswith("The SQLite database notes.txt cannot be read (file is not a "
                           "database).")


@pytest.mark.postgres
async def test_writes_during_the_copy_roll_it_back(tmp_path: Path, pg_database: str) -> None:
    source = await filled(tmp_path)

    def a_bot_still_writing(table: copying.TableCopied) -> None:
        with sqlite3.connect(source) as db:
            db.execute("INSERT INTO occurrences VALUES (?, 'still-running', 0)",
                       (f"late:{table.name}",))

    with pytest.raises(SourceChanged):
        await copy_rows(str(source), pg_database, progress=a_bot_still_writing)
    # The target had no schema: the tables the copy made are gone again.
    assert await pg_tables(pg_database) == {}


@pytest.mark.postgres
async def test_a_mismatch_rolls_everything_back(tmp_path: Path, pg_database: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    source = await filled(tmp_path)
    read_back = copying.Table.target_query

    def losing_a_row(table: copying.Table) -> str:
        query = read_back(table)
        return query + " LIMIT 0" if table.name == "polls" else query

    monkeypatch.setattr(copying.Table, "target_query", losing_a_row)
    out, err = io.StringIO(), io.StringIO()
    code = await copy_to_postgres.run(Config(), str(source), pg_database, out, err)
    assert code == 1
    assert err.getvalue().startswith(
        "The copy of polls did not match the SQLite database (1 rows, checksum ")
    assert "0 rows, checksum e3b0c44298fc in PostgreSQL), so everything was rolled back. " \
           "Nothing was kept in PostgreSQL" in err.getvalue()
    assert await pg_tables(pg_database) == {}
    # Nothing half-done stays in the way: the same copy, unbroken, then goes through.
    monkeypatch.setattr(copying.Table, "target_query", read_back)
    assert await copy_to_postgres.run(Config(), str(source), pg_database, out, err) == 0
    assert await pg_tables(pg_database) == sqlite_tables(source)
