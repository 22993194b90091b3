"""The console scenario: a member opts in, receives a check-in, answers "Not so good"
with a note, is offered a one-to-one and asks for it, and the facilitator receives the
request privately while no channel shows anything. The console runs in-process on a
real SQLite file with a fake clock."""

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


async def test_check_in_not_so_good_with_a_note_in_the_console(tmp_path: Path) -> None:
    config = Config(database=str(tmp_path / "coprod.db"))
    clock = FakeClock(datetime(2031, 3, 3, 9, 0, tzinfo=UTC))  # a Monday
    typed, out = TypedLines(), io.StringIO()
    async with opened_storage(config, FieldCipher(generate_key())) as storage:
        app = App(config, storage, clock=clock)
        await app.load()
        for feature in app.features.values():
            if feature.start is not None:
                await feature.start()
        console = ConsoleAdapter(config, typed, out,  # type: ignore[arg-type]
                                 interactive=False)
        app.start_delivery(console)
        running = asyncio.create_task(console.run(app))
        try:
            typed.type(":as carol", "/help", ":as alice", "/checkin on")
            await _until(out, r"Your check-ins are on\. Your next one will reach you by "
                              r"direct message on Monday 3 March at 10:00 \(Europe/London\)")
            clock.advance(timedelta(hours=1))
            mark = len(out.getvalue())
            assert await app.scheduler.run_due() >= 1
            await _until(out, r"^\[DM to Alice\] coprod: How are things going for you "
                              r"in the group\?", mark)
            await _until(out, r"buttons \(#\d+\): \[Good\] \[Okay\] \[Not so good\] "
                              r"\[I'd like a one-to-one\] \[Add a private note\]", mark)
            typed.type(":press Add a private note", "Not so good",
                       "I have been feeling left out lately", "")
            await _until(out, r"Nobody has been told", mark)
            typed.type(":press I'd like a one-to-one")
            await _until(out, r"^\[DM to Carol\] coprod: Alice would like a "
                              r"one-to-one\. Their check-in answer: Not so good\.", mark)
            await _until(out, r"> I have been feeling left out lately", mark)
            await _until(out, r"Carol will be in touch with you privately within 3 days",
                         mark)
            typed.end()
            async with asyncio.timeout(WAIT_SECONDS):
                assert await running == 0
        finally:
            if not running.done():
                typed.end()
                running.cancel()
            await app.stop()
    transcript = out.getvalue()
    assert not re.search(r"^\[#", transcript, re.MULTILINE), transcript
    shown_to_others = [line for line in transcript.splitlines()
                       if "left out" in line and not line.startswith(
                           ("[DM to Carol]", "> ", "    ", "alice in"))]
    assert all("Your note" in line or "only Alice" in line for line in shown_to_others), \
        shown_to_others
