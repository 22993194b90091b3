"""`coprod rotate-key`: every encrypted field is re-encrypted under a new key, a batch at
a time, while the bot keeps running on the same file (it re-reads its key file); then
the key file holds only the new key, every encrypted value opens with the new key alone,
and the old key opens nothing, neither in any column nor anywhere in the file."""

from __future__ import annotations

import asyncio
import io
import re
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.config import Secrets
from bot.privacy import reseal_everything
from bot.privacy import run_rotate_key
from storage.crypto import FieldCipher
from storage.crypto import KeyFileCipher
from storage.crypto import generate_key
from storage.crypto import load_or_create_key_file
from storage.crypto import read_key_file
from storage.crypto import write_key_file
from storage.factory import open_storage
from storage.members import MEMORY_SEALED_COLUMNS
from storage.members import encrypted_columns
from storage.slack_installs import SlackInstall
from storage.slack_installs import SlackInstallStore
from tests.backends import raw_rows
from tests.privacy.conftest import start_features
from tests.privacy.workload import fill

TOKEN = re.compile(rb"gAAAAA[A-Za-z0-9_\-]{20,}={0,2}")


@dataclass
class Running:
    """A bot running on a database file whose key lives in a key file."""

    bot: MemoryBot
    config: Config
    database: Path
    key_file: Path
    old_key: str


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    database, key_file = tmp_path / "coprod.db", tmp_path / "coprod.key"
    old_key, _ = load_or_create_key_file(key_file)
    storage = await open_storage(str(database), KeyFileCipher(key_file))
    await storage.migrate()
    config = replace(Config(), database=str(database), key_file=str(key_file))
    app = App(config, storage, clock=FakeClock())
    await app.load()
    await start_features(app)
    bot = MemoryBot(app, MemoryAdapter())
    yield Running(bot, config, database, key_file, old_key)
    await bot.close()
    await storage.close()


def stored_tokens(database: Path) -> dict[str, list[str]]:
    """Every value in every TEXT column of every table that looks like a Fernet token."""
    found: dict[str, list[str]] = {}
    with sqlite3.connect(database) as db:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            for column in [r[1] for r in db.execute(f"PRAGMA table_info({table})")]:
                for (value,) in db.execute(f"SELECT {column} FROM {table}"):
                    if isinstance(value, str) and value.startswith("gAAAAA"):
                        found.setdefault(f"{table}.{column}", []).append(value)
    return found


def database_bytes(folder: Path) -> bytes:
    """The database file, its WAL and shared-memory file, as they are on disk."""
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.name.startswith("coprod.db"))


def opens(key: str, token: str | bytes) -> bool:
    raw = token.encode() if isinstance(token, str) else token
    try:
        Fernet(key).decrypt(raw)
    except InvalidToken:
        return False
    return True


async def test_rotation_while_the_bot_runs_leaves_nothing_for_the_old_key(
        running: Running, tmp_path: Path) -> None:
    bot = running.bot
    clock = bot.app.clock
    assert isinstance(clock, FakeClock)
    await fill(bot, clock)
    # A Slack workspace's bot token (one app for many workspaces), sealed like the rest.
    installs = bot.app.storage
    assert isinstance(installs, SlackInstallStore)
    await installs.save_slack_install(SlackInstall("T0ROTATE1", {"bot_token": "xoxb-SECRET"},
                                                   clock.now()))
    before = stored_tokens(running.database)
    listed = {c.name for c in encrypted_columns()}
    # Every column holding tokens is listed (or sealed under a key that is never stored).
    assert set(before) <= listed | set(MEMORY_SEALED_COLUMNS), set(before) - listed
    # The workload fills all but two ("you said, we did" answers need a digest first; a
    # private recipient is only kept until the message is delivered).
    assert listed - set(before) == {"feedback_items.answer", "deliveries.sealed_to"}

    # The bot keeps working while the key changes: members keep adding agenda points.
    async def keep_writing() -> int:
        sent = 0
        while not done.is_set():
            reply = await bot.run("bob", f'/agenda add text="SECRET-during rotation {sent}"')
            assert "Added" in reply_text(reply), reply_text(reply)
            sent += 1
            await asyncio.sleep(0)
        return sent

    done = asyncio.Event()
    writer = asyncio.create_task(keep_writing())
    out = io.StringIO()
    code = await asyncio.wait_for(
        run_rotate_key(running.config, stdout=out, stderr=out, settle_seconds=0.05), 60)
    done.set()
    written = await asyncio.wait_for(writer, 10)
    assert code == 0, out.getvalue()
    assert written > 0
    assert "Step 3 of 3: done." in out.getvalue()

    new_key = read_key_file(running.key_file)
    assert "," not in new_key and new_key != running.old_key

    # After the rotation the bot still reads and writes everything it had.
    listing = reply_text(await bot.run("carol", "/feedback list"))
    assert "SECRET-hidden" in listing  # re-encrypted words read back
    assert "Welcome, SECRET-welcome." in reply_text(await bot.run("alice", "/welcome"))
    install = await installs.slack_install("T0ROTATE1")
    assert install is not None and install.details["bot_token"] == "xoxb-SECRET"
    await bot.submit("alice", "feedback.send", {"message": "SECRET-after", "topic": "",
                                                "audience": "group"})

    after = stored_tokens(running.database)
    for column, tokens in after.items():
        if column in MEMORY_SEALED_COLUMNS:
            continue
        for token in tokens:
            assert opens(new_key, token), column
            assert not opens(running.old_key, token), column
    # Nor anywhere in the file, its free pages or its write-ahead log.
    raw = database_bytes(tmp_path)
    in_file = TOKEN.findall(raw)
    assert in_file
    assert not any(opens(running.old_key, t) for t in in_file)


