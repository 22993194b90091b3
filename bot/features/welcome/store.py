"""The welcome's store port: the group's own welcome text, and what the welcome reads of
the agreement (implemented by the database in storage/agreement/). The welcome declares
the little it reads of the agreement itself, so it depends on no other feature."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from typing import runtime_checkable


@runtime_checkable
class WelcomeStore(Protocol):
    """The group's own welcome text."""

    async def welcome_text(self, group_id: str) -> str | None:
        """The group's welcome text, or None to use the default."""

    async def set_welcome_text(self, group_id: str, text: str | None, by: str,
                               now: datetime) -> None:
        """Store the group's welcome text (None goes back to the default)."""


class NumberedVersion(Protocol):
    """What the welcome reads of an agreement version: its number."""

    @property
    def number(self) -> int:
        """The version's number (1 for the first)."""


@runtime_checkable
class AgreementVersions(Protocol):
    """What the welcome reads of the agreement: its versions, to point a newcomer to the
    one in force."""

    async def agreement_versions(self, group_id: str) -> Sequence[NumberedVersion]:
        """Every version of the group's agreement, oldest first."""


@runtime_checkable
class WelcomeStores(WelcomeStore, AgreementVersions, Protocol):
    """What the welcome reads: its own text, and the agreement's versions."""
