"""Someone with a backup made by `coprod backup`, with or without the key; and someone
who can write where backups are kept, without the key.

After a workload through every feature, plus a member ("ghost") who only ever wrote
anonymous feedback and raised a concern with no name and no contact, the backup file
holds none of the words anyone wrote (without the key) and, even opened row by row with
the key, nothing that names the ghost. It carries no more history than the live
database: no write-ahead log, no free pages, and not the ciphertext of a resource
deleted before the backup, which the live files still held at that moment.

Someone who can write the backup storage but has no key changes a copy and fixes the
SHA-256 in its manifest: a trigger that sends every new safeguarding concern's direct
message to an ordinary member, or cases closed and their audit deleted. `coprod restore
--force` refuses both in one line, and the database it would have replaced is unchanged.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.backup import manifest_path
from bot.backup import run_backup
from bot.backup import run_restore
from bot.clock import FakeClock
from bot.config import Config
from bot.config import Secrets
from storage.interface import Storage
from tests.adversary.forensics import decrypt_everything
from tests.adversary.forensics import find_bytes
from tests.adversary.forensics import take_copy
from tests.privacy.workload import fill

# `coprod backup` copies a SQLite file (PostgreSQL is backed up with its own tools).
pytestmark = pytest.mark.sqlite_only

TOKEN = re.compile(rb"gAAAAA[A-Za-z0-9_\-]{20,}={0,2}")


async def _raise_concern(bot: MemoryBot, who: str, what: str, anonymous: str) -> None:
    """Open the concern form and send it, as a member does."""
    opened = await bot.run(who, "/concern")
    assert opened.form is not None
    raised = await bot.submit(who, "concern.raise", {
        "what": what, "about": "", "danger": "no", "contact": "no", "anonymous": anonymous})
    assert "case" in reply_text(raised)


async def test_adversary_a_backup_holds_no_words_no_anonymous_author_and_no_history(
        abot: MemoryBot, clock: FakeClock, storage: Storage, key: str,
        tmp_path: Path) -> None:
    bot = abot
    await fill(bot, clock)
    await bot.submit("ghost", "feedback.send", {"message": "SECRET-ghost feedback",
                                                "topic": "", "audience": "group"})
    await _raise_concern(bot, "ghost", "SECRET-ghost concern", anonymous="yes")

    # A resource added and deleted before the backup: its ciphertext is still in the
    # live files' history at that moment.
    added = reply_text(await bot.run("bob", '/resource add title="SECRET-gone" text="gone"'))
    resource_id = re.search(r"\(id (\w+)\)", added)
    assert resource_id, added
    database = tmp_path / "coprod.db"
    with sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True) as db:
        (gone,) = db.execute("SELECT body FROM resources WHERE id = ?",
                             (resource_id.group(1),)).fetchone()
    gone = gone[20:80]  # a piece of its ciphertext, on one page wherever it is
    removed = reply_text(await bot.run("bob", f"/resource remove id={resource_id.group(1)}"))
    assert "Removed" in removed or "removed" in removed, removed
    assert find_bytes(take_copy(database), gone.encode()), "the live files no longer hold it"

    config = replace(Config(), database=str(database), secrets=Secrets(encryption_key=key))
    out = io.StringIO()
    assert run_backup(config, str(tmp_path / "copy.db"), stdout=out, stderr=out) == 0, \
        out.getvalue()
    copy = tmp_path / "copy.db"
    data = copy.read_bytes()

    # Without the key: no words, no ghost, no deleted ciphertext, no log, no free pages.
    assert b"SECRET" not in data
    assert b"U-ghost" not in data and b"Ghost" not in data
    assert gone.encode() not in data
    assert not _exists(f"{copy}-wal")
    with sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert db.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
        # With the key: every row opened, the ghost is nowhere, though the words are.
        everything = decrypt_everything(db, key)
    opened_text = repr(everything)
    assert "SECRET-ghost concern" in opened_text
    assert "U-ghost" not in opened_text and "Ghost" not in opened_text
    # Every token-like run of bytes in the file is part of a value a row holds now
    # (a long token runs on in an overflow page; the next column's bytes may follow it
    # in the record): no loose old versions.
    stored = _stored_tokens(copy)
    loose = [t for t in set(TOKEN.findall(data))
             if not any(t in s or t.startswith(s) for s in stored)]
    assert not loose, f"{len(loose)} tokens in the file that no row holds"


def _exists(path: str) -> bool:
    return Path(path).exists()


def _stored_tokens(copy: Path) -> list[bytes]:
    """Every text value that holds a token, in any column of any table of the copy."""
    found: list[bytes] = []
    with sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"').fetchall():
                found += [v.encode() for v in row if isinstance(v, str) and "gAAAAA" in v]
    return found


async def _backed_up_with_a_case(bot: MemoryBot, clock: FakeClock, key: str,
                                 tmp_path: Path) -> tuple[Config, Path, Path]:
    """The workload and a concern raised, a backup of it, and a stopped bot's database
    (the backup restored into its own folder) that a forged copy would replace."""
    await fill(bot, clock)
    await _raise_concern(bot, "bob", "SECRET-a concern", anonymous="no")
    out = io.StringIO()
    source = replace(Config(), database=str(tmp_path / "coprod.db"),
                     secrets=Secrets(encryption_key=key))
    copy = tmp_path / "copy.db"
    assert run_backup(source, str(copy), stdout=out, stderr=out) == 0, out.getvalue()
    stopped = tmp_path / "stopped" / "coprod.db"
    config = replace(source, database=str(stopped))
    # restore runs its own event loop (as the command does): in a thread of its own here
    assert await asyncio.to_thread(run_restore, config, str(copy), False, stdout=out,
                                   stderr=out) == 0, out.getvalue()
    return config, copy, stopped


def _forge(copy: Path, *statements: str) -> None:
    """Change the copy with plain SQL, then fix the manifest's SHA-256 and size (the
    signature, made with a key the forger has not, stays as it was)."""
    with sqlite3.connect(copy) as db:
        for statement in statements:
            db.execute(statement)
    manifest = json.loads(manifest_path(copy).read_text())
    manifest["sha256"] = hashlib.sha256(copy.read_bytes()).hexdigest()
    manifest["bytes"] = copy.stat().st_size
    manifest_path(copy).write_text(json.dumps(manifest))


async def _refused_and_nothing_changed(config: Config, copy: Path, stopped: Path) -> None:
    before = _state(stopped)
    out = io.StringIO()
    code = await asyncio.to_thread(run_restore, config, str(copy), True, stdout=out,
                                   stderr=out)
    said = out.getvalue()
    assert code == 1, said
    assert "changed after the backup was made" in said and said.count("\n") == 1
    assert _state(stopped) == before


def _state(database: Path) -> tuple[bytes, list[str]]:
    """A database's bytes and the names in its folder."""
    return database.read_bytes(), sorted(p.name for p in database.parent.iterdir())


