"""Benchmark: round trips per second of a trivial command through the whole core, and
through the console adapter (a real adapter) on top of it.

One command at a time, as typed on a text platform, with p50 and p99 of each round
trip, beside a bare asyncio queue round trip in the same run (put, get in another task,
answer through a future). Two paths:
- core only: `App.handle_text` (the line parsed, the command looked up, permissions and
  the feature switch checked, options checked, the handler run, its reply built), as
  before; no adapter at all;
- console: the console adapter's `handle_line`, as for a piped script (the line echoed,
  handed to the core, the reply rendered and written to the output stream, here
  os.devnull), plus the adapter's `send` (what the delivery dispatcher calls) of a
  one-line channel message, one at a time.
Commands:
- `/ping`, a trivial command registered by this benchmark (no storage at all);
- `/help`, the bot's own overview of every command the member may run.
Each with the check-ins feature switched off for the group, and with every feature on
(the default). The app is started as `coprod run` starts it (features load their state),
and the member has not opted in to check-ins, so no command reads storage (a member who
has opted in costs one read per private command: has their last check-in failed to
reach them?). Target: at least 30,000 per second through the core. Leaves out: Discord's
and Slack's adapters (their send path goes over the network to a fake: see
bench/fanout.py and bench/scale.py) and a real terminal (the console writes to
os.devnull). Runs on SQLite, and on PostgreSQL when
available. Bounded: a few seconds per backend.

Run: `make bench`, or `.venv/bin/python bench/dispatch.py`.
"""

from __future__ import annotations

import asyncio
import gc
import io
import os
import sys
import time
from collections.abc import Awaitable
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import Backend
from _common import Clock
from _common import Row
from _common import for_each_backend
from _common import note
from _common import print_table
from _common import ratio
from _common import spread

from adapters.console import GROUP_ID
from adapters.console import ConsoleAdapter
from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot.app import App
from bot.commands import CommandSpec
from bot.config import Config
from bot.context import Context
from bot.features import Feature
from bot.features.registry import PACKAGES
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.messages import Message
from bot.messages import Reply
from bot.settings import feature_names

TARGET = 30_000
ROUNDS = 20_000  # timed round trips per measure
WARM_UP = 500


def ping_feature(app: App) -> Feature:
    """A command that does nothing but answer."""

    async def ping(ctx: Context) -> Reply:
        return Reply.text("pong")

    return Feature("bench", commands=[CommandSpec("ping", "Answer pong.", ping, "/ping")])


async def timed(step: Callable[[], Awaitable[object]], rounds: int = ROUNDS,
                ) -> tuple[float, list[float]]:
    """Rounds per second and each round's seconds, one at a time."""
    for _ in range(WARM_UP):
        await step()
    each: list[float] = []
    clock = time.perf_counter
    gc.collect()
    started = clock()
    for _ in range(rounds):
        began = clock()
        await step()
        each.append(clock() - began)
    return rounds / (clock() - started), each


async def bare_queue() -> tuple[float, list[float]]:
    """The baseline: a request through an asyncio.Queue to another task, answered
    through a future."""
    queue: asyncio.Queue[tuple[str, asyncio.Future[str]]] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    async def server() -> None:
        while True:
            line, answer = await queue.get()
            answer.set_result(line)

    task = asyncio.create_task(server())

    async def step() -> str:
        answer: asyncio.Future[str] = loop.create_future()
        queue.put_nowait(("/ping", answer))
        return await answer

    try:
        return await timed(step)
    finally:
        task.cancel()


async def core(backend: Backend, checkins: bool,
               ) -> dict[str, tuple[float, list[float]]]:
    """/ping and /help through App.handle_text, with or without check-ins."""
    storage = await backend.open()
    app = App(Config(), storage, features=[*PACKAGES, ping_feature])
    await app.load()
    await app.start_scheduler()  # as `coprod run` does: features load their state
    adapter = MemoryAdapter()
    bot = MemoryBot(app, adapter)
    if not checkins:
        app.settings.update_stored(adapter.group_id,
                                   {"features": [f for f in feature_names() if f != "checkins"]})
    alice = adapter.member("alice")
    out: dict[str, tuple[float, list[float]]] = {}
    try:
        for line in ("/ping", "/help"):
            reply = await app.handle_text(adapter.group_id, alice, line, "general")
            assert reply.messages and reply.messages[0].text, reply
            expected = reply.messages[0].text

            async def step(line: str = line, expected: str = expected) -> None:
                got = await app.handle_text(adapter.group_id, alice, line, "general")
                assert got.messages[0].text == expected

            out[f"{line} core"] = await timed(step)
    finally:
        await app.stop()
        await bot.close()
        await storage.close()
    return out


