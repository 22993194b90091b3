"""The welcome's store port: the group's own welcome text (implemented by the database
in storage/agreement/)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from typing import runtime_checkable

from bot.features.agreement.store import AgreementStore


@runtime_checkable
class WelcomeStore(Protocol):
    """The group's own welcome text."""

    async def welcome_text(self, group_id: str) -> str | None:
        """The group's welcome text, or None to use the default."""

    async def set_welcome_text(self, group_id: str, text: str | None, by: str,
                               now: datetime) -> None:
        """Store the group's welcome text (None goes back to the default)."""


@runtime_checkable
class WelcomeStores(WelcomeStore, AgreementStore, Protocol):
    """What the welcome reads: its own text, and the agreement's versions (to point a
    newcomer to the one in force) through the agreement's port."""
