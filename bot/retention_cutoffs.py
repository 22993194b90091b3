"""What the retention sweep hands storage, and what a feature declares of its own
records' retention.

Kept in the core, not in `storage/` or a feature: features declare periods
(`Feature.retention`) and the retention feature turns them into cutoffs, storage's
purge hooks read them by name, and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

RetentionPeriod = Callable[[], "timedelta | None"]
"""How old a record must be to go, read from the feature's config when called (None:
keep it until someone deletes it)."""

RetentionCutoffs = Mapping[str, datetime | None]
"""What the retention sweep deletes, by cutoff name ("checkins", "feedback", "minutes",
"drafts", and each feature's own): records older than each (None: keep). Each storage
package's purge hook reads the names it declares; a package whose names are not all
here is not swept."""


def days_kept(days: int) -> timedelta | None:
    """A period set in whole days in a config section, where 0 means keep."""
    return None if days <= 0 else timedelta(days=days)


@dataclass(frozen=True, slots=True)
class PruneCutoffs:
    """What the sweep prunes from the tables that grow with every firing, event and
    message: rows from before each time. The retention feature chooses the times (and
    says why each is safe); see `MemberDataStore.prune`."""

    # Claims of timed firings (and of the sweep itself).
    occurrences: datetime
    # Claims of platform events handled once (`EVENTS_OWNER`).
    event_keys: datetime
    # Deliveries delivered at the first try, to where they were meant to go.
    delivered: datetime
    # Every other finished delivery: undeliverable, rerouted or retried on its way, and
    # those a storage package reads after they finish (`StoragePackage.reads_deliveries`).
    finished: datetime


class RetentionUndeclared(Exception):
    """A storage package deletes old records by a cutoff no running feature gives a
    period for: the sweep would skip that package every day, so the bot refuses to
    start (`bot.startup.explain` says so in one line)."""

    def __init__(self, package: str, cutoff: str) -> None:
        self.package = package
        self.cutoff = cutoff
        super().__init__(f"storage package {package}: no retention period for {cutoff!r}")


class RetentionDeclaredTwice(Exception):
    """Two running features give one retention cutoff a period: one would be silently
    ignored, so the bot refuses to start (`bot.startup.explain` says so in one line)."""

    def __init__(self, cutoff: str, one: str, other: str) -> None:
        self.cutoff = cutoff
        self.one = one
        self.other = other
        super().__init__(f"retention cutoff {cutoff!r} is declared by both {one} and {other}")
