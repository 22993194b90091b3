"""Two processes sharing one database: settings changes reach both; a platform's
repeated event is handled once."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.events import Actor
from bot.events import DirectMessageReceived
from storage.crypto import FieldCipher
from storage.interface import Storage
from tests.backends import another_handle
from tests.backends import opened

pytestmark = pytest.mark.backends
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def test_a_second_process_sees_a_setup_change(storage: Storage,
                                                    cipher: FieldCipher) -> None:
    first = App(Config(), storage, clock=FakeClock())
    await first.load()
    other_storage = another_handle(storage, cipher)
    async with opened(other_storage):
        second = App(Config(), other_storage, clock=FakeClock())
        await second.load()
        assert not await second.refresh_settings()  # nothing changed yet
        before = second.settings.for_group("g1").timezone
        assert before != "Europe/Paris"

        await storage.save_group_settings("g1", {"timezone": "Europe/Paris"}, "u1", NOW)
        assert await second.refresh_settings()
        assert second.settings.for_group("g1").timezone == "Europe/Paris"
        assert not await second.refresh_settings()  # once only

        await storage.save_group_settings("g1", {"timezone": None}, "u1", NOW)
        assert await second.refresh_settings()
        assert second.settings.for_group("g1").timezone == before


async def test_a_repeated_platform_event_is_handled_once_across_processes(
        storage: Storage, cipher: FieldCipher) -> None:
    other_storage = another_handle(storage, cipher)
    async with opened(other_storage):
        first = App(Config(), storage, clock=FakeClock())
        second = App(Config(), other_storage, clock=FakeClock())
        for app in (first, second):
            await app.load()
        event = DirectMessageReceived("g1", Actor("u1", "Ann"), "hello")
        reply = await first.handle_once("slack-event:Ev1", event)
        assert reply is not None and reply.messages
        assert await second.handle_once("slack-event:Ev1", event) is None
        assert await first.handle_once("slack-event:Ev1", event) is None
        assert await second.handle_once("slack-event:Ev2", event) is not None


async def test_a_second_process_schedules_check_ins_switched_on_through_the_first(
        storage: Storage, cipher: FieldCipher) -> None:
    from bot.features.checkins.jobs import schedule_id

    other_storage = another_handle(storage, cipher)
    async with opened(other_storage):
        first = App(Config(), storage, clock=FakeClock(NOW))
        second = App(Config(), other_storage, clock=FakeClock(NOW))
        for app in (first, second):
            await app.load()
            checkins = app.features["checkins"]
            assert checkins.start is not None
            await checkins.start()
        refresh = second.features["checkins"].refresh
        assert refresh is not None
        ann = Actor("u1", "Ann")
        assert await refresh() == 0
        reply = await first.handle_text("g1", ann, "/checkin on", None)
        assert reply.messages
        sid = schedule_id("g1", "u1")
        assert first.scheduler.next_due(sid) is not None
        assert second.scheduler.next_due(sid) is None  # not yet seen
        assert await refresh() == 1
        assert second.scheduler.next_due(sid) == first.scheduler.next_due(sid)
        assert await refresh() == 0  # once only
        await first.handle_text("g1", ann, "/checkin off", None)
        assert await refresh() == 1
        assert second.scheduler.next_due(sid) is None