async def console(backend: Backend, checkins: bool) -> dict[str, tuple[float, list[float]]]:
    """/ping and /help typed into the console adapter (reply rendered and written), and
    the adapter's `send` of a channel message, with or without check-ins."""
    storage = await backend.open()
    config = Config()
    app = App(config, storage, features=[*PACKAGES, ping_feature])
    await app.load()
    await app.start_scheduler()
    with open(os.devnull, "w", encoding="utf-8") as out:  # noqa: ASYNC230 - once, at start
        adapter = ConsoleAdapter(config, io.StringIO(), out, interactive=False)
        adapter._app = app  # what `adapter.run(app)` sets before its reading loop
        app.use_people(adapter, ttl=0)
        app.start_delivery(adapter)
        if not checkins:
            app.settings.update_stored(GROUP_ID, {"features": [
                f for f in feature_names() if f != "checkins"]})
        results: dict[str, tuple[float, list[float]]] = {}
        try:
            for line in ("/ping", "/help"):
                async def step(line: str = line) -> None:
                    before = adapter.screen._count
                    await adapter.handle_line(line)
                    assert adapter.screen._count > before, "no reply shown"

                results[f"{line} console"] = await timed(step)
            where = Destination(DestinationKind.CHANNEL, GROUP_ID, channel="general")
            message = Message("The meeting starts in an hour, in Room 2.")

            async def send() -> None:
                await adapter.send(where, message, "bench")

            results["send console"] = await timed(send)
        finally:
            await app.stop()
            await storage.close()
    return results


def _rows(name: str, results: dict[str, tuple[float, list[float]]],
          base_rate: float, with_target: bool) -> list[Row]:
    rows = []
    for line, (rate, each) in results.items():
        p50, p99, _ = spread(each)
        rows.append(Row(f"{line} {name}: round trips/s", f"{rate:,.0f}", f"{base_rate:,.0f}",
                        ratio(rate, base_rate), f">= {TARGET:,}" if with_target else "",
                        rate >= TARGET if with_target else None))
        rows.append(Row(f"{line} {name}: p50 / p99 (us)",
                        f"{p50 * 1e6:.1f} / {p99 * 1e6:.1f}"))
    return rows


async def run_backend(backend: Backend, base: tuple[float, list[float]]) -> None:
    """Both settings on one backend, and their table."""
    base_rate, base_each = base
    b50, b99, _ = spread(base_each)
    rows = [Row("bare asyncio queue round trip: per s", f"{base_rate:,.0f}"),
            Row("bare asyncio queue round trip: p50 / p99 (us)",
                f"{b50 * 1e6:.1f} / {b99 * 1e6:.1f}")]
    rows += _rows("(check-ins off)", await core(backend, checkins=False), base_rate, True)
    rows += _rows("(all features)", await core(backend, checkins=True), base_rate, True)
    rows += _rows("(check-ins off)", await console(backend, checkins=False), base_rate,
                  False)
    rows += _rows("(all features)", await console(backend, checkins=True), base_rate,
                  False)
    print_table(f"dispatch: a trivial command, one at a time, through the core, and through "
                f"the console adapter ({backend.name})", rows)


async def main() -> int:
    """The baseline, then SQLite, then PostgreSQL if it can be used."""
    clock = Clock()
    base = await bare_queue()
    await for_each_backend(lambda backend: run_backend(backend, base))
    note("baseline = the bare asyncio queue round trip measured in this run; "
         "ratio = value / baseline.")
    note("core: App.handle_text, no adapter (the target's path); console: the console "
         "adapter's handle_line (echo, core, reply rendered to os.devnull), and its send "
         "of one channel message (what the dispatcher calls; the outbox not included).")
    note(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")
    note("(all features): every feature on; the member has not opted in to check-ins, so "
         "no storage read (an opted-in member costs one read per private command).")
    note(f"(bench took {clock})")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
