"""Every notification goes through the outbox: a rate limit and a 5xx are retried, closed
DMs are rerouted to the deputy and the other leads, and never to any channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot.clock import FakeClock
from bot.errors import DeliveryError
from bot.errors import Forbidden
from bot.errors import NotFound
from bot.errors import RateLimited
from bot.errors import Transient
from bot.messages import Destination
from bot.outbox import DeliveryStatus
from storage.interface import Storage
from tests.concerns.helpers import DEPUTY
from tests.concerns.helpers import LEADS_CHANNEL
from tests.concerns.helpers import channels_used
from tests.concerns.helpers import make_bot
from tests.concerns.helpers import raise_concern
from tests.concerns.helpers import ref_of

SECRET = "Someone at the group is hurting my friend"


async def _settle_over_time(bot: MemoryBot, clock: FakeClock, rounds: int = 6) -> None:
    for _ in range(rounds):
        await bot.settle()
        clock.advance(timedelta(minutes=11))
    await bot.settle()


@asynccontextmanager
async def failing_bot(storage: Storage, clock: FakeClock,
                      fail_when: Callable[[Destination], DeliveryError | None]
                      ) -> AsyncIterator[MemoryBot]:
    """The concerns app (leads dev and erin, deputy fiona) whose sends fail wherever
    `fail_when` says; closed afterwards."""
    bot = await make_bot(storage, clock, adapter=MemoryAdapter(fail_when=fail_when))
    try:
        yield bot
    finally:
        await bot.close()


async def test_rate_limit_5xx_and_closed_dms_are_retried_or_rerouted(
        storage: Storage, clock: FakeClock) -> None:
    def closed_for_dev(destination: Destination) -> DeliveryError | None:
        return Forbidden("50007 dms closed") if destination.user == "U-dev" else None

    async with failing_bot(storage, clock, closed_for_dev) as bot:
        adapter = bot.adapter
        adapter.fail_next(RateLimited(2.0), Transient("503"), Transient("502"))
        ref = ref_of(await raise_concern(bot, what=SECRET))
        await _settle_over_time(bot, clock)
        assert adapter.attempts >= 6
        assert any(SECRET in m.text for m in adapter.sent_to_dm("erin"))
        assert adapter.sent_to_dm("dev") == []
        rerouted = adapter.sent_to_dm("fiona")
        assert rerouted and "could not be reached" in rerouted[0].text
        assert SECRET in rerouted[0].text and rerouted[0].buttons  # can still acknowledge
        assert channels_used(bot) == {LEADS_CHANNEL}
        assert await bot.app.storage.delivery_status(f"concern:{ref}:dm:U-dev") is \
            DeliveryStatus.DELIVERED  # delivered through its fallback
        counts = await bot.app.storage.delivery_counts()
        assert counts.get(DeliveryStatus.UNDELIVERABLE, 0) == 0
        assert counts.get(DeliveryStatus.PENDING, 0) == 0


async def test_when_the_deputy_is_closed_too_the_other_lead_gets_it(
        storage: Storage, clock: FakeClock) -> None:
    def closed(destination: Destination) -> DeliveryError | None:
        if destination.user in ("U-dev", DEPUTY):
            return NotFound("10013 unknown user") if destination.user == DEPUTY else \
                Forbidden("50007")
        return None

    async with failing_bot(storage, clock, closed) as bot:
        await raise_concern(bot, what=SECRET)
        await _settle_over_time(bot, clock)
        to_erin = [m.text for m in bot.adapter.sent_to_dm("erin")]
        assert len(to_erin) == 2 and any("could not be reached" in t for t in to_erin)
        assert channels_used(bot) == {LEADS_CHANNEL}


async def test_refused_everywhere_is_undeliverable_and_never_goes_to_a_channel(
        storage: Storage, clock: FakeClock) -> None:
    def every_dm_closed(destination: Destination) -> DeliveryError | None:
        return Forbidden("50007") if destination.user else None

    async with failing_bot(storage, clock, every_dm_closed) as bot:
        await raise_concern(bot, what=SECRET, about="erin")  # the channel gets nothing
        await _settle_over_time(bot, clock)
        counts = await bot.app.storage.delivery_counts()
        assert counts.get(DeliveryStatus.UNDELIVERABLE, 0) >= 1
        assert channels_used(bot) == set()
        assert all(s.destination.channel in ("", LEADS_CHANNEL) for s in bot.adapter.sent)
