"""What the processes tell each other, against someone holding the database, its WAL,
the at-rest key, and every message the link carried.

Two real `coprod run` processes share one PostgreSQL schema. Members send anonymous
feedback through both (one reaching her daily limit across them) and vote in an
anonymous poll, one changing her vote through the other process. All the while the
adversary listens on the processes' channel (as any database login can). Without the
at-rest key they hear only opaque messages: nothing repeats from one to the next, so two
pieces of feedback cannot be told to share a writer. They also hold the at-rest key, so
they open every message as the processes do. Afterwards they
take every row of every table decrypted, every tuple on the heap pages (dead versions
too), and the WAL records written while members wrote feedback (`pg_walinspect`).

What they must not get: any member id in what is stored or sent between processes; any
record in the WAL of the feedback window touching a table other than feedback's own
(and the scheduler's and delivery housekeeping); a daily-limit count they can tie to a
member (every 32-byte value they hold, the at-rest key and keys derived from it tried as
the day's HMAC key); or a sealed vote they can open (the same values tried as the
sealing key). What docs/threat-model.md says they do learn: that someone sent feedback
at a moment (a notification's empty commit record, like the feedback's own).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from tests.adversary.forensics import pg_decrypt_everything
from tests.adversary.forensics import pg_is_superuser
from tests.adversary.forensics import pg_page_tuples
from tests.backends import CONNECT_TIMEOUT_SECONDS
from tests.backends import need_postgres
from tests.backends import postgres_schema
from tests.backends import postgres_url
from tests.campaigns.recorder import RecordedProcess
from tests.campaigns.recorder import reply_words
from tests.campaigns.recorder import stop_all
from tests.campaigns.recorder import wait_sent
from tests.campaigns.recorder import write_config

GROUP = "demo"
WRITERS = {"alice": "U-alice-1f3", "bob": "U-bob-77a", "dan": "U-dan-0c2"}
VOTERS = {"alice": WRITERS["alice"], "bob": WRITERS["bob"]}
# Tables the bot writes on its own while members write feedback (nothing about anyone).
HOUSEKEEPING = {"scheduler_state", "occurrences", "deliveries", "settings_version",
                "slack_requests", "metrics"}
_B64 = re.compile(r"[A-Za-z0-9+/_\-]{40,}={0,2}")


@pytest.fixture
async def schema() -> AsyncIterator[str]:
    """A fresh schema on the test server, dropped afterwards."""
    need_postgres()
    async with postgres_schema() as name:
        yield name


def _actor(name: str) -> dict[str, Any]:
    return {"id": WRITERS[name], "name": name.title(), "roles": [], "admin": False}


def _feedback(bot: RecordedProcess, who: str, words: str) -> str:
    return reply_words(bot.wait_reply(bot.send(
        "form", actor=_actor(who), form_id="feedback.send",
        values={"message": words, "topic": "", "audience": "group"})))


def _values_32(texts: list[str]) -> set[bytes]:
    """Every 32-byte value hidden in these texts as base64 (either alphabet), and every
    32-byte window of the longer ones: what an adversary would try as a key."""
    found: set[bytes] = set()
    for text in texts:
        for blob in _B64.findall(text):
            for decode in (base64.b64decode, base64.urlsafe_b64decode):
                try:
                    raw = decode(blob + "=" * (-len(blob) % 4))
                except (binascii.Error, ValueError):
                    continue
                found.update(raw[i:i + 32] for i in range(max(1, len(raw) - 31)))
    return {v for v in found if len(v) == 32}


async def _wal_relations(conn: Any, start: str, end: str, schema: str) -> set[str]:
    """The tables of `schema` (and their indexes' tables) that WAL records between two
    positions touch."""
    await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect SCHEMA public")
    nodes = {str(r["relfilenode"]): str(r["table"]) for r in await conn.fetch(
        """SELECT c.relfilenode, coalesce(t.relname, c.relname) AS table
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_index i ON i.indexrelid = c.oid
           LEFT JOIN pg_class t ON t.oid = i.indrelid
           WHERE n.nspname = $1 AND c.relfilenode <> 0""", schema)}
    touched: set[str] = set()
    for record in await conn.fetch(
            "SELECT block_ref FROM public.pg_get_wal_records_info("
            "$1::text::pg_lsn, $2::text::pg_lsn)", start, end):
        for node in re.findall(r"rel \d+/\d+/(\d+)", str(record["block_ref"] or "")):
            if node in nodes:
                touched.add(nodes[node])
    return touched


async def test_what_the_processes_share_links_no_member_to_feedback_or_vote(
        tmp_path: Path, schema: str) -> None:
    import asyncpg

    key = generate_key()
    url = f"{postgres_url()}?search_path={schema}"
    storage = await open_storage(url, FieldCipher(key))
    try:
        await storage.migrate()
    finally:
        await storage.close()
    async with contextlib.AsyncExitStack() as connections:
        admin = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS)
        connections.push_async_callback(admin.close)
        async with contextlib.AsyncExitStack() as live:
            listener = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_SECONDS)
            live.push_async_callback(listener.close)
            heard: list[str] = []
            where = await listener.fetchval(
                "SELECT current_database() || '.' || current_schema()")
            channel = "coprod_peers_" + hashlib.sha256(str(where).encode()).hexdigest()[:16]
            await listener.add_listener(channel, lambda *args: heard.append(str(args[-1])))
            config = write_config(tmp_path / "config.toml", {
                "record": {"keep_running": True}, "feedback": {"daily_limit": 2}})
            bots = [RecordedProcess(tmp_path, name, key, config=config,
                                    env={"COPROD_DATABASE_URL": url})
                    for name in ("one", "two")]
            one, two = bots
            live.callback(stop_all, bots)
            for bot in bots:
                bot.start()
            made = reply_words(one.wait_reply(one.send(
                "command", actor="carol",
                text='/poll question="Which day?" options="Mon|Tue|Wed" closes=1d')))
            assert "Your poll will be posted" in made
            (post,) = wait_sent(bots, "poll-post:")  # either process may send it
            monday, tuesday, _wednesday = post["buttons"]
            for bot, who, button in ((one, "alice", monday), (two, "alice", tuesday),
                                     (two, "bob", monday)):
                bot.wait_reply(bot.send("press", actor=_actor(who), action=button[1],
                                        value=button[2]))

            start = str(await admin.fetchval("SELECT pg_current_wal_lsn()::text"))
            assert "anonymously" in _feedback(one, "alice", "The room was cold")
            assert "anonymously" in _feedback(two, "dan", "More breaks")
            assert "anonymously" in _feedback(two, "alice", "Start on time please")
            assert "today" in _feedback(one, "alice", "A third, refused")
            assert "anonymously" in _feedback(one, "bob", "Good minutes")
            end = str(await admin.fetchval("SELECT pg_current_wal_lsn()::text"))
            await asyncio.sleep(0.5)  # the last notifications reach the listener

        # The WAL of the feedback window touches feedback's tables and housekeeping only.
        touched = await _wal_relations(admin, start, end, schema)
        print(f"\nWAL of the feedback window touched: {sorted(touched)}")
        assert touched, "no WAL record of the feedback was found"
        assert touched <= {"feedback_pending", "feedback_items"} | HOUSEKEEPING, touched

        conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_SECONDS)
        connections.push_async_callback(conn.close)
        everything = await pg_decrypt_everything(conn, schema, key)
        dead: list[str] = []
        if await pg_is_superuser(conn):
            for table in everything:
                for tup in await pg_page_tuples(conn, table) or []:
                    dead.append(repr(tup.get("t_data")))

    stored = json.dumps(everything, default=str)
    for member in WRITERS.values():
        assert member not in stored
        assert all(member.encode().hex() not in d and member not in d for d in dead)
        assert all(member not in message for message in heard)
    assert heard, "the processes said nothing to each other"
    # No log line of either process says when the feedback limit's key changed hands
    # (it is asked for when someone writes feedback).
    logs = "".join((tmp_path / f"{bot.name}-stderr.log").read_text(encoding="utf-8")
                   for bot in bots)
    assert "feedback-limit" not in logs
    assert "peers.secret_given" in logs  # the sealing key's hand-over is logged

    # Every 32-byte value the adversary holds, tried as the day's key and as the sealing
    # key: the at-rest key's halves and every key derived from it, and every value
    # hidden in the database or the link's messages.
    cipher = FieldCipher(key)
    raw_key = base64.urlsafe_b64decode(key)
    candidates = {raw_key[:16] * 2, raw_key[16:] * 2, raw_key,
                  *cipher.derived_keys(b"coprod peer link"),
                  *_values_32([stored, *heard, *[_open_link_message(m, cipher, channel)
                                                 for m in heard]])}
    # A database login without the key: every message is opaque, and no run of 16
    # characters (a count's tag is 24) appears in two of them.
    for message in heard:
        with pytest.raises(ValueError):
            json.loads(message)
        assert "slot" not in message and "feedback" not in message
    runs = [{m[i:i + 16] for i in range(len(m) - 15)} for m in heard]
    for i, one_runs in enumerate(runs):
        for other in runs[i + 1:]:
            assert not one_runs & other, "two link messages share a readable piece"
    opened = [_open_link_message(m, cipher, channel) for m in heard]
    slots = {json.loads(m).get("body", {}).get("slot") for m in opened}
    slots.discard(None)
    assert slots, "no count was told"
    print(f"link messages heard: {len(heard)}; counts told: {len(slots)}; values tried as "
          f"keys: {len(candidates)}")
    for member in WRITERS.values():
        for candidate in candidates:
            mac = hmac.new(candidate, f"{GROUP}\x00{member}".encode(), hashlib.sha256)
            assert base64.b64encode(mac.digest()[:16]).decode() not in slots

    (box,) = [row["box"] for row in everything["ballot_boxes"]]
    sealed = [str(token) for _tag, token in box["sealed"]]  # type: ignore[index]
    assert len(sealed) == len(VOTERS)
    for token in sealed:
        for candidate in candidates:
            with pytest.raises(InvalidToken):
                Fernet(base64.urlsafe_b64encode(candidate)).decrypt(token.encode())


def _open_link_message(message: str, cipher: FieldCipher, channel: str) -> str:
    """What the adversary holding the at-rest key reads in a link message."""
    raw = base64.b64decode(message)
    key = cipher.derived_keys(b"coprod peer link")[0]
    return AESGCM(key).decrypt(raw[:12], raw[12:], channel.encode()).decode()
