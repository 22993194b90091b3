"""Meetings, their RSVPs, agendas, minutes and action items: records and the store.

Times are UTC datetimes with the meeting's IANA zone kept beside them; an occurrence is
named by its UTC start. What people wrote (titles, places, agenda notes, minutes,
action items) is encrypted at rest like other member text: minutes are posted in the
group, but a database file that leaks should not carry people's words with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Protocol
from typing import runtime_checkable

from bot.outbox import NewDelivery

DRAFT = "draft"
ACTIVE = "active"
CANCELLED = "cancelled"

RSVP_ANSWERS = ("going", "maybe", "no")


def meeting_schedule_id(meeting_id: int) -> str:
    """The scheduler id of a meeting's reminders; the keys of its occurrences and of
    their deliveries start with it and "@" (so storage can find prepared ones)."""
    return f"meeting:{meeting_id}"


@dataclass(frozen=True, slots=True)
class _MeetingFields:
    """What a meeting is as a member describes it, said once for a draft and a record."""

    group_id: str
    title: str
    starts_at: datetime
    zone: str
    rrule: str
    location: str
    notes: str
    channel: str
    reminders: tuple[int, ...]
    created_by: str
    replaces: int | None = None
    duration_minutes: int = 60


@dataclass(frozen=True, slots=True)
class MeetingDraft(_MeetingFields):
    """A meeting as a member described it, before (or instead of) what was saved."""


@dataclass(frozen=True, slots=True)
class MeetingRecord(_MeetingFields):
    """A stored meeting (built by name only). `skipped` holds the UTC starts of
    occurrences that will not happen; `dm_optins` the members who asked for a personal
    reminder."""

    _: KW_ONLY
    id: int
    status: str
    skipped: frozenset[datetime] = frozenset()
    dm_optins: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class MeetingTimes:
    """Only what the scheduler needs about a meeting (read at start, cheaply)."""

    id: int
    group_id: str
    starts_at: datetime
    zone: str
    rrule: str
    reminders: tuple[int, ...]
    skipped: frozenset[datetime] = frozenset()


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One agenda point for one occurrence of a meeting."""

    id: int
    meeting_id: int
    occurrence: datetime
    author_id: str
    author_name: str
    text: str


@dataclass(frozen=True, slots=True)
class NewAction:
    """An action item read from minutes."""

    owner_id: str
    owner_name: str
    task: str
    due: datetime | None
    zone: str


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """A stored action item."""

    id: int
    group_id: str
    minutes_id: int
    owner_id: str
    owner_name: str
    task: str
    due: datetime | None
    zone: str
    done: bool = False


