"""Check-ins, one-to-one requests and known facilitators: the records, and the store
port the check-ins feature is written against (implemented by `storage/checkins/`).

A member's check-in settings are theirs alone; what they answer is seen only by their
own facilitator (and counted, without names, in a group summary once enough members
answered). Notes are encrypted at rest by the backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from typing import runtime_checkable

from bot.outbox import NewDelivery


class Cadence(StrEnum):
    """How often a member is checked in with."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class Answer(StrEnum):
    """A check-in answer, in words (never a colour or an emoji)."""

    GOOD = "good"
    OKAY = "okay"
    NOT_SO_GOOD = "not_so_good"
    ONE_TO_ONE = "one_to_one"


class RequestStatus(StrEnum):
    """Where a one-to-one request is."""

    REQUESTED = "requested"
    ARRANGED = "arranged"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class CheckinPrefs:
    """A member's own check-in settings and where their check-ins stand.

    `weekday` is 0 (Monday) to 6; `at`, `quiet_start` and `quiet_end` are "HH:MM" in
    the member's own `timezone` ("" quiet hours: none). `anchor` fixes which weeks a
    fortnightly cadence uses. `pause_reason` is "", "holiday", "misses" or "unreachable".
    """

    group_id: str
    user_id: str
    display_name: str
    enabled: bool = False
    cadence: Cadence = Cadence.WEEKLY
    weekday: int = 0
    at: str = "10:00"
    timezone: str = "Europe/London"
    quiet_start: str = ""
    quiet_end: str = ""
    paused_until: datetime | None = None
    pause_reason: str = ""
    misses: int = 0
    anchor: datetime | None = None
    facilitator_id: str = ""


@dataclass(frozen=True, slots=True)
class Checkin:
    """One check-in sent to a member, and what came back."""

    checkin_id: str
    group_id: str
    user_id: str
    sent_at: datetime
    delivery_key: str
    answer: Answer | None = None
    answered_at: datetime | None = None
    note: str = ""
    followed_up: bool = False


@dataclass(frozen=True, slots=True)
class OneToOne:
    """A one-to-one request: who asked, who should arrange it, and how far it got.

    `stage` counts escalation steps taken: 0 none, 1 facilitator reminded, 2 another
    facilitator told.
    """

    request_id: str
    group_id: str
    user_id: str
    member_name: str
    facilitator_id: str
    answer: Answer
    note: str
    status: RequestStatus
    created_at: datetime
    stage: int = 0
    checkin_id: str = ""
    arranged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Facilitator:
    """A facilitator the bot has seen act in a group (or named in config)."""

    group_id: str
    user_id: str
    display_name: str


@runtime_checkable
class CheckinStore(Protocol):
    """Storage operations for check-ins and one-to-one requests."""

    async def checkin_prefs(self, group_id: str, user_id: str) -> CheckinPrefs | None:
        """A member's settings, if they ever set any."""

    async def all_checkin_prefs(self) -> list[CheckinPrefs]:
        """Every member's settings in every group (to rebuild schedules at start)."""

    async def checkin_prefs_saved_since(self, since: datetime) -> list[CheckinPrefs]:
        """The settings saved at or after `since` (by any process), to keep schedules
        in step with changes made through another process."""

    async def save_checkin_prefs(self, prefs: CheckinPrefs, now: datetime,
                                 deliveries: Sequence[NewDelivery] = ()) -> None:
        """Store a member's settings (whole), with any deliveries they cause."""

    async def open_checkin(self, group_id: str, user_id: str) -> Checkin | None:
        """The member's latest check-in if it is still unanswered."""

    async def checkin(self, checkin_id: str) -> Checkin | None:
        """One check-in by id."""

    async def send_checkin(self, occurrence_key: str, owner: str, prefs: CheckinPrefs,
                           checkin: Checkin | None, deliveries: Sequence[NewDelivery],
                           now: datetime) -> bool:
        """In one transaction: claim the occurrence, store `prefs` (new miss count or
        pause), the new check-in (if any) and the deliveries. False if already claimed."""

    async def answer_checkin(self, checkin_id: str, answer: Answer | None, note: str,
                             request: OneToOne | None, deliveries: Sequence[NewDelivery],
                             now: datetime) -> bool:
        """Record an answer (None: keep the one given) and a note ("" keeps it), reset
        the member's misses, store a one-to-one request and deliveries, in one
        transaction. False if the check-in does not exist."""

    async def unanswered_checkins(self, sent_before: datetime) -> list[Checkin]:
        """Unanswered check-ins sent before a time and not yet followed up."""

    async def follow_up_checkin(self, checkin_id: str, deliveries: Sequence[NewDelivery],
                                now: datetime) -> bool:
        """Mark a check-in followed up (only ever once) and store its gentle reminder."""

    async def checkin_unreachable(self, group_id: str, user_id: str, *,
                                  untold_only: bool = True) -> Checkin | None:
        """The member's latest check-in if the platform refused to deliver it to them
        (their direct messages are closed) and, with `untold_only`, they have not been
        told yet."""

    async def mark_unreachable_told(self, checkin_id: str) -> None:
        """The member has been told that their check-in could not reach them."""

    async def one_to_one(self, request_id: str) -> OneToOne | None:
        """One request by id."""

    async def open_one_to_ones(self, group_id: str | None = None) -> list[OneToOne]:
        """Requests not yet done (of one group, or every group), oldest first."""

    async def count_one_to_ones(self, group_id: str) -> int:
        """How many requests a group has ever had (drives the facilitators' rota)."""

    async def update_one_to_one(self, request: OneToOne, deliveries: Sequence[NewDelivery],
                                now: datetime) -> None:
        """Store a request's new status, stage or facilitator with its deliveries."""

    async def remember_facilitator(self, facilitator: Facilitator, now: datetime) -> None:
        """Record (or refresh the name of) someone seen acting as a facilitator."""

    async def known_facilitators(self, group_id: str) -> list[Facilitator]:
        """The facilitators seen in a group, by id."""

    async def forget_facilitator(self, group_id: str, user_id: str) -> bool:
        """Stop counting someone as a facilitator of the group (they stepped down; the
        bot cannot see a role being taken away). False if they were not known."""

    async def checkins_between(self, group_id: str, since: datetime, until: datetime,
                               ) -> list[Checkin]:
        """Check-ins sent in a period (for a facilitator's own members only)."""