async def test_adversary_b_a_trigger_that_redirects_concern_messages_is_refused(
        abot: MemoryBot, clock: FakeClock, storage: Storage, key: str,
        tmp_path: Path) -> None:
    config, copy, stopped = await _backed_up_with_a_case(abot, clock, key, tmp_path)
    _forge(copy, "CREATE TRIGGER t AFTER INSERT ON deliveries "
                 "WHEN NEW.idem_key LIKE 'concern:%:dm:%' BEGIN "
                 "UPDATE deliveries SET destination_json = "
                 "'{\"kind\": \"dm\", \"group_id\": \"G1\", \"user\": \"bob\"}' "
                 "WHERE id = NEW.id; END")
    await _refused_and_nothing_changed(config, copy, stopped)
    with sqlite3.connect(f"{stopped.as_uri()}?mode=ro", uri=True) as db:
        assert not db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                              ).fetchall()


async def test_adversary_b_cases_closed_and_their_audit_deleted_are_refused(
        abot: MemoryBot, clock: FakeClock, storage: Storage, key: str,
        tmp_path: Path) -> None:
    config, copy, stopped = await _backed_up_with_a_case(abot, clock, key, tmp_path)
    with sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True) as db:
        (open_cases,) = db.execute(
            "SELECT count(*) FROM concern_cases WHERE status <> 'closed'").fetchone()
        (audit,) = db.execute("SELECT count(*) FROM concern_audit").fetchone()
    assert open_cases and audit
    _forge(copy, "UPDATE concern_cases SET status = 'closed', closed_at = created_at",
           "DELETE FROM concern_audit")
    await _refused_and_nothing_changed(config, copy, stopped)
    with sqlite3.connect(f"{stopped.as_uri()}?mode=ro", uri=True) as db:
        assert db.execute("SELECT count(*) FROM concern_cases WHERE status <> 'closed'"
                          ).fetchone() == (open_cases,)
        assert db.execute("SELECT count(*) FROM concern_audit").fetchone() == (audit,)