async def test_the_feedback_day_stamp_survives_rotation(running: Running) -> None:
    bot = running.bot
    await bot.submit("alice", "feedback.send", {"message": "SECRET-stamped", "topic": "",
                                                "audience": "group"})
    (token,) = stored_tokens(running.database)["feedback_pending.body"]
    stamp = Fernet(running.old_key).extract_timestamp(token.encode())
    assert stamp % 86400 == 0  # midnight UTC: the day only
    assert await run_rotate_key(running.config, stdout=io.StringIO(),
                                settle_seconds=0) == 0
    (rotated,) = stored_tokens(running.database)["feedback_pending.body"]
    new_key = read_key_file(running.key_file)
    assert Fernet(new_key).extract_timestamp(rotated.encode()) == stamp


async def test_environment_keys_need_the_new_key_first(running: Running) -> None:
    bot = running.bot
    await bot.submit("alice", "feedback.send", {"message": "SECRET-env", "topic": "",
                                                "audience": "group"})
    one = replace(running.config, secrets=Secrets(encryption_key=running.old_key))
    err = io.StringIO()
    assert await run_rotate_key(one, stdout=io.StringIO(), stderr=err) == 2
    assert "holds one key" in err.getvalue()
    new_key = generate_key()
    both = replace(running.config,
                   secrets=Secrets(encryption_key=f"{new_key},{running.old_key}"))
    out = io.StringIO()
    assert await run_rotate_key(both, stdout=out, settle_seconds=0) == 0
    assert "set COPROD_ENCRYPTION_KEY to that key only" in out.getvalue()
    for column, tokens in stored_tokens(running.database).items():
        if column not in MEMORY_SEALED_COLUMNS:
            assert all(opens(new_key, t) and not opens(running.old_key, t)
                       for t in tokens), column
    # The key file is not touched when the keys come from the environment.
    assert read_key_file(running.key_file) == running.old_key


async def test_an_interrupted_rotation_is_finished_by_the_next_run(running: Running) -> None:
    bot = running.bot
    await bot.submit("alice", "feedback.send", {"message": "SECRET-half", "topic": "",
                                                "audience": "group"})
    new_key = generate_key()
    write_key_file(running.key_file, [new_key, running.old_key])  # stopped after step 1
    out = io.StringIO()
    assert await run_rotate_key(running.config, stdout=out, settle_seconds=0) == 0
    assert "did not finish" in out.getvalue()
    assert read_key_file(running.key_file) == new_key


async def test_values_no_key_opens_are_counted_and_left(running: Running) -> None:
    storage = running.bot.app.storage
    await storage.save_group_settings("group-1", {"timezone": "UTC"}, "U-carol",
                                      running.bot.app.clock.now())
    stranger = FieldCipher(generate_key()).encrypt('"lost"')
    with sqlite3.connect(running.database) as db:
        db.execute("UPDATE settings_audit SET value_json = ?", (stranger,))
    new_key = generate_key()
    result = await reseal_everything(storage, FieldCipher([new_key, running.old_key]),
                                     FieldCipher(new_key))
    assert result.unreadable == {"settings_audit.value_json": 1}
    assert result.remaining == 0 and result.resealed >= 1
    with sqlite3.connect(running.database) as db:
        assert db.execute("SELECT value_json FROM settings_audit").fetchall() == [(stranger,)]


def test_a_key_file_cipher_follows_its_file(tmp_path: Path) -> None:
    path = tmp_path / "coprod.key"
    old, _ = load_or_create_key_file(path)
    cipher = KeyFileCipher(path)
    before = cipher.encrypt("before")
    new = generate_key()
    write_key_file(path, [new, old])
    during = cipher.encrypt("during")
    assert opens(new, during) and cipher.decrypt(before) == "before"
    assert stat_mode(path) == 0o600
    write_key_file(path, [new])
    assert cipher.decrypt(during) == "during" and cipher.key_count == 1
    path.write_text("not a key\n", encoding="ascii")  # damaged: keep the keys that work
    assert cipher.decrypt(during) == "during"
    path.unlink()
    assert cipher.decrypt(cipher.encrypt("gone")) == "gone"


def stat_mode(path: Path) -> int:
    import os
    import stat

    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.backends
async def test_resealing_on_either_database(pbot: MemoryBot, key: str) -> None:
    """The batches and their checks, on SQLite and PostgreSQL: afterwards every listed
    column opens with the new key alone and not with the old."""
    clock = pbot.app.clock
    assert isinstance(clock, FakeClock)
    await fill(pbot, clock)
    storage = pbot.app.storage
    new_key = generate_key()
    result = await reseal_everything(storage, FieldCipher([new_key, key]),
                                     FieldCipher(new_key), batch=7)
    assert result.remaining == 0 and result.unreadable == {} and result.resealed >= 40
    checked = 0
    for column in encrypted_columns():
        where = f" AND ({column.only})" if column.only else ""
        for row in await raw_rows(storage, f"SELECT {column.column} AS token FROM "
                                           f"{column.table} WHERE {column.column} IS NOT "
                                           f"NULL{where}", column.params):
            token = str(row["token"])
            assert opens(new_key, token) and not opens(key, token), column.name
            checked += 1
    assert checked == result.resealed
    assert await storage.compact()
