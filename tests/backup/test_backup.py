"""`coprod backup` and `coprod restore` on real SQLite files, with real processes writing.

A backup taken while another process keeps committing holds every write acknowledged
before it began, passes `integrity_check` once restored, and is a single file with its
manifest; restore refuses, changing nothing, an existing or live database without
--force, a copy whose checksum differs, a copy from a newer schema, and a key that does
not open the copy; on PostgreSQL both commands point to pg_dump / pg_restore.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest

from bot.backup import MANIFEST_SUFFIX
from bot.backup import Manifest
from bot.backup import manifest_path
from bot.backup import run_backup
from bot.backup import run_restore
from bot.config import Config
from bot.config import Secrets
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from tests.backup.audit_rows import add_audit_rows
from tests.backup.writer import GROUP
from tests.campaigns.recorder import REPO_ROOT
from tests.campaigns.recorder import RecordedProcess
from tests.campaigns.recorder import cli_env
from tests.campaigns.recorder import write_config

FILLER_ROWS = 20_000
WAIT_SECONDS = 60.0


def config_for(database: Path, key: str) -> Config:
    """A config on this SQLite file with this key (as COPROD_ENCRYPTION_KEY)."""
    return replace(Config(), database=str(database), secrets=Secrets(encryption_key=key))


def make_database(path: Path, key: str, filler: int = 0) -> None:
    """A migrated database with one encrypted setting and `filler` audit rows (each an
    encrypted value, as the settings audit keeps them)."""
    async def build() -> None:
        storage = await open_storage(str(path), FieldCipher(key))
        try:
            await storage.migrate()
            await storage.save_group_settings(GROUP, {"first": "SECRET-first"}, "U-one",
                                              datetime.now(UTC))
        finally:
            await storage.close()

    asyncio.run(build())
    if filler:
        add_audit_rows(path, key, GROUP,
                       ((f"filler{n}", f"SECRET-filler {n}") for n in range(filler)), "U-one")


def settings(path: Path, key: str) -> dict[str, object]:
    """The group's settings in a database, read through storage with the key."""
    async def read() -> dict[str, object]:
        storage = await open_storage(str(path), FieldCipher(key))
        try:
            return (await storage.load_all_group_settings()).get(GROUP, {})
        finally:
            await storage.close()

    return asyncio.run(read())


def integrity(path: Path) -> list[str]:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute("PRAGMA integrity_check")]


