"""Escalation: not acknowledged in time goes to every lead and the fallback contacts, and
is repeated at the interval until someone acknowledges (FakeClock + run_due)."""

from __future__ import annotations

from datetime import timedelta

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot.clock import FakeClock
from bot.errors import Forbidden
from bot.features.concerns.escalation import escalation_times
from bot.features.concerns.escalation import schedule_id
from bot.features.concerns.routing import ACK_ACTION
from bot.features.retention.package import daily_at_midnight
from bot.messages import DestinationKind
from scheduler import Firing
from storage.interface import Storage
from tests.concerns.helpers import DEPUTY
from tests.concerns.helpers import LEADS_CHANNEL
from tests.concerns.helpers import config
from tests.concerns.helpers import dm_users
from tests.concerns.helpers import make_bot
from tests.concerns.helpers import raise_concern
from tests.concerns.helpers import ref_of
from tests.concerns.helpers import settle_fully
from tests.scheduled import at


def escalations_to(bot: MemoryBot, user: str) -> int:
    return sum(1 for s in bot.adapter.sent if s.destination.user == user
               and "Not yet acknowledged" in s.message.text)


def _every_dm_refused() -> MemoryAdapter:
    """A memory adapter on which every direct message is refused (DMs closed)."""
    return MemoryAdapter(fail_when=lambda d: Forbidden("dms closed")
                         if d.kind is DestinationKind.DM else None)


async def _start(bot: MemoryBot, *names: str) -> None:
    for name in names or ("concerns",):
        feature = bot.app.features[name]
        assert feature.start is not None
        await feature.start()


def test_escalation_times_start_after_the_wait_then_repeat() -> None:
    from datetime import UTC
    from datetime import datetime

    made = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    due = escalation_times(made, timedelta(minutes=30), timedelta(minutes=20))
    assert due(made) == made + timedelta(minutes=30)
    assert due(made + timedelta(minutes=30)) == made + timedelta(minutes=50)
    assert due(made + timedelta(minutes=51)) == made + timedelta(minutes=70)


async def test_unacknowledged_escalates_on_time_and_repeats_until_acknowledged(
        cbot: MemoryBot, clock: FakeClock) -> None:
    await _start(cbot)
    start = clock.now()
    ref = ref_of(await raise_concern(cbot))
    await settle_fully(cbot)
    assert cbot.app.scheduler.next_due(schedule_id(ref)) == start + timedelta(minutes=30)
    assert await at(cbot, clock, start + timedelta(minutes=29)) == 0
    assert escalations_to(cbot, "U-dev") == 0
    assert await at(cbot, clock, start + timedelta(minutes=30)) == 1
    for who in ("U-dev", "U-erin", DEPUTY):
        assert escalations_to(cbot, who) == 1
    assert await at(cbot, clock, start + timedelta(minutes=59)) == 0
    assert await at(cbot, clock, start + timedelta(minutes=60)) == 1
    assert escalations_to(cbot, DEPUTY) == 2
    concern = await cbot.app.storage.concern(ref)
    assert concern is not None and concern.escalations == 2
    await cbot.press("fiona", ACK_ACTION, ref, channel=None)
    assert cbot.app.scheduler.next_due(schedule_id(ref)) is None
    await at(cbot, clock, start + timedelta(hours=5))
    assert escalations_to(cbot, DEPUTY) == 2
    trail = [e.action for e in await cbot.app.storage.case_audit(ref)]
    assert trail.count("escalated") == 2 and trail[-1] == "acknowledged"


async def test_escalation_excludes_the_subject_lead(cbot: MemoryBot, clock: FakeClock,
                                                   ) -> None:
    await _start(cbot)
    start = clock.now()
    await raise_concern(cbot, about="Dev")
    await at(cbot, clock, start + timedelta(minutes=30))
    assert escalations_to(cbot, "U-dev") == 0
    assert escalations_to(cbot, "U-erin") == 1 and escalations_to(cbot, DEPUTY) == 1
    assert "U-dev" not in dm_users(cbot)


