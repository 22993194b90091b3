"""Anonymous feedback: records and the store port (implemented in storage/feedback/).

Nothing here can hold an author. A stored item has a random id (no sequence that
orders submissions), its group, who it is for, its text and topic (encrypted), and the
day it was written (the group's local midnight, never the time). Digests, answers and
moderation only ever refer to the item, never to a person who wrote it.

Nor can anything record the order items arrived in. An item is first *pending*: kept
with the other items of its group, audience and day in one sealed pile, sorted by their
random ids and rewritten whole at each submission (the database's history of the pile
is emptied after each commit). Only when its day is over, and enough items have
gathered, are the pile's items *released* for review: written out as rows together, in
random-id order, each one waiting for facilitators to check it and then for a digest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from typing import runtime_checkable

from bot.outbox import NewDelivery


class Audience(StrEnum):
    """Who a piece of feedback is for."""

    GROUP = "group"
    FACILITATORS = "facilitators"


class FeedbackStatus(StrEnum):
    """Where a released item is: waiting (open for review, then for a digest), delivered
    in one, or hidden by a facilitator. Pending items have no status: they are not rows."""

    WAITING = "waiting"
    DELIVERED = "delivered"
    HIDDEN = "hidden"


@dataclass(frozen=True, slots=True)
class _FeedbackFields:
    """What an item is, whether about to be stored or read back: said once for both."""

    item_id: str
    group_id: str
    audience: Audience
    text: str
    topic: str
    day: datetime


@dataclass(frozen=True, slots=True)
class NewFeedback(_FeedbackFields):
    """An item to store. `day` must already be coarsened to a midnight (the group's)."""


@dataclass(frozen=True, slots=True)
class FeedbackItem(_FeedbackFields):
    """A stored item as facilitators and digests see it (still no author, ever)."""

    status: FeedbackStatus
    delivered_day: datetime | None = None
    hidden_reason: str = ""
    answered: bool = False
    # The day boundary from which facilitators could see and hide it (None: before
    # review existed; treated as the day after it was written).
    review_from: datetime | None = None


@runtime_checkable
class FeedbackStore(Protocol):
    """Storage operations for anonymous feedback."""

    async def submit_feedback(self, item: NewFeedback) -> None:
        """Store one item as pending, then empty the database's history of the change
        (so no earlier version of its pile remains to compare). Raises if the random id
        is taken."""

    async def release_feedback(self, group_id: str, audience: Audience, ended_before: datetime,
                               minimum: int, review_from: datetime) -> int:
        """Release a group's pending items of days before `ended_before` for review, all
        together and in random-id order, marked open for review from `review_from`, if
        there are at least `minimum` of them; otherwise change nothing. How many."""

    async def groups_with_waiting_feedback(self, audience: Audience) -> list[str]:
        """The groups that have items pending or waiting for this audience's digest."""

    async def waiting_feedback(self, group_id: str, audience: Audience) -> list[FeedbackItem]:
        """The released items waiting for a group's digest (hidden ones excluded), in
        random-id order."""

    async def deliver_digest(self, occurrence_key: str, owner: str, group_id: str,
                             item_ids: Sequence[str], deliveries: Sequence[NewDelivery],
                             now: datetime, day: datetime) -> bool:
        """In one transaction: claim the digest's occurrence, mark exactly these waiting
        items delivered on `day`, and store the digest's deliveries. False (and nothing
        changed) if the occurrence was already claimed or an item is no longer waiting."""

    async def recent_feedback(self, group_id: str, since: datetime, limit: int,
                              ) -> list[FeedbackItem]:
        """Released items of a group written on or after `since`, newest day first."""

    async def feedback_item(self, group_id: str, item_id: str) -> FeedbackItem | None:
        """One released item of a group, by id."""

    async def hide_feedback(self, group_id: str, item_id: str, reason: str, hidden_by: str,
                            day: datetime) -> bool:
        """Hide a waiting (released) item from its digest, recording the reason and the
        facilitator who hid it. False if it is not waiting."""

    async def answer_feedback(self, group_id: str, item_id: str, answer: str, day: datetime,
                              deliveries: Sequence[NewDelivery], now: datetime) -> bool:
        """Record a "you said, we did" answer to a delivered item and store the public
        post, in one transaction. False if the item is not delivered."""
