"""Ready-made `NextDue`s, for schedules whose times are simple."""

from __future__ import annotations

from datetime import datetime

from scheduler.core import NextDue


def once(at: datetime) -> NextDue:
    """A schedule due only at `at` (a poll's or a vote's close)."""
    def next_due(after: datetime) -> datetime | None:
        return at if after < at else None
    return next_due
