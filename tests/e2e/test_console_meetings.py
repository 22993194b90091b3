"""A console scenario: schedule a meeting two minutes ahead with a one-minute reminder,
see the reminder and its RSVP buttons, press one, and see the count change.

The console runs in-process on a real SQLite file with a fake clock; typed lines are fed
one at a time, and the test moves the clock and fires what is due in between."""

from __future__ import annotations

import asyncio
import io
import queue
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.runtime import opened_storage
from storage.crypto import FieldCipher, generate_key

WAIT_SECONDS = 15.0


class TypedLines(io.TextIOBase):
    """An input stream the test types into, line by line (read on the console's thread)."""

    def __init__(self) -> None:
        self._lines: queue.Queue[str] = queue.Queue()

    def type(self, *lines: str) -> None:
        """Type lines (an empty one is an empty answer)."""
        for line in lines:
            self._lines.put(line + "\n")

    def end(self) -> None:
        """End the input (Ctrl-D)."""
        self._lines.put("")

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        """The next typed line (waits, bounded)."""
        return self._lines.get(timeout=WAIT_SECONDS)


async def _until(out: io.StringIO, pattern: str, start: int = 0) -> re.Match[str]:
    async with asyncio.timeout(WAIT_SECONDS):
        while True:
            found = re.search(pattern, out.getvalue()[start:], re.MULTILINE)
            if found:
                return found
            await asyncio.sleep(0.02)


async def test_schedule_remind_and_rsvp_in_the_console(tmp_path: Path) -> None:
    config = Config(database=str(tmp_path / "coprod.db"))
    clock = FakeClock(datetime(2031, 3, 3, 9, 0, 30, tzinfo=UTC))
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
            typed.type('/meeting schedule reminders="1 minute"', "Coffee and plans",
                       "in 2 minutes", "", "Room 2", "")
            await _until(out, r"Please check this before I save it")
            check = out.getvalue()
            assert "Monday 3 March 2031 at 09:03 (Europe/London time, GMT)" in check
            # Scheduled in #general, reminded in the updates channel, as /setup says.
            assert "Reminders in #updates" in check
            typed.type(":press Save meeting")
            await _until(out, r"Saved: Coffee and plans \(meeting 1\)")

            clock.advance(timedelta(minutes=2))  # 09:02:30: the reminder is due at 09:02
            mark = len(out.getvalue())
            assert await app.scheduler.run_due() >= 1
            reminder = await _until(out, r"^\[#updates\] coprod: Reminder: Coffee and plans"
                                         r" is on Monday 3 March 2031 at 09:03", mark)
            buttons = await _until(out, r"buttons \(#(\d+)\): \[Going\] \[Maybe\] "
                                        r"\[Can't make it\]", mark)
            assert reminder and "0 going, 0 maybe, 0 can't make it" in out.getvalue()[mark:]
            number = buttons.group(1)

            mark = len(out.getvalue())
            typed.type(":as bob", f":press {number} Going")
            await _until(out, rf"^\[message #{number} updated\] coprod: Reminder", mark)
            await _until(out, r"1 going, 0 maybe, 0 can't make it", mark)
            await _until(out, r"Your answer: Going", mark)
            typed.end()
            async with asyncio.timeout(WAIT_SECONDS):
                assert await running == 0
        finally:
            if not running.done():
                typed.end()
                running.cancel()
            await app.stop()
