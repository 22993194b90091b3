"""Delivery records: one outbound message the bot owes someone, stored before it is sent.

A feature builds `NewDelivery` values and hands them to a storage method together with
its state change, so both land in one transaction. The dispatcher later claims stored
`Delivery` rows, sends them, and marks them delivered, retried or rerouted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from enum import StrEnum

from bot.messages import Destination
from bot.messages import Message


class DeliveryStatus(StrEnum):
    """Where a delivery is in its life."""

    PENDING = "pending"          # waiting to be sent (maybe after a backoff)
    SENDING = "sending"          # claimed by a dispatcher under a lease
    DELIVERED = "delivered"      # the platform accepted it
    UNDELIVERABLE = "undeliverable"  # refused everywhere it could go; logged loudly


@dataclass(frozen=True, slots=True)
class Fallback:
    """Where to try next if the platform refuses a delivery for good (DMs closed, gone).

    `message` replaces the original text when set (for example "check-ins can't reach
    Sam" to a facilitator instead of Sam's check-in).
    """

    destination: Destination
    message: Message | None = None


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """A delivery a feature wants made. `key` makes it idempotent: a second insert with
    the same key is ignored, so a retried feature step never sends twice.

    `sealed`: who receives it is itself private (the member who raised a concern, told
    that a lead has it): the recipient is stored encrypted, not readable beside the key,
    and forgotten once the message is delivered.
    """

    key: str
    destination: Destination
    message: Message
    fallbacks: tuple[Fallback, ...] = ()
    not_before: datetime | None = None
    sealed: bool = False


@dataclass(frozen=True, slots=True)
class Delivery:
    """A stored delivery as the dispatcher sees it."""

    id: int
    key: str
    destination: Destination
    message: Message
    fallbacks: tuple[Fallback, ...]
    attempts: int
    status: DeliveryStatus
    created_at: datetime
    sealed: bool = False


@dataclass(frozen=True, slots=True)
class Preference:
    """Which deliveries a dispatcher claims first: those of `groups` (where this process
    can send with what it holds already, e.g. the Discord servers on its own gateway
    shards); any other only once it has waited `others_after` past its due time, so the
    groups of a process that is gone are still served. A claim whose lease ran out (a
    stopped process's send in flight) is taken before either, whatever its group."""

    groups: frozenset[str]
    others_after: timedelta