def backup(config: Config, dest: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = run_backup(config, str(dest), stdout=out, stderr=out)
    return code, out.getvalue()


def restore(config: Config, copy: Path, force: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    code = run_restore(config, str(copy), force, stdout=out, stderr=out)
    return code, out.getvalue()


class Writer:
    """`tests/backup/writer.py` in its own process, its acknowledgements read as they
    come (number and the moment it was committed)."""

    def __init__(self, database: Path, key: str) -> None:
        self.acked: list[tuple[int, int]] = []
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.backup.writer", str(database), key],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO_ROOT,
            env=cli_env(key), text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if not line.endswith("\n"):
                break  # cut off by `stop`: an acknowledgement that never fully arrived
            n, moment = line.split()
            with self._lock:
                self.acked.append((int(n), int(moment)))

    def snapshot(self) -> list[tuple[int, int]]:
        with self._lock:
            return list(self.acked)

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while len(self.snapshot()) < count:
            assert self.proc.poll() is None, "the writer stopped"
            assert time.monotonic() < deadline, "the writer made too little progress"
            time.sleep(0.01)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._reader.join(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture
def key() -> str:
    return generate_key()


@pytest.fixture
def writer_on(tmp_path: Path, key: str) -> Iterator[tuple[Path, Writer]]:
    database = tmp_path / "live" / "coprod.db"
    database.parent.mkdir()
    make_database(database, key, filler=FILLER_ROWS)
    writer = Writer(database, key)
    try:
        yield database, writer
    finally:
        writer.stop()


def test_a_backup_while_another_process_writes_holds_everything_acknowledged_before_it(
        writer_on: tuple[Path, Writer], key: str, tmp_path: Path) -> None:
    database, writer = writer_on
    writer.wait_for(20)
    before = writer.snapshot()  # acknowledged before the backup began
    began = time.monotonic_ns()
    code, said = backup(config_for(database, key), tmp_path / "copy.db")
    ended = time.monotonic_ns()
    assert code == 0, said
    writer.wait_for(len(writer.snapshot()) + 20)
    during = [n for n, moment in writer.snapshot() if began <= moment <= ended]
    assert during, "no write was committed while the backup ran"
    writer.stop()

    copy = tmp_path / "copy.db"
    assert "Backed up" in said and "key is not in the backup" in said
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    assert oct(manifest_path(copy).stat().st_mode & 0o777) == "0o600"
    assert not Path(f"{copy}-wal").exists()
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]
    manifest = json.loads(manifest_path(copy).read_text())
    assert manifest["tables"]["settings_audit"] >= FILLER_ROWS + 1 + len(before)
    assert manifest["schema_version"] == max(manifest["migrations"])
    assert key not in manifest_path(copy).read_text()

    restored = tmp_path / "restored" / "coprod.db"
    code, said = restore(config_for(restored, key), copy)
    assert code == 0, said
    assert "Restored" in said
    assert integrity(restored) == ["ok"]
    held = settings(restored, key)
    missing = [n for n, _ in before if held.get(f"w{n}") != f"SECRET-written {n}"]
    assert not missing, f"acknowledged before the backup but not in it: {missing[:5]}"
    assert held["first"] == "SECRET-first"


def test_a_backup_made_by_the_command_while_coprod_run_works(tmp_path: Path,
                                                              key: str) -> None:
    """The real commands in their own processes: `coprod run --platform record` adds
    resources while `coprod backup` copies; `coprod restore` refuses the live database
    even with --force, and puts the copy in place elsewhere."""
    database = tmp_path / "coprod.db"
    config = write_config(tmp_path / "config.toml", {
        "bot": {"database": str(database)}, "record": {"keep_running": True}})
    bot = RecordedProcess(tmp_path, "bot", key, config=config)
    bot.start()
    try:
        ids = [bot.send("command", actor="alice",
                        text=f'/resource add title="SECRET-res {n}" text="words {n}"')
               for n in range(40)]
        for request in ids:
            assert "Added" in json.dumps(bot.wait_reply(request))
        more = [bot.send("command", actor="alice",
                         text=f'/resource add title="SECRET-later {n}" text="w"')
                for n in range(40)]
        (tmp_path / "backups").mkdir()
        run = subprocess.run(
            [sys.executable, "-m", "bot.cli", "backup", "--config", str(config),
             str(tmp_path / "backups")], cwd=tmp_path, env=cli_env(key),
            capture_output=True, text=True, timeout=WAIT_SECONDS)
        assert run.returncode == 0, run.stderr
        assert run.stderr == ""
        for request in more:
            bot.wait_reply(request)
        (copy,) = [p for p in (tmp_path / "backups").iterdir()
                   if not p.name.endswith(MANIFEST_SUFFIX)]
        assert copy.name.startswith("coprod-") and copy.suffix == ".db"

        live = subprocess.run(
            [sys.executable, "-m", "bot.cli", "restore", "--config", str(config), "--force",
             str(copy)], cwd=tmp_path, env=cli_env(key), capture_output=True, text=True,
            timeout=WAIT_SECONDS)
        assert live.returncode == 2
        assert "open in another process" in live.stderr
        assert len(live.stderr.strip().splitlines()) == 1
        assert "Traceback" not in live.stderr
    finally:
        bot.terminate()

    elsewhere = tmp_path / "drill"
    elsewhere.mkdir()
    drill = write_config(elsewhere / "config.toml",
                         {"bot": {"database": str(elsewhere / "coprod.db")}})
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "restore", "--config", str(drill), str(copy)],
        cwd=elsewhere, env=cli_env(key), capture_output=True, text=True,
        timeout=WAIT_SECONDS)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # the schema check's scratch database says nothing
    assert integrity(elsewhere / "coprod.db") == ["ok"]
    with sqlite3.connect(elsewhere / "coprod.db") as db:
        (count,) = db.execute("SELECT count(*) FROM resources").fetchone()
    assert count >= 40


