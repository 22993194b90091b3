"""Discord's global rate limit: the adapter paces itself under it, and a global 429 (from
the fake, shaped as Discord sends it) is waited out, never lost."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any

import pytest

from adapters.discord.ratelimit import pace
from adapters.discord.ratelimit import pace_requests
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import NewDelivery
from storage.interface import Storage
from tests.contract.discord.conftest import Harness
from tests.fakes.discord import FakeDiscord


async def _start(started: list[Harness], fake: FakeDiscord, storage: Storage,
                 per_second: int) -> Harness:
    harness = Harness(fake, storage, requests_per_second=per_second)
    started.append(harness)
    await harness.start()
    return harness


async def _dm_everyone(harness: Harness, names: list[str]) -> None:
    assert harness.app is not None
    fake = harness.fake
    await harness.app.storage.enqueue(
        [NewDelivery(f"notice:{name}", Destination.to_dm(fake.guild_id, fake.by_name[name]),
                     Message(f"A note for {name}.")) for name in names],
        datetime.now(UTC))
    harness.app.deliveries_waiting()


def _busiest_second(times: list[float]) -> int:
    return max((sum(1 for t in times[i:] if t - start < 1.0)
                for i, start in enumerate(times)), default=0)


async def test_a_fan_out_is_paced_under_the_global_limit(
        fake: FakeDiscord, storage: Storage, started: list[Harness]) -> None:
    names = [f"member{i}" for i in range(15)]
    for name in names:
        fake.member(name)
    fake.enforce_global_limit(20)
    harness = await _start(started, fake, storage, per_second=20)
    await _dm_everyone(harness, names)
    await fake.wait_for(lambda: all(fake.dms_to(n) for n in names), limit=15.0,
                        what="every DM")
    assert fake.global_429s == 0
    assert _busiest_second(fake.accepted_at) < 20
    assert all(len(fake.dms_to(n)) == 1 for n in names)


async def test_a_global_429_is_waited_out_and_nothing_is_lost(
        fake: FakeDiscord, storage: Storage, started: list[Harness]) -> None:
    names = [f"member{i}" for i in range(4)]
    for name in names:
        fake.member(name)
    harness = await _start(started, fake, storage, per_second=10000)  # no real pacing
    fake.enforce_global_limit(3)
    await _dm_everyone(harness, names)
    await fake.wait_for(lambda: all(fake.dms_to(n) for n in names), limit=15.0,
                        what="every DM despite the 429s")
    assert fake.global_429s > 0
    assert all(len(fake.dms_to(n)) == 1 for n in names)


async def test_the_global_limit_is_off_unless_asked_for(harness: Harness) -> None:
    fake = harness.fake
    await _dm_everyone(harness, ["alice", "bob", "carol", "dev", "sam"])
    await harness.settle()
    assert fake.global_limit == 0 and fake.global_429s == 0
    assert all(fake.dms_to(n) for n in ("alice", "bob", "carol", "dev", "sam"))


@pytest.mark.parametrize("per_second", [1, 2, 5, 10, 19, 20, 25, 50, 100, 1000])
def test_the_pace_never_exceeds_the_limit_in_any_second(per_second: int) -> None:
    burst, steady = pace(per_second)
    assert 1 <= burst <= 2
    # A burst after a quiet spell plus a second of the steady pace: within the limit,
    # with one to spare where the limit is not tiny.
    assert int(burst + steady) <= per_second - (1 if per_second >= 20 else 0)
    assert steady >= per_second / 2


class _Route:
    def __init__(self, path: str) -> None:
        self.path = path


class _Http:
    def __init__(self) -> None:
        self.seen: list[str] = []

    async def request(self, route: _Route, **kwargs: Any) -> str:
        self.seen.append(route.path)
        return "ok"


async def test_interaction_responses_do_not_wait_their_turn() -> None:
    http = _Http()
    limiter = pace_requests(http, 50)
    await http.request(_Route("/interactions/1/token/callback"))
    await http.request(_Route("/webhooks/1/token"))
    assert limiter.has_capacity(2)  # nothing taken
    await http.request(_Route("/channels/1/messages"))
    assert not limiter.has_capacity(2)
    assert http.seen == ["/interactions/1/token/callback", "/webhooks/1/token",
                         "/channels/1/messages"]
