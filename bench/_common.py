"""What the benchmarks share: percentiles, the results table, and the databases to run on.

Every storage-using benchmark runs on SQLite (a file in a temporary folder) and, when a
PostgreSQL server is reachable at `COPROD_BENCH_DATABASE_URL` (default
postgresql://postgres@127.0.0.1:5432/test) and the storage factory supports it, on a
fresh PostgreSQL database made for the run and dropped afterwards. Otherwise it says
"PostgreSQL: skipped (<reason>)". Not a benchmark itself (`make bench` skips `_*.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import TypeVar
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.features import registry
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import check_database_setting
from storage.factory import open_storage
from storage.interface import Storage

T = TypeVar("T")

# Each benchmark is a composition root: the core learns the registry's features here.
registry.install()

PG_ENV = "COPROD_BENCH_DATABASE_URL"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
PG_CONNECT_SECONDS = 3.0


# ---- figures ---------------------------------------------------------------------------

def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def spread(values: Sequence[float]) -> tuple[float, float, float]:
    """p50, p99 and max."""
    return percentile(values, 0.50), percentile(values, 0.99), max(values, default=float("nan"))


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a results table: a figure, the baseline measured beside it in the same
    run (if any), their ratio, the target and whether it is met (None: no target)."""

    measure: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None


def ratio(value: float, baseline: float) -> str:
    """value / baseline as `0.52x`."""
    return f"{value / baseline:.2f}x" if baseline else "-"


def print_table(title: str, rows: Sequence[Row]) -> None:
    """Print a plain-text table: measure, value, baseline, ratio, target, met."""
    widths = (46, 13, 13, 8, 12, 4)
    head = ("measure", "value", "baseline", "ratio", "target", "met")
    print(f"\n== {title}")
    print(_line(head, widths))
    print("-" * (sum(widths) + len(widths) - 1))
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "NO")
        print(_line((row.measure, row.value, row.baseline, row.ratio, row.target, met),
                    widths))
    sys.stdout.flush()


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    first, *rest = cells
    return " ".join([f"{first:<{widths[0]}}"]
                    + [f"{c:>{w}}" for c, w in zip(rest, widths[1:], strict=True)])


def note(text: str) -> None:
    """A line under a table (how a figure was measured, a skipped run)."""
    print(f"   {text}")
    sys.stdout.flush()


class Clock:
    """Wall time since creation, for 'the bench took ...'."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __str__(self) -> str:
        return f"{time.perf_counter() - self.started:.1f} s"


# ---- databases -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Backend:
    """A database to run a benchmark on: its name in the tables and its setting."""

    name: str
    database: str

    async def open(self, cipher: FieldCipher | None = None) -> Storage:
        """The project's storage on it, opened and migrated."""
        storage = await open_storage(self.database, cipher or FieldCipher(generate_key()))
        await storage.migrate()
        return storage


class Skipped(Exception):
    """PostgreSQL cannot be used for this run; the text says why."""


def postgres_url() -> str:
    """Where the benchmarks look for PostgreSQL."""
    return os.environ.get(PG_ENV, "").strip() or PG_DEFAULT


def _where(url: str) -> str:
    """host:port/database of a URL, never its password."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or ''}"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@contextlib.asynccontextmanager
async def fresh_postgres(need_factory: bool = True) -> AsyncIterator[str]:
    """A new, empty PostgreSQL database for one run (its URL), dropped afterwards.

    Raises `Skipped` if asyncpg is missing, the server is unreachable, or (with
    `need_factory`) the storage factory does not support PostgreSQL yet.
    """
    base = postgres_url()
    try:
        import asyncpg
    except ImportError:
        raise Skipped("asyncpg is not installed: pip install -e '.[postgres]'") from None
    try:
        admin = await asyncpg.connect(base, timeout=PG_CONNECT_SECONDS)
    except Exception as exc:
        raise Skipped(f"no server reachable at {_where(base)}: {type(exc).__name__}") from None
    name = f"coprod_bench_{secrets.token_hex(4)}"
    url = _with_database(base, name)
    try:
        if need_factory:
            problem = check_database_setting(url)
            if problem:
                raise Skipped(f"the storage factory says: {problem}")
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def sqlite_backend() -> AsyncIterator[Backend]:
    """A SQLite file in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="coprod-bench-") as folder:
        yield Backend("SQLite", str(Path(folder) / "bench.db"))


@contextlib.asynccontextmanager
async def postgres_backend() -> AsyncIterator[Backend]:
    """A fresh PostgreSQL database through the storage factory (raises `Skipped`)."""
    async with fresh_postgres() as url:
        backend = Backend("PostgreSQL", url)
        try:
            storage = await backend.open()
        except Exception as exc:
            raise Skipped(f"the storage factory could not open it: {exc}") from None
        await storage.close()
        yield backend


def skipped(what: str, reason: Any) -> None:
    """Say that a PostgreSQL run was skipped, and why."""
    print(f"\nPostgreSQL{' ' + what if what else ''}: skipped ({reason})")
    sys.stdout.flush()


async def core_on_postgres(run: Callable[[Backend], Awaitable[T]]) -> T | None:
    """`run` (the core's part of a benchmark) on a fresh PostgreSQL database through the
    storage factory; None, with the reason said, when the factory cannot use it (the raw
    driver's baseline, on its own database, is measured whether or not it can)."""
    try:
        async with postgres_backend() as backend:
            return await run(backend)
    except Skipped as exc:
        skipped("core", exc)
        return None


async def for_each_backend(run: Callable[[Backend], Awaitable[None]]) -> None:
    """`run` on SQLite, then on PostgreSQL if it can be used (else say why not)."""
    async with sqlite_backend() as backend:
        await run(backend)
    try:
        async with postgres_backend() as backend:
            await run(backend)
    except Skipped as exc:
        skipped("", exc)


async def sqlite_then_postgres(sqlite_run: Callable[[], Awaitable[None]],
                               postgres_run: Callable[[], Awaitable[None]],
                               limit_seconds: float) -> int:
    """A benchmark's run on SQLite, then on PostgreSQL if it can be used, all bounded in
    time; then how long it took. The exit status (0)."""
    clock = Clock()
    async with asyncio.timeout(limit_seconds):
        await sqlite_run()
        try:
            await postgres_run()
        except Skipped as exc:
            skipped("", exc)
    note(f"(bench took {clock})")
    return 0
