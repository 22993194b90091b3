"""The group's own ways of working: its agreement (versions, amendments, who has read it),
shared resources, discussion prompts and welcome text. Records and whole operations.

An amendment is voted on anonymously with the same design as an anonymous poll (see
docs/decisions/anonymous-polls.md): a per-amendment voter tag, yes/no counts, and the
choice sealed under a key that exists only in the running bot's memory, wiped when the
amendment is decided. The decision, the new version and the announcement commit together.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.features.polls.store import Ballot, VoteResult
from bot.outbox import NewDelivery


class AmendmentKind(StrEnum):
    """What an amendment does to the agreement."""

    ADD = "add"
    CHANGE = "change"
    REMOVE = "remove"


class AmendmentStatus(StrEnum):
    """Where an amendment is: open for votes, or decided."""

    OPEN = "open"
    PASSED = "passed"
    FAILED = "failed"
    STALE = "stale"  # the agreement changed while it was open; it no longer applies


@dataclass(frozen=True, slots=True)
class AgreementVersion:
    """One version of a group's agreement: its numbered points and why it changed."""

    group_id: str
    number: int
    points: tuple[str, ...]
    created_at: datetime
    change: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Amendment:
    """A proposed change to the agreement, voted on anonymously (yes or no)."""

    amendment_id: str
    group_id: str
    kind: AmendmentKind
    point: int  # 1-based point number to change or remove; 0 for an addition
    text: str
    reason: str
    base_version: int
    closes_at: datetime
    channel: str
    voter_secret: str
    status: AmendmentStatus = AmendmentStatus.OPEN
    yes: int = 0
    no: int = 0


@dataclass(frozen=True, slots=True)
class Decision:
    """What deciding an amendment does: its new status, the version it makes (if it
    passed), and the announcements to send in the same transaction."""

    status: AmendmentStatus
    version: AgreementVersion | None
    deliveries: tuple[NewDelivery, ...]


Decide = Callable[[Amendment, "AgreementVersion | None"], Decision]
"""Works out a decision from the amendment's final counts and the current version. It
runs inside the storage transaction, so it must not await or touch storage."""


@dataclass(frozen=True, slots=True)
class Resource:
    """A shared resource: a link or a short text, with tags."""

    resource_id: str
    group_id: str
    title: str
    content: str
    is_link: bool
    tags: tuple[str, ...]
    added_by: str
    added_by_name: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class Prompt:
    """A discussion or reflection prompt, and how many times it has been posted."""

    prompt_id: str
    group_id: str
    text: str
    added_at: datetime
    times_used: int = 0
    last_used_at: datetime | None = None


PickPrompt = Callable[[list[Prompt]], "tuple[Prompt, Sequence[NewDelivery]] | None"]
"""Chooses the prompt to post (and its delivery) from the group's prompts, inside the
storage transaction: no awaits."""


class AgreementStore(ABC):
    """Storage operations for the group agreement."""

    @abstractmethod
    async def agreement_versions(self, group_id: str) -> list[AgreementVersion]:
        """Every version of the group's agreement, oldest first."""

    @abstractmethod
    async def save_first_agreement(self, version: AgreementVersion,
                                   deliveries: Sequence[NewDelivery], now: datetime) -> bool:
        """Store version 1 with its announcement, only if the group has no version yet."""

    @abstractmethod
    async def start_amendment(self, amendment: Amendment, deliveries: Sequence[NewDelivery],
                              now: datetime) -> None:
        """Store an open amendment with zero counts and the post that asks for votes."""

    @abstractmethod
    async def get_amendment(self, amendment_id: str) -> Amendment | None:
        """An amendment by id, with its counts."""

    @abstractmethod
    async def open_amendments(self) -> list[Amendment]:
        """Every amendment still open (to schedule their closing at start)."""

    @abstractmethod
    async def cast_amendment_vote(self, ballot: Ballot, now: datetime) -> VoteResult:
        """Record or change a yes (0) / no (1) vote while the amendment is open."""

    @abstractmethod
    async def decide_amendment(self, amendment_id: str, occurrence_key: str, owner: str,
                               decide: Decide, now: datetime) -> Decision | None:
        """In one transaction, only while the amendment is open: record the closing
        occurrence, read the final counts and the current version, apply `decide`, record
        its status and version, wipe the sealed votes and store its deliveries. None if
        it was already decided."""

    @abstractmethod
    async def mark_read(self, group_id: str, version: int, user_id: str, name: str,
                        now: datetime) -> bool:
        """Record that a member has read a version; False if they already had."""

    @abstractmethod
    async def readers(self, group_id: str, version: int) -> list[str]:
        """The display names of those who have read a version (count them for a count)."""


class ResourceStore(ABC):
    """Storage operations for shared resources."""

    @abstractmethod
    async def add_resource(self, resource: Resource) -> None:
        """Store a resource."""

    @abstractmethod
    async def resources(self, group_id: str) -> list[Resource]:
        """The group's resources, newest first."""

    @abstractmethod
    async def remove_resource(self, group_id: str, resource_id: str) -> bool:
        """Remove a resource; False if there was none with that id."""


class PromptStore(ABC):
    """Storage operations for discussion prompts."""

    @abstractmethod
    async def add_prompt(self, prompt: Prompt) -> None:
        """Store a prompt (never used yet)."""

    @abstractmethod
    async def prompts(self, group_id: str) -> list[Prompt]:
        """The group's prompts, oldest first."""

    @abstractmethod
    async def prompt_groups(self) -> list[str]:
        """The groups that have at least one prompt (to schedule their posting)."""

    @abstractmethod
    async def post_prompt(self, group_id: str, occurrence_key: str, owner: str,
                          pick: PickPrompt, now: datetime) -> Prompt | None:
        """In one transaction: claim the occurrence, let `pick` choose a prompt, count it
        as used and store its delivery. None if already claimed or nothing was picked."""


class WelcomeStore(ABC):
    """The group's own welcome text."""

    @abstractmethod
    async def welcome_text(self, group_id: str) -> str | None:
        """The group's welcome text, or None to use the default."""

    @abstractmethod
    async def set_welcome_text(self, group_id: str, text: str | None, by: str,
                               now: datetime) -> None:
        """Store the group's welcome text (None goes back to the default)."""


class AgreementStores(AgreementStore, ResourceStore, PromptStore, WelcomeStore, ABC):
    """All of the above, as one base for `Storage`."""
