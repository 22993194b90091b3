"""Running the console adapter in-process for a test: a whole script at once
(`run_script`, giving a `Transcript`), or live (`live_console`), where the test types
lines one at a time, waits for what they print, and moves a fake clock in between."""

from __future__ import annotations

import asyncio
import io
import queue
import re
from collections.abc import AsyncIterator
from collections.abc import Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from adapters.console import ConsoleAdapter
from adapters.console.adapter import GOODBYE
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.features import FeatureFactory
from bot.features.registry import PACKAGES
from bot.runtime import opened_storage
from storage.crypto import FieldCipher
from storage.crypto import generate_key

WAIT_SECONDS = 15.0
RUN_SECONDS = 30.0


@dataclass
class Transcript:
    """What the console printed (stdout), and for the CLI also stderr and the exit code."""

    out: str
    code: int
    err: str = ""

    @property
    def lines(self) -> list[str]:
        """The output, line by line."""
        return self.out.splitlines()

    def after(self, typed: str, *, nth: int = 1) -> list[str]:
        """The lines printed in answer to the `nth` echo of a typed line, up to the next
        echoed line (echoes look like `alice in #general> /help`)."""
        lines = self.lines
        hits = [i for i, line in enumerate(lines) if _echoed(line) == typed]
        assert len(hits) >= nth, f"{typed!r} was not echoed {nth} time(s):\n{self.out}"
        start = hits[nth - 1] + 1
        end = next((i for i in range(start, len(lines))
                    if _echoed(lines[i]) is not None or lines[i].startswith(GOODBYE)),
                   len(lines))
        return lines[start:end]

    def answer(self, typed: str, *, nth: int = 1) -> str:
        """`after`, joined into one text."""
        return "\n".join(self.after(typed, nth=nth))


_ECHO = re.compile(r"^[\w-]+ in (?:#\S+|DM with coprod)>(?: (.*))?$")


def _echoed(line: str) -> str | None:
    """The typed text if this line is an echo of typed input, else None."""
    match = _ECHO.match(line)
    return None if match is None else (match.group(1) or "")


async def run_script(config: Config, script: str, key: str | None = None, *,
                     features: Iterable[FeatureFactory] | None = None,
                     interactive: bool = False) -> Transcript:
    """Run a whole script through a `ConsoleAdapter` on `config`'s database (with this
    encryption key, or a new one), as `coprod` would, bounded in time."""
    out = io.StringIO()
    async with opened_storage(config, FieldCipher(key or generate_key())) as storage:
        app = App(config, storage, features=list(features or PACKAGES))
        await app.load()
        adapter = ConsoleAdapter(config, io.StringIO(script), out, interactive=interactive)
        app.start_delivery(adapter)
        try:
            async with asyncio.timeout(RUN_SECONDS):
                code = await adapter.run(app)
        finally:
            await app.stop()
    return Transcript(out.getvalue(), code)


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


async def until(out: io.StringIO, pattern: str, start: int = 0) -> re.Match[str]:
    """The first match of `pattern` (multi-line) in what was printed from `start` on,
    waiting for it (bounded)."""
    async with asyncio.timeout(WAIT_SECONDS):
        while True:
            found = re.search(pattern, out.getvalue()[start:], re.MULTILINE)
            if found:
                return found
            await asyncio.sleep(0.02)


@dataclass
class LiveConsole:
    """A console running in-process: what the test types, what it printed, its app."""

    app: App
    clock: FakeClock
    typed: TypedLines
    out: io.StringIO
    running: asyncio.Task[int]
    console: ConsoleAdapter

    async def finish(self) -> None:
        """End the input (Ctrl-D) and see the console exit cleanly."""
        self.typed.end()
        async with asyncio.timeout(WAIT_SECONDS):
            assert await self.running == 0


@asynccontextmanager
async def live_console(folder: Path, now: datetime, *, database: str = "",
                       key: str = "") -> AsyncIterator[LiveConsole]:
    """The default app with its schedules loaded (timers off: the test moves the clock,
    starting at `now`, and fires what is due) on a real SQLite file in `folder` (or on
    `database`, with `key`), and the console reading lines the test types."""
    config = Config(database=database or str(folder / "coprod.db"))
    clock = FakeClock(now)
    typed, out = TypedLines(), io.StringIO()
    async with opened_storage(config, FieldCipher(key or generate_key())) as storage:
        app = App(config, storage, clock=clock)
        await app.load()
        for feature in app.features.values():
            if feature.start is not None:
                await feature.start()
        console = ConsoleAdapter(config, typed, out, interactive=False)
        app.start_delivery(console)
        running = asyncio.create_task(console.run(app))
        try:
            yield LiveConsole(app, clock, typed, out, running, console)
        finally:
            if not running.done():
                typed.end()
                running.cancel()
            await app.stop()
