"""Benchmark: round trips per second of a trivial command through the whole core.

One command at a time, as typed on a text platform (the in-memory adapter's member, the
line parsed, the command looked up, permissions and the feature switch checked, options
checked, the handler run, its reply built), with p50 and p99 of each round trip, beside
a bare asyncio queue round trip in the same run (put, get in another task, answer
through a future). Commands:
- `/ping`, a trivial command registered by this benchmark (no storage at all);
- `/help`, the bot's own overview of every command the member may run.
Each with the check-ins feature switched off for the group, and with every feature on
(the default). The app is started as `coprod run` starts it (features load their state),
and the member has not opted in to check-ins, so no command reads storage (a member who
has opted in costs one read per private command: has their last check-in failed to
reach them?). Target: at least 30,000 per second. Runs on SQLite, and on PostgreSQL when
available. Bounded: a few seconds per backend.

Run: `make bench`, or `.venv/bin/python bench/dispatch.py`.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import Backend, Clock, Row, for_each_backend, note, print_table, ratio, spread

from adapters.memory import MemoryAdapter, MemoryBot
from bot.app import App
from bot.commands import CommandSpec
from bot.config import Config
from bot.context import Context
from bot.features import Feature
from bot.features.registry import PACKAGES
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

            out[line] = await timed(step)
    finally:
        await app.stop()
        await bot.close()
        await storage.close()
    return out


def _rows(name: str, results: dict[str, tuple[float, list[float]]],
          base_rate: float, with_target: bool) -> list[Row]:
    rows = []
    for line, (rate, each) in results.items():
        p50, p99, _ = spread(each)
        rows.append(Row(f"{line} {name}: round trips/s", f"{rate:,.0f}", f"{base_rate:,.0f}",
                        ratio(rate, base_rate), f">= {TARGET:,}", rate >= TARGET))
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
    print_table(f"dispatch: a trivial command, one at a time, through the in-memory adapter "
                f"and the core ({backend.name})", rows)


async def main() -> int:
    """The baseline, then SQLite, then PostgreSQL if it can be used."""
    clock = Clock()
    base = await bare_queue()
    await for_each_backend(lambda backend: run_backend(backend, base))
    note("baseline = the bare asyncio queue round trip measured in this run; "
         "ratio = core / baseline.")
    note("(all features): every feature on; the member has not opted in to check-ins, so "
         "no storage read (an opted-in member costs one read per private command).")
    note(f"(bench took {clock})")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
