"""The port the Slack adapter keeps its installations through, and what it stores.

It lives here, beside the SQL that implements it, because it is no feature's and the
core never sees it: the adapter (which may use storage) turns these plain records into
slack-sdk's `Bot` objects, so storage imports no Slack library."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from typing import Protocol
from typing import runtime_checkable


@dataclass(frozen=True, slots=True)
class SlackInstall:
    """One workspace's installation: its key (the team id, or the organisation's id for
    an organisation-wide install), and the bot's details as slack-sdk gives them
    (tokens included), kept sealed under the at-rest key."""

    workspace: str
    details: Mapping[str, Any]
    installed_at: datetime


@runtime_checkable
class SlackInstallStore(Protocol):
    """Installations and OAuth states, shared by every process on one database."""

    async def save_slack_install(self, install: SlackInstall) -> None:
        """Keep (or replace) a workspace's installation."""
        ...

    async def slack_install(self, workspace: str) -> SlackInstall | None:
        """A workspace's installation, or None if it has none (never installed, or
        uninstalled)."""
        ...

    async def slack_installed_workspaces(self) -> list[str]:
        """Every workspace with an installation, in order."""
        ...

    async def delete_slack_install(self, workspace: str) -> bool:
        """Forget a workspace's installation (its tokens); whether there was one. The
        group's own records are not touched."""
        ...

    async def issue_slack_oauth_state(self, digest: str, now: datetime,
                                      expires_at: datetime) -> None:
        """Remember an OAuth state (by its digest) until it expires; expired ones are
        removed on the way."""
        ...

    async def consume_slack_oauth_state(self, digest: str, now: datetime) -> bool:
        """Use a state once: True if it was issued and has not expired; it is gone after
        this whatever the answer."""
        ...