@pytest.fixture
def made(tmp_path: Path, key: str) -> tuple[Path, Path]:
    """A database and a backup of it."""
    database = tmp_path / "coprod.db"
    make_database(database, key)
    copy = tmp_path / "copy.db"
    code, said = backup(config_for(database, key), copy)
    assert code == 0, said
    return database, copy


def test_restore_refuses_an_existing_database_without_force(made: tuple[Path, Path],
                                                            key: str) -> None:
    database, copy = made
    asyncio.run(_set(database, key, "after", "SECRET-after"))
    before = database.read_bytes()
    code, said = restore(config_for(database, key), copy)
    assert code == 2
    assert "already holds a database" in said and "--force" in said
    assert said.count("\n") == 1
    assert database.read_bytes() == before
    code, said = restore(config_for(database, key), copy, force=True)
    assert code == 0, said
    assert "after" not in settings(database, key)
    assert settings(database, key)["first"] == "SECRET-first"
    assert oct(database.stat().st_mode & 0o777) == "0o600"


async def _set(database: Path, key: str, name: str, value: str) -> None:
    storage = await open_storage(str(database), FieldCipher(key))
    try:
        await storage.save_group_settings(GROUP, {name: value}, "U-one", datetime.now(UTC))
    finally:
        await storage.close()


def test_restore_with_another_key_refuses_and_changes_nothing(made: tuple[Path, Path],
                                                              tmp_path: Path) -> None:
    _, copy = made
    target = tmp_path / "new" / "coprod.db"
    code, said = restore(config_for(target, generate_key()), copy)
    assert code == 2
    assert "does not open" in said and "made under another key" in said
    assert said.count("\n") == 1
    assert not target.parent.exists()


def test_restore_without_any_key_says_where_to_put_it(made: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    _, copy = made
    target = tmp_path / "new" / "coprod.db"
    code, said = restore(replace(Config(), database=str(target)), copy)
    assert code == 2
    assert "needs the encryption key" in said and str(target.with_suffix(".key")) in said
    assert not target.with_suffix(".key").exists() and not target.exists()


def test_a_tampered_copy_is_refused(made: tuple[Path, Path], tmp_path: Path,
                                    key: str) -> None:
    _, copy = made
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    target = tmp_path / "new" / "coprod.db"
    code, said = restore(config_for(target, key), copy)
    assert code == 1
    assert "checksum differs" in said
    assert not target.exists()
    manifest_path(copy).unlink()
    code, said = restore(config_for(target, key), copy)
    assert code == 2 and "manifest" in said


def test_a_copy_from_a_newer_coprod_is_refused(tmp_path: Path, key: str) -> None:
    database = tmp_path / "coprod.db"
    make_database(database, key)
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO schema_version (version, name, applied_at) "
                   "VALUES (999, 'from the future', 0)")
    copy = tmp_path / "copy.db"
    assert backup(config_for(database, key), copy)[0] == 0
    target = tmp_path / "new" / "coprod.db"
    code, said = restore(config_for(target, key), copy)
    assert code == 1
    assert "newer coprod-bot" in said and "999" in said
    assert not target.exists()


def test_restore_names_the_erasures_made_after_the_backup(made: tuple[Path, Path],
                                                          key: str) -> None:
    database, copy = made

    async def erase() -> None:
        storage = await open_storage(str(database), FieldCipher(key))
        try:
            await storage.erase_member("U-one", None, "tester", datetime.now(UTC))
        finally:
            await storage.close()

    time.sleep(1.1)  # the manifest's time is to the second
    asyncio.run(erase())
    code, said = restore(config_for(database, key), copy, force=True)
    assert code == 0, said
    assert "1 erasure(s) were recorded after this backup" in said
    assert "coprod erase --member U-one --yes" in said


