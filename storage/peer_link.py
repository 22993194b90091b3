"""The link between bot processes on one PostgreSQL database: LISTEN/NOTIFY.

A notification is kept in the server's memory until every listener has read it, never
in a table and never in the write-ahead log (the WAL records only that a transaction
committed, and when). Each message is encrypted and authenticated (AES-GCM) with a key
derived from the at-rest key, so a database login alone can neither read nor speak on
the link: a listener without the key hears only that a message of about some length
passed. Inside, what `bot.peers` sends is opaque again (HMACs under a key that is never
stored, or a secret encrypted for one process).

Two connections of its own, outside the pool: one listens (and publishes), one holds
the session advisory locks of `exclusive` (waiting for one must not stop notifications
arriving). The channel is named after the database and schema, so processes on other
schemas of the same server (tests) never hear each other; the listening connection
carries the channel as its `application_name`, which is how live peers are counted.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import logging
import os
from collections.abc import AsyncIterator
from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.logs import log_event
from storage.crypto import FieldCipher

log = logging.getLogger(__name__)

# The first half of the two-number advisory lock key ("peer" in ASCII), apart from the
# single-number locks the stores take.
LOCK_SPACE = 0x70656572
# How long `exclusive` waits for a lock another session holds. A process holds one for at
# most a request's answer time (`bot.peers.ANSWER_SECONDS`), so a longer wait means a
# stuck or hostile session (any database login can take an advisory lock): the work
# then goes on unlocked, as when the connection is lost, rather than waiting for ever.
LOCK_WAIT = "5s"
_PURPOSE = b"coprod peer link"


class PostgresPeerLink:
    """`bot.peers.PeerLink` over PostgreSQL's LISTEN/NOTIFY."""

    def __init__(self, dsn: str, cipher: FieldCipher, schema: str | None = None) -> None:
        self._dsn = dsn
        self._settings = {"search_path": schema} if schema else {}
        self._keys = cipher.derived_keys(_PURPOSE)
        self._listen: Any = None
        self._locks: Any = None
        self._channel = ""
        self._use = asyncio.Lock()
        self._lock_use = asyncio.Lock()
        self._deliver: Callable[[str], None] | None = None

    async def open(self, deliver: Callable[[str], None]) -> None:
        """Connect twice, name the channel, and listen."""
        import asyncpg

        self._deliver = deliver
        self._listen = await asyncpg.connect(self._dsn, server_settings=self._settings)
        self._locks = await asyncpg.connect(
            self._dsn, server_settings={**self._settings, "lock_timeout": LOCK_WAIT})
        where = await self._listen.fetchval("SELECT current_database() || '.' || "
                                            "current_schema()")
        self._channel = "coprod_peers_" + hashlib.sha256(str(where).encode()).hexdigest()[:16]
        await self._listen.execute(f"SET application_name = '{self._channel}'")
        await self._listen.add_listener(self._channel, self._heard)

    def _heard(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        text = self._open(payload)
        if text is None:
            log_event(log, logging.WARNING, "peers.unsealed_message")
            return
        if self._deliver is not None:
            self._deliver(text)

    def _seal(self, text: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self._keys[0]).encrypt(nonce, text.encode(), self._channel.encode())
        return base64.b64encode(nonce + sealed).decode("ascii")

    def _open(self, payload: str) -> str | None:
        """The message inside `payload`, or None if no configured key made it."""
        try:
            raw = base64.b64decode(payload.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeError):
            return None
        for key in self._keys:
            try:
                return AESGCM(key).decrypt(raw[:12], raw[12:], self._channel.encode()).decode()
            except (InvalidTag, ValueError, UnicodeError):
                continue
        return None

    async def publish(self, text: str) -> None:
        """NOTIFY every listener (a lost connection is logged; the message is dropped)."""
        payload = self._seal(text)
        try:
            async with self._use:
                await self._listen.execute("SELECT pg_notify($1, $2)", self._channel, payload)
        except Exception as exc:
            log_event(log, logging.WARNING, "peers.publish_failed", error=type(exc).__name__)

    async def peer_count(self) -> int:
        """Other connections listening on this channel now, of this database role: a
        session of another login naming itself after the channel is no peer (it would
        be waited for, and never answer)."""
        try:
            async with self._use:
                found = await self._listen.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 "
                    "AND usename = current_user AND pid <> pg_backend_pid()", self._channel)
        except Exception as exc:
            log_event(log, logging.WARNING, "peers.count_failed", error=type(exc).__name__)
            return 0
        return int(found or 0)

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        """A session advisory lock (kept in memory by the server, not written). If the
        connection is lost, or the lock is not had within `LOCK_WAIT`, the work goes on
        unlocked (logged): at worst two processes make two keys, and each seals and
        counts under its own."""
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big", signed=True)
        async with self._lock_use:
            held = await self._lock("SELECT pg_advisory_lock($1, $2)", key)
            try:
                yield
            finally:
                if held:
                    await self._lock("SELECT pg_advisory_unlock($1, $2)", key)

    async def _lock(self, sql: str, key: int) -> bool:
        try:
            await self._locks.execute(sql, LOCK_SPACE, key)
        except Exception as exc:
            log_event(log, logging.WARNING, "peers.lock_failed", error=type(exc).__name__)
            return False
        return True

    async def close(self) -> None:
        """Stop listening and disconnect."""
        for conn in (self._listen, self._locks):
            if conn is not None:
                try:
                    await conn.close(timeout=5)
                except Exception as exc:
                    log_event(log, logging.WARNING, "peers.close_failed",
                              error=type(exc).__name__)
        self._listen = self._locks = None
