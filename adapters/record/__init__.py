"""The recording platform: `coprod run --platform record`, a tool for tests and operations.

It plays a chat platform with no network at all. Events come in as JSON lines (from
standard input, a file or a named pipe); every answer to an event and every message the
bot sends go out as JSON lines to two files, each line flushed and fsynced before the
event counts as answered or the message as sent. So a test can drive a real `coprod`
process, kill it at any moment, and read afterwards exactly what people were told and
what was delivered (docs/testing.md has the line formats).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys

from adapters.record.adapter import RecordAdapter
from adapters.record.adapter import open_adapter
from adapters.record.lines import InputError
from adapters.record.lines import event_from_line
from bot.app import App
from bot.config import Config

__all__ = ["InputError", "RecordAdapter", "event_from_line", "open_adapter", "run_platform"]


async def _always() -> bool:
    """The recording platform has no network: connected while it runs."""
    return True


async def run_platform(app: App, config: Config) -> int:
    """Read events until the input ends (or, with `keep_running`, until SIGTERM/Ctrl-C)."""
    try:
        adapter = open_adapter(config)
    except OSError as exc:
        print(f"coprod cannot start the recording platform: {exc}", file=sys.stderr)
        return 2
    app.use_connection("record", _always)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
    try:
        return await adapter.run(app, stop)
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        adapter.close()
