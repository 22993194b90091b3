"""Someone with a login to the bot's PostgreSQL database and no key, against the link
between processes (found by an outside trial): holding the advisory lock a process takes
to hand out a shared secret stopped every process starting, and a member's feedback
waited for ever; a session naming itself after the processes' channel was waited for as
a peer that never answers.

Now a lock held elsewhere is waited for at most `LOCK_WAIT` (logged, and the work goes
on unlocked, as when the link's connection is lost), and only sessions of the bot's own
database role count as peers.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.peer_link import LOCK_SPACE
from storage.peer_link import PostgresPeerLink
from tests.backends import CONNECT_TIMEOUT_SECONDS
from tests.backends import need_postgres
from tests.backends import postgres_schema
from tests.backends import postgres_url

BOUND_SECONDS = 20


@pytest.fixture
async def link(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[PostgresPeerLink, str]]:
    """An open peer link on a fresh schema (waiting at most 0.5 s for a lock), and the
    schema."""
    need_postgres()
    monkeypatch.setattr("storage.peer_link.LOCK_WAIT", "500ms")
    async with postgres_schema() as schema:
        opened = PostgresPeerLink(postgres_url(), FieldCipher(generate_key()), schema)
        await opened.open(lambda _text: None)
        try:
            yield opened, schema
        finally:
            await opened.close()


async def _connect(schema: str, **settings: str) -> Any:
    import asyncpg

    return await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS,
                                 server_settings={"search_path": schema, **settings})


async def test_a_secret_lock_held_by_another_login_is_waited_for_a_bounded_time(
        link: tuple[PostgresPeerLink, str], caplog: pytest.LogCaptureFixture) -> None:
    peer_link, schema = link
    name = "secret:vote-seal"
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big", signed=True)
    hostile = await _connect(schema)
    try:
        await hostile.execute("SELECT pg_advisory_lock($1, $2)", LOCK_SPACE, key)
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="storage.peer_link"):
            async with asyncio.timeout(BOUND_SECONDS), peer_link.exclusive(name):
                waited = time.monotonic() - started
        assert 0.4 <= waited < 5, waited
        assert "peers.lock_failed" in caplog.text
        # Not held by us, so nothing to release; the hostile session still has it.
        assert await hostile.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND pid = pg_backend_pid()") == 1
    finally:
        await hostile.close()
    # Once the lock is free again it is taken and released as before.
    async with asyncio.timeout(BOUND_SECONDS), peer_link.exclusive(name):
        pass


async def test_a_session_of_another_login_named_after_the_channel_is_no_peer(
        link: tuple[PostgresPeerLink, str]) -> None:
    peer_link, schema = link
    channel = peer_link._channel
    assert await peer_link.peer_count() == 0
    same_role = await _connect(schema, application_name=channel)
    try:
        assert await peer_link.peer_count() == 1  # the control: a peer of our role counts
    finally:
        await same_role.close()

    import asyncpg

    admin = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS)
    role = f"coprod_other_{uuid.uuid4().hex[:8]}"
    try:
        if not await admin.fetchval("SELECT rolcreaterole OR rolsuper FROM pg_roles "
                                    "WHERE rolname = current_user"):
            pytest.skip("making a second login needs CREATEROLE")
        await admin.execute(f"CREATE ROLE {role} LOGIN")
        other = await asyncpg.connect(postgres_url(), user=role,
                                      timeout=CONNECT_TIMEOUT_SECONDS,
                                      server_settings={"application_name": channel})
        try:
            assert await peer_link.peer_count() == 0
        finally:
            await other.close()
    finally:
        await admin.execute(f"DROP ROLE IF EXISTS {role}")
        await admin.close()
