"""A discussion prompt's record and the prompts store port (implemented by the database
in storage/agreement/)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Protocol
from typing import runtime_checkable

from bot.outbox import NewDelivery

if TYPE_CHECKING:
    from bot.features.meetings.package import MeetingWhen


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


@runtime_checkable
class PromptStore(Protocol):
    """Storage operations for discussion prompts."""

    async def add_prompt(self, prompt: Prompt) -> None:
        """Store a prompt (never used yet)."""

    async def prompts(self, group_id: str) -> list[Prompt]:
        """The group's prompts, oldest first."""

    async def prompt_groups(self) -> list[str]:
        """The groups that have at least one prompt (to schedule their posting)."""

    async def post_prompt(self, group_id: str, occurrence_key: str, owner: str,
                          pick: PickPrompt, now: datetime) -> Prompt | None:
        """In one transaction: claim the occurrence, let `pick` choose a prompt, count it
        as used and store its delivery. None if already claimed or nothing was picked."""


@runtime_checkable
class MeetingTimesStore(Protocol):
    """The one thing prompts read from the meetings' store: when meetings happen (to skip
    posting on a day with a meeting), as the meetings package declares it for
    `meeting_on_day`. Named for type checking only: loading this port (as storage does)
    loads no meetings code."""

    async def all_meeting_times(self) -> Sequence[MeetingWhen]:
        """Every active meeting's times."""


@runtime_checkable
class PromptsStores(PromptStore, MeetingTimesStore, Protocol):
    """What the prompts feature uses of the database."""