@dataclass(frozen=True, slots=True)
class NewMinutes:
    """Minutes as submitted."""

    group_id: str
    meeting_id: int | None
    summary: str
    decisions: str
    written_by: str
    actions: tuple[NewAction, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ReminderContext:
    """What a reminder needs about one meeting: the meeting (None if it is gone), and per
    occurrence its agenda and RSVP counts."""

    meeting: MeetingRecord | None
    agenda: dict[datetime, list[AgendaItem]] = field(default_factory=dict)
    counts: dict[datetime, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RsvpAnswer:
    """What an RSVP button press needs back to redraw the reminder it is on: the meeting,
    the counts with this answer in, and the occurrence's agenda."""

    meeting: MeetingRecord
    counts: dict[str, int]
    agenda: list[AgendaItem]


@runtime_checkable
class MeetingsStore(Protocol):
    """Whole operations for meetings; each one transaction. The meetings feature's port:
    the core owns it, `storage/meetings/` implements it for both databases."""

    async def save_meeting_draft(self, draft: MeetingDraft, now: datetime) -> int:
        """Store a draft (shown back to the member before it is saved for real)."""

    async def add_meetings(self, drafts: Sequence[MeetingDraft], now: datetime) -> list[int]:
        """Store several meetings at once, already confirmed (imports; the benchmark)."""

    async def confirm_meeting(self, group_id: str, draft_id: int, now: datetime,
                              deliveries: Sequence[NewDelivery] = ()) -> MeetingRecord | None:
        """Make a draft the meeting (or apply it to the meeting it edits); None if the
        draft is gone (already confirmed or discarded)."""

    async def discard_draft(self, group_id: str, draft_id: int) -> None:
        """Forget a draft."""

    async def get_meeting(self, group_id: str, meeting_id: int) -> MeetingRecord | None:
        """One meeting of a group (any status)."""

    async def active_meetings(self, group_id: str) -> list[MeetingRecord]:
        """A group's meetings that are not cancelled (drafts excluded)."""

    async def all_meeting_times(self) -> list[MeetingTimes]:
        """Every active meeting's times, for rebuilding the scheduler at start."""

    async def reminder_contexts(self, wanted: Sequence[tuple[str, int, Sequence[datetime]]],
                                ) -> dict[int, ReminderContext]:
        """For reminders due together: (group id, meeting id, occurrences) -> context by
        meeting id, read in one go."""

    async def claim_occurrences(self, claims: Sequence[tuple[str, Sequence[NewDelivery]]],
                                owner: str, now: datetime) -> set[str]:
        """Claim several occurrences, each with its deliveries, in one transaction; return
        the keys claimed now (a key claimed before is skipped with its deliveries)."""

    async def claimed_occurrences(self, keys: Sequence[str]) -> set[str]:
        """Which of these occurrence keys are claimed (one read)."""

    async def cancel_meeting(self, group_id: str, meeting_id: int, now: datetime,
                             deliveries: Sequence[NewDelivery] = ()) -> bool:
        """Cancel a whole series; False if it was not active.

        This and every other change to what a meeting's reminder says (an edit, a skip,
        a DM opt-in or opt-out, an agenda point) also drops, in the same transaction, the
        claims of its reminders prepared ahead and not yet due, with their deliveries not
        yet sent: the scheduler's firing at the due time then makes them afresh."""

    async def skip_occurrence(self, group_id: str, meeting_id: int, occurrence: datetime,
                              now: datetime, deliveries: Sequence[NewDelivery] = ()) -> bool:
        """Record that one occurrence will not happen; False if already skipped."""

    async def set_rsvp(self, meeting_id: int, occurrence: datetime, user_id: str,
                       answer: str, now: datetime) -> dict[str, int]:
        """Record a member's answer and return the counts for that occurrence."""

    async def answer_rsvp(self, group_id: str, meeting_id: int, occurrence: datetime,
                          user_id: str, answer: str, now: datetime) -> RsvpAnswer | None:
        """Record a member's answer to an active meeting of the group, and return what its
        reminder shows now; None, with nothing stored, if there is no such meeting.
        Answers given at the same moment may be committed together (group commit)."""

    async def rsvp_counts(self, meeting_id: int, occurrence: datetime) -> dict[str, int]:
        """The counts of each answer for one occurrence."""

    async def set_dm_optin(self, meeting_id: int, user_id: str, on: bool,
                           now: datetime | None = None) -> None:
        """Switch a member's personal DM reminders for a meeting on or off (with `now`,
        reminders prepared ahead are dropped, as `cancel_meeting` says)."""

    async def set_member_zone(self, group_id: str, user_id: str, zone: str | None,
                              now: datetime) -> None:
        """A member's own time zone (None: use the group's)."""

    async def member_zone(self, group_id: str, user_id: str) -> str | None:
        """A member's own time zone, if they set one."""

    async def add_agenda_item(self, meeting_id: int, occurrence: datetime, author_id: str,
                              author_name: str, text: str, now: datetime) -> int:
        """Add a point to one occurrence's agenda."""

    async def agenda_items(self, meeting_id: int, occurrence: datetime) -> list[AgendaItem]:
        """One occurrence's agenda, oldest first."""

    async def save_minutes(self, minutes: NewMinutes, now: datetime,
                           deliveries: Sequence[NewDelivery] = ()) -> list[ActionRecord]:
        """Store minutes and their action items (with the post that shares them)."""

    async def open_actions(self, group_id: str | None = None,
                           owner_id: str | None = None) -> list[ActionRecord]:
        """Open action items (of a group, or all groups; of one owner, or everyone's)."""

    async def get_action(self, group_id: str, action_id: int) -> ActionRecord | None:
        """One action item of a group."""

    async def mark_action_done(self, group_id: str, action_id: int, by: str,
                               now: datetime) -> ActionRecord | None:
        """Close an action item; None if there is no such open item."""

    async def meeting_group_ids(self) -> list[str]:
        """Groups with an active meeting or an open action item (for weekly posts)."""

    async def claim_occurrence(
        self, key: str, owner: str, now: datetime, deliveries: Sequence[NewDelivery] = ()
    ) -> bool:
        """Claim one firing of a schedule (key: schedule id + due time) together with
        the deliveries it causes. True for exactly one caller, ever, per key. (The core
        store's claim, which the weekly post and action item reminders use.)"""