def test_backup_never_overwrites_and_needs_a_database(made: tuple[Path, Path],
                                                      tmp_path: Path, key: str) -> None:
    database, copy = made
    before = copy.read_bytes()
    code, said = backup(config_for(database, key), copy)
    assert code == 2 and "never overwrites" in said
    assert copy.read_bytes() == before
    code, said = run_backup(config_for(database, key), f"{tmp_path}/nowhere/",
                            stdout=io.StringIO(), stderr=io.StringIO()), ""
    assert code == 2 and not (tmp_path / "nowhere").exists()
    code, said = backup(config_for(tmp_path / "none.db", key), tmp_path / "x.db")
    assert code == 2 and "no database" in said
    assert not (tmp_path / "none.db").exists()


def test_on_postgresql_the_commands_say_pg_dump_and_pg_restore(tmp_path: Path) -> None:
    config = replace(Config(), database="postgresql://coprod:hunter2@db.example:5432/coprod")
    code, said = backup(config, tmp_path / "x.db")
    assert code == 2
    assert "pg_dump -Fc" in said and "'postgresql://coprod@db.example:5432/coprod'" in said
    assert "hunter2" not in said and said.count("\n") == 1
    code, said = restore(config, tmp_path / "x.db")
    assert code == 2
    assert "pg_restore" in said and "hunter2" not in said
    assert not list(tmp_path.iterdir())


def test_a_backup_is_quick_and_no_bigger_than_the_live_files(tmp_path: Path,
                                                              key: str) -> None:
    """A bound, not a benchmark (that is bench/backup.py): FILLER_ROWS encrypted rows
    back up and restore within seconds, and the copy is no bigger than the live files."""
    database = tmp_path / "coprod.db"
    make_database(database, key, filler=FILLER_ROWS)
    live = sum(p.stat().st_size for p in tmp_path.iterdir() if p.name.startswith("coprod.db"))
    started = time.monotonic()
    code, said = backup(config_for(database, key), tmp_path / "copy.db")
    assert code == 0, said
    assert restore(config_for(tmp_path / "r" / "coprod.db", key), tmp_path / "copy.db")[0] == 0
    assert time.monotonic() - started < 30
    assert (tmp_path / "copy.db").stat().st_size <= live


