"""A settings change made by one process reaches another sharing the database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from storage.crypto import FieldCipher
from storage.interface import Storage
from tests.backends import another_handle

pytestmark = pytest.mark.backends
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def test_a_second_process_sees_a_setup_change(storage: Storage,
                                                    cipher: FieldCipher) -> None:
    first = App(Config(), storage, clock=FakeClock())
    await first.load()
    other_storage = another_handle(storage, cipher)
    await other_storage.open()
    try:
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
    finally:
        await other_storage.close()
