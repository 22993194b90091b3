"""Someone with a backup made by `coprod backup`, with or without the key.

After a workload through every feature, plus a member ("ghost") who only ever wrote
anonymous feedback and raised a concern with no name and no contact, the backup file
holds none of the words anyone wrote (without the key) and, even opened row by row with
the key, nothing that names the ghost. It carries no more history than the live
database: no write-ahead log, no free pages, and not the ciphertext of a resource
deleted before the backup, which the live files still held at that moment.
"""

from __future__ import annotations

import io
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

from adapters.memory import MemoryBot, reply_text
from bot.backup import run_backup
from bot.clock import FakeClock
from bot.config import Config, Secrets
from storage.interface import Storage
from tests.adversary.forensics import decrypt_everything, find_bytes, take_copy
from tests.privacy.workload import fill

TOKEN = re.compile(rb"gAAAAA[A-Za-z0-9_\-]{20,}={0,2}")


async def test_adversary_a_backup_holds_no_words_no_anonymous_author_and_no_history(
        abot: MemoryBot, clock: FakeClock, storage: Storage, key: str,
        tmp_path: Path) -> None:
    bot = abot
    await fill(bot, clock)
    await bot.submit("ghost", "feedback.send", {"message": "SECRET-ghost feedback",
                                                "topic": "", "audience": "group"})
    opened = await bot.run("ghost", "/concern")
    assert opened.form is not None
    raised = await bot.submit("ghost", "concern.raise", {
        "what": "SECRET-ghost concern", "about": "", "danger": "no", "contact": "no",
        "anonymous": "yes"})
    assert "case" in reply_text(raised)

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
