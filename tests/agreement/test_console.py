"""A console scenario: a newcomer joins and gets the welcome, reads the agreement, a
facilitator proposes an amendment, members vote, the new version is announced, and
/agreement history shows both versions.

The console runs in-process on a real SQLite file with a fake clock; typed lines are fed
one at a time, and the test moves the clock past the vote's close in between."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.features.agreement import wording as agreement_words
from bot.runtime import opened_storage
from storage.crypto import FieldCipher, generate_key
from tests.e2e.test_console_meetings import TypedLines, _until


async def test_join_welcome_read_amend_vote_and_history(tmp_path: Path) -> None:
    config = Config(database=str(tmp_path / "coprod.db"))
    clock = FakeClock(datetime(2031, 3, 3, 9, 0, tzinfo=UTC))
    typed, out = TypedLines(), io.StringIO()
    async with opened_storage(config, FieldCipher(generate_key())) as storage:
        app = App(config, storage, clock=clock)
        await app.load()
        for feature in app.features.values():
            if feature.start is not None:
                await feature.start()
        console = ConsoleAdapter(config, typed, out, interactive=False)
        app.start_delivery(console)
        running = asyncio.create_task(console.run(app))
        try:
            typed.type(":as carol", '/agreement start points="We listen\\nWe start on time"')
            await _until(out, r"Saved as version 1")

            typed.type(":join dana")
            await _until(out, r"Dana joined the group")
            await _until(out, r"^\[DM to Dana\] coprod: Welcome, Dana!")
            await _until(out, r"Please read our group agreement \(version 1\)")
            await _until(out, r"buttons \(#\d+\): \[Show the agreement\]")

            typed.type(":as dana", "/agreement")
            await _until(out, r"Our group agreement \(version 1, agreed 03 Mar 2031\)")
            typed.type(":press I have read it")
            await _until(out, r"noted that you have read version 1")

            typed.type(":as carol", '/agreement propose change=change point=2 '
                                    'text="We start and end on time" reason="Buses"')
            await _until(out, r"Your proposed change is posted in #updates")
            await _until(out, r"^\[#updates\] coprod: A proposed change to our agreement")
            for who in ("alice", "bob", "dana"):
                mark = len(out.getvalue())
                typed.type(f":as {who}", ":press Yes, change it")
                await _until(out, r"Your vote is counted: Yes, change it", mark)

            clock.advance(timedelta(days=7, seconds=1))
            mark = len(out.getvalue())
            assert await app.scheduler.run_due() >= 1
            await _until(out, r"^\[#updates\] coprod: The group agreed a change to our "
                              r"agreement \(3 yes, 0 no\)", mark)
            await _until(out, r"Version 2 is now in force", mark)

            mark = len(out.getvalue())
            typed.type("/agreement history")
            await _until(out, r"Version 1 \(03 Mar 2031\): "
                         + agreement_words.AGREEMENT_FIRST_CHANGE.replace(".", r"\."), mark)
            await _until(out, r"Version 2 \(10 Mar 2031\): Change point 2 from “We start on "
                              r"time” to “We start and end on time”\. Why: Buses", mark)
            typed.end()
            async with asyncio.timeout(15):
                assert await running == 0
        finally:
            if not running.done():
                typed.end()
                running.cancel()
            await app.stop()
    transcript = out.getvalue()
    assert "[#general] coprod: Welcome" not in transcript  # the welcome was private
