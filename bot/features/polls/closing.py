"""Closing a vote at its time: shared by polls and by the agreement's votes on a change,
which both keep one schedule per open vote and, at start, close at once the votes whose
time passed while the bot was down."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.features.host import FeatureHost
from bot.logs import log_event
from scheduler import Firing
from scheduler import once

Close = Callable[[str, Firing], Awaitable[object]]
"""Closes one vote by id, once, on a firing of its schedule (or a late one made at start)."""


@dataclass(frozen=True, slots=True)
class Closings:
    """One schedule per open vote, `<prefix>:<id>`, that runs `close` at its time.

    A close that fails at start is logged on `log` as the event `failed`, with the vote's
    id under `field`, and tried again shortly.
    """

    host: FeatureHost[object, object]
    prefix: str
    close: Close
    log: logging.Logger
    failed: str
    field: str

    def schedule(self, vote_id: str, closes: datetime) -> None:
        """Close the vote at its time."""

        async def job(firing: Firing) -> None:
            await self.close(vote_id, firing)

        self.host.scheduler.add(f"{self.prefix}:{vote_id}", once(closes), job)

    async def resume(self, votes: Iterable[tuple[str, datetime]]) -> None:
        """At start: schedule the open votes (id, closing time); close at once (marked late)
        those whose time has passed, however long ago, since a vote must always close."""
        now = self.host.clock.now()
        for vote_id, closes in votes:
            if closes > now:
                self.schedule(vote_id, closes)
                continue
            try:
                await self.close(vote_id, Firing(f"{self.prefix}:{vote_id}", closes, late=True))
            except Exception as exc:  # never stop the bot starting; try again shortly
                log_event(self.log, logging.WARNING, self.failed,
                          **{self.field: vote_id, "error": type(exc).__name__})
                self.schedule(vote_id, now)
