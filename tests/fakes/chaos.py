"""Platform trouble on demand for the fake servers: a seeded share of calls answered with
a rate limit (with a proper retry-after), a server error, a timeout (the answer held back
beyond the client's timeout, and the call still carried out, as a real platform may), or
closed direct messages (from then on, that member's DMs stay closed)."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import TypeVar

RATE_LIMIT = "rate_limit"
SERVER_ERROR = "server_error"
TIMEOUT = "timeout"
CLOSED_DM = "closed_dm"
KINDS = (RATE_LIMIT, SERVER_ERROR, TIMEOUT, CLOSED_DM)

T = TypeVar("T")


@dataclass
class Chaos:
    """Decides, call by call, whether (and how) a fake misbehaves.

    `share` of the calls it is asked about get one of `kinds`, chosen evenly (closed DMs
    only for calls that send a direct message). `delay` is how long a timeout holds the
    answer back: set it beyond the client's timeout. `retry_after` is what a rate limit
    asks for, in seconds.
    """

    share: float = 0.3
    seed: int = 0
    delay: float = 1.0
    retry_after: float = 0.2
    kinds: tuple[str, ...] = KINDS
    counts: Counter[str] = field(default_factory=Counter)
    calls: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._late: set[asyncio.Task[object]] = set()

    def roll(self, *, dm: bool = False) -> str | None:
        """The trouble for this call, if any."""
        self.calls += 1
        kinds = [k for k in self.kinds if dm or k != CLOSED_DM]
        if self._rng.random() >= self.share or not kinds:
            return None
        kind = self._rng.choice(kinds)
        self.counts[kind] += 1
        return kind

    def pick(self, options: list[T]) -> T:
        """One of `options`, from the same seeded sequence."""
        return self._rng.choice(options)

    async def late(self, work: Callable[[], Awaitable[T]]) -> T:
        """Carry out `work` after `delay`, even if the client has given up meanwhile."""

        async def after() -> T:
            await asyncio.sleep(self.delay)
            return await work()

        task: asyncio.Task[T] = asyncio.ensure_future(after())
        self._late.add(task)  # type: ignore[arg-type]
        task.add_done_callback(self._late.discard)  # type: ignore[arg-type]
        return await asyncio.shield(task)

    async def settle(self, limit: float = 10.0) -> None:
        """Wait (bounded) until every held-back call has been carried out."""
        async with asyncio.timeout(limit):
            while self._late:
                await asyncio.gather(*list(self._late), return_exceptions=True)