async def test_schedules_come_back_after_a_restart_and_fire_once(
        storage: Storage, clock: FakeClock) -> None:
    first = await make_bot(storage, clock, config(acknowledge_minutes=10,
                                                  escalation_repeat_minutes=15))
    start = clock.now()
    ref = ref_of(await raise_concern(first))
    await first.close()
    second = await make_bot(storage, clock, config(acknowledge_minutes=10,
                                                   escalation_repeat_minutes=15))
    try:
        await _start(second)
        assert second.app.scheduler.next_due(schedule_id(ref)) == \
            start + timedelta(minutes=10)
        await at(second, clock, start + timedelta(minutes=10))
        assert escalations_to(second, "U-erin") == 1
        assert second.app.scheduler.next_due(schedule_id(ref)) == \
            start + timedelta(minutes=25)
        # The same occurrence claimed again (say by another process) sends nothing more.
        again = await second.app.storage.escalate_concern(
            ref, Firing(schedule_id(ref), start + timedelta(minutes=10)).key, "other", (),
            clock.now())
        assert again is False
    finally:
        await second.close()


async def test_retention_deletes_closed_cases_only_when_configured(
        storage: Storage, clock: FakeClock) -> None:
    # `[concerns] retention_days` is the older name of `[retention] closed_cases_days`;
    # the daily retention sweep does the deleting.
    bot = await make_bot(storage, clock, config(retention_days=30))
    try:
        await _start(bot, "concerns", "retention")
        start = clock.now()
        closed = ref_of(await raise_concern(bot, what="old words"))
        kept = ref_of(await raise_concern(bot, what="still open"))
        await bot.run("dev", f'/case close case={closed} outcome="Resolved"')
        await at(bot, clock, start + timedelta(days=29))
        first = await bot.app.storage.concern(closed)
        assert first is not None and first.text == "old words"
        # The sweep runs at midnight UTC (timers fire on time; this test jumps there).
        await at(bot, clock, daily_at_midnight(start + timedelta(days=31)))
        gone = await bot.app.storage.concern(closed)
        assert gone is not None and gone.text == "" and gone.status.value == "deleted"
        assert [e.detail for e in await bot.app.storage.case_audit(closed)][-1] == \
            "retention"
        still = await bot.app.storage.concern(kept)
        assert still is not None and still.text == "still open"
    finally:
        await bot.close()


async def test_closed_cases_are_kept_by_default(cbot: MemoryBot, clock: FakeClock) -> None:
    from bot.features.retention.package import SCHEDULE

    await _start(cbot, "concerns", "retention")
    closed = ref_of(await raise_concern(cbot, what="old words"))
    await cbot.run("dev", f'/case close case={closed} outcome="Resolved"')
    retention = cbot.app.features["retention"].start.__self__  # type: ignore[union-attr]
    later = clock.now() + timedelta(days=3650)
    clock.advance(later - clock.now())
    await retention.sweep(Firing(SCHEDULE, later))
    kept = await cbot.app.storage.concern(closed)
    assert kept is not None and kept.text == "old words"


async def test_with_every_dm_closed_the_escalation_is_posted_once_in_the_leads_channel(
        storage: Storage, clock: FakeClock) -> None:
    """Found by the fault campaign: when every lead and deputy had closed their DMs, an
    escalation reached nobody (each DM fell back only to other DMs)."""
    bot = await make_bot(storage, clock, adapter=_every_dm_refused())
    try:
        await _start(bot)
        start = clock.now()
        ref = ref_of(await raise_concern(bot))
        await at(bot, clock, start + timedelta(minutes=30))
        posts = [m.text for m in bot.adapter.sent_to_channel(LEADS_CHANNEL)
                 if "Not yet acknowledged" in m.text]
        assert len(posts) == 1 and ref in posts[0]
        assert posts[0].startswith("No lead could be reached by direct message")
        (post,) = [m for m in bot.adapter.sent_to_channel(LEADS_CHANNEL)
                   if "Not yet acknowledged" in m.text]
        assert [b.value for b in post.buttons] == [ref]  # Acknowledge from the channel
    finally:
        await bot.close()


async def test_an_escalation_about_a_lead_puts_nothing_in_the_channel(
        storage: Storage, clock: FakeClock) -> None:
    bot = await make_bot(storage, clock, adapter=_every_dm_refused())
    try:
        await _start(bot)
        start = clock.now()
        await raise_concern(bot, what="secret words", about="Dev")
        await at(bot, clock, start + timedelta(minutes=30))
        # Every DM is refused, yet Dev, who may read the channel, learns nothing.
        assert bot.adapter.sent_to_channel(LEADS_CHANNEL) == []
        assert not any("secret words" in s.message.text for s in bot.adapter.sent
                       if s.destination.user == "U-dev")
    finally:
        await bot.close()
