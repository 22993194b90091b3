"""What the core tells an operator's monitoring, and nothing about anyone.

`Metrics` is the port the dispatcher, the scheduler and the app report to: counts and
durations, each labelled only from a fixed vocabulary (a delivery's kind, an error's
class, a command's family, a feature's name), never an id, a name or a word anyone
wrote. This base class records nothing, so a bot without monitoring pays nothing; the
Prometheus implementation lives with the health server (`adapters/health`), so the
core imports no metrics library.

`Reading` is a value worked out when monitoring asks (how many concerns wait for a
lead, how old the oldest is): a feature offers its readings through `Feature.readings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What a failed delivery attempt is labelled with: the dispatcher's typed errors, and
# `AdapterError` for anything else an adapter raised.
DELIVERY_ERRORS = ("RateLimited", "Forbidden", "NotFound", "Transient",
                   "UnsupportedMessage", "AdapterError")
# What the dispatcher did after a failed attempt.
DELIVERY_OUTCOMES = ("retry", "rerouted", "undeliverable")
# What the app handled: a command, a button, a form, a message shortcut, a direct
# message, someone joining.
EVENT_KINDS = ("command", "button", "form", "shortcut", "message", "join")
# A label value no vocabulary word matched (an unknown command, a feature-less button).
OTHER = "other"

_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def label(value: str, vocabulary: tuple[str, ...]) -> str:
    """`value` if it is a word of `vocabulary`, else `OTHER`: whatever a caller passes,
    no label value is anything but a known word."""
    return value if value in vocabulary else OTHER


@dataclass(frozen=True, slots=True)
class Reading:
    """One number worked out at scrape time: `name` is a metric name without the
    `coprod_` prefix (lower case, digits and `_`), `help` says what it means."""

    name: str
    help: str
    value: float

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"a reading's name must be lower_case_words: {self.name!r}")


class Metrics:
    """The port: every method records one thing; this base records nothing."""

    def delivery_sent(self, kind: str) -> None:
        """A delivery of this destination kind (`DestinationKind`) was sent."""

    def delivery_failed(self, kind: str, error: str, outcome: str) -> None:
        """An attempt failed with this error class (`DELIVERY_ERRORS`); the dispatcher
        then did `outcome` (`DELIVERY_OUTCOMES`)."""

    def rate_limit_wait(self, kind: str, seconds: float) -> None:
        """The platform asked a delivery of this kind to wait this long."""

    def schedule_fired(self, lateness_seconds: float) -> None:
        """A scheduled occurrence was acted on this long after it fell due."""

    def event_handled(self, kind: str, family: str, seconds: float) -> None:
        """An event of this kind (`EVENT_KINDS`) for this command family or feature
        took this long to handle."""


NO_METRICS = Metrics()
"""The recorder of a bot without monitoring."""