def test_the_pg_dump_and_pg_restore_steps_in_the_docs_work(tmp_path: Path, key: str) -> None:
    """docs/deploying.md's PostgreSQL steps, as written, on the test server: a dump taken
    while the database is open, later changes, then pg_restore brings back the dump and
    the key still opens it."""
    import shutil

    import asyncpg

    from tests.adversary.conftest import database_url
    from tests.backends import CONNECT_TIMEOUT_SECONDS
    from tests.backends import need_postgres
    from tests.backends import postgres_url

    need_postgres()
    tools = [shutil.which("pg_dump"), shutil.which("pg_restore")]
    if None in tools:
        pytest.fail("pg_dump and pg_restore come with PostgreSQL's client package "
                    "(apt-get install postgresql-client)")
    name = f"coprod_backup_{os.urandom(6).hex()}"
    url = database_url(name)

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def write(changes: dict[str, object], migrate: bool = False) -> None:
        storage = await open_storage(url, FieldCipher(key))
        try:
            if migrate:
                await storage.migrate()
            await storage.save_group_settings(GROUP, changes, "U-one", datetime.now(UTC))
        finally:
            await storage.close()

    async def read() -> dict[str, object]:
        storage = await open_storage(url, FieldCipher(key))
        try:
            await storage.preflight()
            return (await storage.load_all_group_settings()).get(GROUP, {})
        finally:
            await storage.close()

    asyncio.run(admin(f"CREATE DATABASE {name}"))
    try:
        asyncio.run(write({"first": "SECRET-first"}, migrate=True))
        dump = tmp_path / "coprod.dump"
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), url], check=True,
                       timeout=WAIT_SECONDS, capture_output=True)
        asyncio.run(write({"after": "SECRET-after"}))
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "-d", url,
                        str(dump)], check=True, timeout=WAIT_SECONDS, capture_output=True)
        held = asyncio.run(read())
        assert held == {"first": "SECRET-first"}
    finally:
        asyncio.run(admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def rehash(copy: Path, *, signed_with: str | None = None, unsigned: bool = False) -> None:
    """What a forger does after changing a copy: put its new SHA-256 and size in the
    manifest; with the key, sign again; or drop the signature."""
    data = json.loads(manifest_path(copy).read_text())
    data["sha256"] = hashlib.sha256(copy.read_bytes()).hexdigest()
    data["bytes"] = copy.stat().st_size
    if unsigned:
        data.pop("signature", None)
    manifest_path(copy).write_text(json.dumps(data))
    if signed_with is not None:
        manifest = Manifest.read(manifest_path(copy))
        assert manifest is not None
        manifest_path(copy).write_text(manifest.signed(FieldCipher(signed_with)).to_json())


def test_a_copy_changed_without_the_key_is_refused_though_its_checksum_was_fixed(
        made: tuple[Path, Path], tmp_path: Path, key: str) -> None:
    _, copy = made
    assert json.loads(manifest_path(copy).read_text())["signature"]
    with sqlite3.connect(copy) as db:
        db.execute("DELETE FROM settings_audit")
    rehash(copy)
    target = tmp_path / "new" / "coprod.db"
    code, said = restore(config_for(target, key), copy)
    assert code == 1, said
    assert "was changed after the backup was made" in said and said.count("\n") == 1
    assert not target.parent.exists()


def test_a_copy_with_a_trigger_is_refused_even_signed_with_the_key(
        made: tuple[Path, Path], tmp_path: Path, key: str) -> None:
    """Defence in depth: the schema must be exactly what the migrations make."""
    _, copy = made
    with sqlite3.connect(copy) as db:
        db.execute("CREATE TRIGGER t AFTER INSERT ON group_settings BEGIN "
                   "DELETE FROM settings_audit; END")
    rehash(copy, signed_with=key)
    target = tmp_path / "new" / "coprod.db"
    code, said = restore(config_for(target, key), copy)
    assert code == 1, said
    assert 'an extra trigger "t"' in said and said.count("\n") == 1
    assert not target.parent.exists()
    with sqlite3.connect(copy) as db:  # a changed table is refused too
        db.execute("DROP TRIGGER t")
        db.execute("ALTER TABLE group_settings ADD COLUMN extra TEXT")
    rehash(copy, signed_with=key)
    code, said = restore(config_for(target, key), copy)
    assert code == 1 and 'a changed table "group_settings"' in said, said


def test_an_unsigned_backup_is_refused_unless_accepted_and_its_schema_is_still_checked(
        made: tuple[Path, Path], tmp_path: Path, key: str) -> None:
    _, copy = made
    rehash(copy, unsigned=True)
    target = tmp_path / "new" / "coprod.db"
    code, said = restore(config_for(target, key), copy)
    assert code == 2 and "carries no signature" in said and "--accept-unsigned" in said
    assert said.count("\n") == 1 and not target.parent.exists()
    out = io.StringIO()
    assert run_restore(config_for(target, key), str(copy), False, accept_unsigned=True,
                       stdout=out, stderr=out) == 0, out.getvalue()
    assert "unsigned" in out.getvalue()
    assert settings(target, key)["first"] == "SECRET-first"
    with sqlite3.connect(copy) as db:
        db.execute("CREATE VIEW v AS SELECT 1")
    rehash(copy, unsigned=True)
    other = tmp_path / "other" / "coprod.db"
    out = io.StringIO()
    assert run_restore(config_for(other, key), str(copy), False, accept_unsigned=True,
                       stdout=out, stderr=out) == 1
    assert 'an extra view "v"' in out.getvalue() and not other.parent.exists()


def test_a_backup_needs_the_key_to_sign_it(tmp_path: Path, key: str) -> None:
    database = tmp_path / "coprod.db"
    make_database(database, key)
    code, said = backup(replace(Config(), database=str(database)), tmp_path / "copy.db")
    assert code == 2 and "Backing up needs the encryption key" in said, said
    assert said.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coprod.db"]


def test_a_backup_made_under_rotation_restores_with_either_key_order(
        tmp_path: Path, key: str) -> None:
    """Signed with the newest key; a restore tries every configured key."""
    new = generate_key()
    database = tmp_path / "coprod.db"
    make_database(database, key)
    assert backup(config_for(database, f"{new},{key}"), tmp_path / "copy.db")[0] == 0
    code, said = restore(config_for(tmp_path / "r" / "coprod.db", f"{key},{new}"),
                         tmp_path / "copy.db")
    assert code == 0, said


def test_force_keeps_the_replaced_database_beside_it(made: tuple[Path, Path],
                                                     key: str) -> None:
    database, copy = made
    asyncio.run(_set(database, key, "after", "SECRET-after"))
    moment = datetime(2026, 12, 6, 11, 0, 0, tzinfo=UTC)
    out = io.StringIO()
    assert run_restore(config_for(database, key), str(copy), True, stdout=out, stderr=out,
                       now=moment) == 0, out.getvalue()
    kept = database.with_name("coprod.db.replaced-20261206T110000Z")
    assert f"kept as {kept}" in out.getvalue()
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    assert settings(kept, key)["after"] == "SECRET-after"
    assert "after" not in settings(database, key)
    out = io.StringIO()  # a second restore in the same second does not overwrite it
    assert run_restore(config_for(database, key), str(copy), True, stdout=out, stderr=out,
                       now=moment) == 0, out.getvalue()
    assert f"kept as {kept}-1" in out.getvalue()
    assert settings(kept, key)["after"] == "SECRET-after"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="changing a file's owner needs root")
