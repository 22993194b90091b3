"""Safeguarding concerns: the records and the store port (the whole operations a
database must offer the feature; `storage/concerns/` implements it).

What people wrote (the concern, who it is about, the quoted message, notes, outcomes,
audit details, the reporter) is encrypted at rest by the backend; only references,
statuses, times and the ids of leads who acted stay readable, so the concerns log can
be listed without any personal details.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from typing import runtime_checkable

from bot.outbox import NewDelivery


class CaseStatus(StrEnum):
    """Where a case is in its life."""

    OPEN = "open"                  # raised, nobody has acknowledged it yet
    ACKNOWLEDGED = "acknowledged"  # a lead has taken it
    CLOSED = "closed"              # closed with an outcome
    DELETED = "deleted"            # its words deleted by a lead; the audit stays


class NoteKind(StrEnum):
    """A case note is a fact (what was seen, said, done) or an opinion, never mixed."""

    FACT = "fact"
    OPINION = "opinion"


@dataclass(frozen=True, slots=True)
class _ConcernFields:
    """What a concern says, whether as raised or read back as a case: said once for
    both. `excluded` holds the member ids that must never see or be sent it (leads it is
    about, the author of a flagged message)."""

    case_id: str
    group_id: str
    text: str
    about: str
    danger: bool
    may_contact: bool
    anonymous: bool
    reporter_id: str
    reporter_name: str
    source: str  # "form", "dm" or "message"
    created_at: datetime
    link: str = ""
    quoted: str = ""
    subject_ids: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewConcern(_ConcernFields):
    """A concern as raised."""

    draft_id: str = ""  # a stored draft this concern was made from, deleted with it


@dataclass(frozen=True, slots=True)
class Concern(_ConcernFields):
    """A stored case, decrypted, as a lead sees it (after the access check; built by name
    only)."""

    _: KW_ONLY
    status: CaseStatus
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    assignee: str | None
    closed_at: datetime | None
    outcome: str
    escalations: int


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One line of the concerns log: no words, no names."""

    case_id: str
    group_id: str
    status: CaseStatus
    danger: bool
    created_at: datetime
    acknowledged_at: datetime | None
    excluded: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CaseNote:
    """A signed, timed note on a case."""

    case_id: str
    kind: NoteKind
    author_id: str
    author_name: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did what to a case, when. `actor_id` is empty for the bot itself and for
    the reporter (whose id is kept with the case, not in its audit)."""

    case_id: str
    actor_id: str
    actor_name: str
    action: str
    detail: str
    at: datetime


@dataclass(frozen=True, slots=True)
class KnownLead:
    """Someone the bot knows to be a safeguarding lead of a group."""

    group_id: str
    user_id: str
    display_name: str
    source: str  # "role" (seen acting with the lead role) or "registered"


@dataclass(frozen=True, slots=True)
class ConcernDraft:
    """What a concern form needs that cannot travel in the form: the words of a direct
    message, or the message a member pointed at. Kept only until the form is sent or
    declined, and never longer than a day.

    `owner` is not the member's id but a tag the intake makes from it with a key that is
    never stored (see `bot.features.concerns.intake.owner_tag`): the draft is theirs alone
    without saying whose it is."""

    draft_id: str
    group_id: str
    owner: str
    text: str
    link: str
    quoted: str
    author_id: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AckResult:
    """The outcome of pressing Acknowledge: taken now, or who had taken it."""

    taken: bool
    by: str | None
    status: CaseStatus | None


@runtime_checkable
class ConcernStore(Protocol):
    """Whole operations on safeguarding cases; each is one transaction."""

    async def raise_concern(self, concern: NewConcern, deliveries: Sequence[NewDelivery],
                            now: datetime) -> None:
        """Store the case, its first audit entry and its notifications together (and
        delete the draft it came from)."""

    async def concern(self, case_id: str) -> Concern | None:
        """A case by reference (decrypted; callers check access before showing it)."""

    async def concern_summaries(self, group_id: str, statuses: Sequence[CaseStatus],
                                ) -> list[CaseSummary]:
        """A group's cases in these statuses, oldest first."""

    async def unacknowledged_concerns(self) -> list[CaseSummary]:
        """Every case nobody has acknowledged yet, in every group (for escalation)."""

    async def acknowledge_concern(self, case_id: str, lead_id: str, lead_name: str,
                                  deliveries: Sequence[NewDelivery], now: datetime,
                                  ) -> AckResult:
        """Take the case if nobody has; audit it and send its notices together."""

    async def escalate_concern(self, case_id: str, occurrence_key: str, owner: str,
                               deliveries: Sequence[NewDelivery], now: datetime) -> bool:
        """Claim one escalation occurrence; if the case is still unacknowledged, store
        its notifications and audit it. True if the escalation was sent."""

    async def add_case_note(self, group_id: str, note: CaseNote) -> bool:
        """Add a note to an open or acknowledged case, audited."""

    async def case_notes(self, case_id: str) -> list[CaseNote]:
        """A case's notes, oldest first."""

    async def assign_concern(self, case_id: str, lead_id: str, by_id: str, by_name: str,
                             deliveries: Sequence[NewDelivery], now: datetime) -> bool:
        """Give the case to a lead (acknowledging it if nobody had), audited."""

    async def close_concern(self, case_id: str, outcome: str, by_id: str, by_name: str,
                            now: datetime) -> bool:
        """Close a case with its outcome, audited."""

    async def delete_concern(self, case_id: str, by_id: str, by_name: str, reason: str,
                             now: datetime) -> bool:
        """Delete a case's words and notes (a lead's explicit action); keep a tombstone
        and the audit, which records the deletion."""

    async def purge_closed_concerns(self, closed_before: datetime, now: datetime,
                                    ) -> list[str]:
        """Retention: delete closed cases closed before the cutoff, audited."""

    async def record_case_audit(self, entries: Sequence[AuditEntry]) -> None:
        """Record views or actions on cases (one transaction)."""

    async def case_audit(self, case_id: str) -> list[AuditEntry]:
        """A case's audit trail, oldest first."""

    async def note_lead(self, lead: KnownLead, now: datetime) -> None:
        """Remember (or refresh) a lead of a group."""

    async def forget_lead(self, group_id: str, user_id: str) -> bool:
        """Stop treating someone as a lead of the group."""

    async def known_leads(self, group_id: str) -> list[KnownLead]:
        """The leads the bot knows for a group."""

    async def concern_dms_refused(self, group_id: str, user_ids: Sequence[str]) -> set[str]:
        """Of these people, those whose latest concern direct message (a new concern or
        an escalation) the platform refused for good: DMs closed, or gone. A later one
        that was delivered makes them reachable again."""

    async def save_concern_draft(self, draft: ConcernDraft, expired_before: datetime) -> None:
        """Keep a draft (and delete drafts older than `expired_before`)."""

    async def concern_draft(self, draft_id: str, owner: str, not_before: datetime,
                            ) -> ConcernDraft | None:
        """A draft with this owner tag, if it exists and has not expired."""

    async def drop_concern_draft(self, draft_id: str) -> None:
        """Delete a draft (the member declined), leaving no earlier version of it in the
        database's history."""
