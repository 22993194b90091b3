"""`bot.peers` and the feedback limit over it, with processes played by `Peers` objects
on an in-process link (the real link, PostgreSQL's LISTEN/NOTIFY, is exercised by
tests/scaling/test_peers.py with real processes)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from bot import peers as peers_module
from bot.anonymity import Sealer
from bot.features.feedback.limiter import DailyLimiter
from bot.peers import Peers

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Hub:
    """Every link joined to it hears every message (its own too), as NOTIFY does."""

    def __init__(self) -> None:
        self.links: list[HubLink] = []
        self.heard: list[str] = []
        self.locks: dict[str, asyncio.Lock] = {}
        self.silent = 0  # peers counted as listening that never answer (died)


class HubLink:
    """One process's end of the hub."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.deliver: Callable[[str], None] | None = None

    async def open(self, deliver: Callable[[str], None]) -> None:
        self.deliver = deliver
        self.hub.links.append(self)

    async def publish(self, text: str) -> None:
        self.hub.heard.append(text)
        for link in list(self.hub.links):
            if link.deliver is not None:
                asyncio.get_running_loop().call_soon(link.deliver, text)

    async def peer_count(self) -> int:
        return len(self.hub.links) - 1 + self.hub.silent

    @contextlib.asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        async with self.hub.locks.setdefault(name, asyncio.Lock()):
            yield

    async def close(self) -> None:
        self.hub.links.remove(self)


async def _process(hub: Hub) -> Peers:
    peers = Peers(HubLink(hub))
    await peers.open()
    return peers


async def test_a_secret_made_by_one_process_is_given_to_the_others_encrypted() -> None:
    hub = Hub()
    first, second = await _process(hub), await _process(hub)
    made = await first.secret("vote-seal")
    assert await second.secret("vote-seal") == made
    third = await _process(hub)
    await first.close()
    assert await third.secret("vote-seal") == made  # from the second, still running
    assert not any(made.hex() in m or made.hex().upper() in m for m in hub.heard)
    assert not any(base64.b64encode(made).decode() in m for m in hub.heard)


async def test_processes_asking_at_once_share_one_secret() -> None:
    hub = Hub()
    processes = [await _process(hub) for _ in range(4)]
    found = await asyncio.gather(*(p.secret("feedback-limit:2026-03-02") for p in processes))
    assert len(set(found)) == 1


async def test_with_no_live_holder_a_new_secret_is_made(monkeypatch: pytest.MonkeyPatch,
                                                         ) -> None:
    hub = Hub()
    first = await _process(hub)
    old = await first.secret("vote-seal")
    await first.close()
    hub.silent = 1  # a peer died without closing its connection: it is waited for, briefly
    monkeypatch.setattr(peers_module, "ANSWER_SECONDS", 0.2)
    fresh = await _process(hub)
    started = asyncio.get_running_loop().time()
    assert await fresh.secret("vote-seal") != old
    assert asyncio.get_running_loop().time() - started < 2


async def test_without_a_link_everything_is_local() -> None:
    alone = Peers(None)
    await alone.open()
    assert await alone.secret("x") == await alone.secret("x")
    assert await alone.request("topic", {}) == []
    await alone.tell("topic", {"a": 1})  # nothing to tell, nothing fails


async def test_a_vote_sealed_by_one_process_is_opened_by_another() -> None:
    hub = Hub()
    one, two = Sealer(), Sealer()
    await one.join(await _process(hub))
    await two.join(await _process(hub))
    assert two.unseal(one.seal((2,))) == (2,)
    assert Sealer().unseal(one.seal((2,))) is None  # a process that never joined


async def test_the_daily_limit_counts_across_processes_and_a_late_one_learns_it() -> None:
    hub = Hub()
    first = DailyLimiter(2, await _process(hub))
    second = DailyLimiter(2, await _process(hub))
    assert await first.take("g", "alice", NOW)
    assert await second.take("g", "alice", NOW)
    await asyncio.sleep(0.01)  # the counts told reach the other process
    assert not await first.take("g", "alice", NOW)
    assert not await second.take("g", "alice", NOW)
    assert await second.take("g", "bob", NOW)
    late = DailyLimiter(2, await _process(hub))
    assert not await late.take("g", "alice", NOW)
    assert await late.take("g", "bob", NOW)
    await asyncio.sleep(0.01)
    assert not await first.take("g", "bob", NOW)
    # A send that was not stored gives its count back, everywhere.
    await first.give_back("g", "bob", NOW)
    await asyncio.sleep(0.01)
    assert await second.take("g", "bob", NOW)
    # The next day starts again, under a new key.
    assert await first.take("g", "alice", NOW + timedelta(days=1))
    assert not any("alice" in m or "bob" in m for m in hub.heard)


async def test_the_feedback_limit_hands_over_its_key_without_a_log_line(
        caplog: pytest.LogCaptureFixture) -> None:
    hub = Hub()
    first = DailyLimiter(2, await _process(hub))
    second = DailyLimiter(2, await _process(hub))
    with caplog.at_level("DEBUG"):
        assert await first.take("g", "alice", NOW)
        assert await second.take("g", "alice", NOW)  # the key comes from the first
    assert not [r for r in caplog.records if r.name == "bot.peers"]
    seal = await _process(hub)
    with caplog.at_level("INFO"):
        await (await _process(hub)).secret("vote-seal")
        await seal.secret("vote-seal")
    assert [r.getMessage() for r in caplog.records if r.name == "bot.peers"] == [
        "peers.secret_given", "peers.secret_received"]