def test_a_restore_as_root_hands_the_database_to_the_owner_of_what_it_replaces(
        made: tuple[Path, Path], tmp_path: Path, key: str) -> None:
    import pwd

    nobody = pwd.getpwnam("nobody")
    _, copy = made
    folder = tmp_path / "service"
    folder.mkdir()
    os.chown(folder, nobody.pw_uid, nobody.pw_gid)
    target = folder / "coprod.db"
    code, said = restore(config_for(target, key), copy)  # no database: the folder's owner
    assert code == 0, said
    found = target.stat()
    assert (found.st_uid, found.st_gid) == (nobody.pw_uid, nobody.pw_gid)
    assert oct(found.st_mode & 0o777) == "0o600"

    os.chown(folder, 0, 0)  # a database there: its owner, for the copy and the one kept
    code, said = restore(config_for(target, key), copy, force=True)
    assert code == 0, said
    for path in (target, *folder.glob("coprod.db.replaced-*")):
        found = path.stat()
        assert (found.st_uid, found.st_gid) == (nobody.pw_uid, nobody.pw_gid), path


def test_the_schema_check_ignores_layout_quotes_and_planner_statistics(
        made: tuple[Path, Path], tmp_path: Path, key: str) -> None:
    """Only what changes behaviour counts: whitespace, a plain name's quotes (SQLite adds
    them when it rewrites a name) and `ANALYZE`'s tables are not differences."""
    _, copy = made
    with sqlite3.connect(copy) as db:
        db.execute("ANALYZE")
        db.execute("PRAGMA writable_schema = ON")
        db.execute("UPDATE sqlite_master SET sql = replace(sql, 'CREATE TABLE group_settings', "
                   "'CREATE TABLE   \"group_settings\"') WHERE name = 'group_settings'")
    with sqlite3.connect(copy) as db:
        assert '"group_settings"' in db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'group_settings'").fetchone()[0]
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
                          ).fetchone() == (1,)
    rehash(copy, signed_with=key)
    code, said = restore(config_for(tmp_path / "new" / "coprod.db", key), copy)
    assert code == 0, said
