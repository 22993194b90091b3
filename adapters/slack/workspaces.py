"""One process serving many Slack workspaces, each workspace a group.

Each installed workspace gets its own Web API client (with that workspace's bot token,
from its installation), its own `Directory` of people and channels, its own `Bridge`
for the requests that come from it and its own `SlackSender` for the deliveries that go
to it. They are made on first use and rebuilt when the installation changes, or after
`RECHECK_SECONDS` (another process may have changed it). A request is handled by its
own workspace's bridge; a delivery, a people look-up or a start-up check goes through the
workspace of its group. A workspace with no installation (never installed, or
uninstalled) gets nothing: its deliveries are refused for good (`Forbidden` with
`workspace_not_installed`), so the dispatcher marks them undeliverable, with that
reason, instead of retrying them for ever; the group's records are kept. So does a
workspace left out of `[slack] allowed_workspaces` (`workspace_not_offered`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.bridge import Bridge
from adapters.slack.bridge import group_of
from adapters.slack.installs import StoredInstallations
from adapters.slack.people import Directory
from adapters.slack.sender import SlackSender
from bot.app import App
from bot.errors import Forbidden
from bot.logs import log_event
from bot.messages import Destination
from bot.messages import Message
from bot.ports import PeopleUnavailable
from bot.ports import Person

log = logging.getLogger(__name__)

NOT_INSTALLED = "workspace_not_installed"
NOT_OFFERED = "workspace_not_offered"
RECHECK_SECONDS = 60.0
# Slack's refusals of a token itself: the installation is read again on the next use.
TOKEN_REFUSED = frozenset({"invalid_auth", "account_inactive", "token_revoked",
                           "token_expired"})


@dataclass
class Workspace:
    """What the bot uses to talk to one workspace."""

    team_id: str
    token: str
    client: AsyncWebClient
    directory: Directory
    bridge: Bridge
    sender: SlackSender
    checked: float


class Workspaces:
    """Every installed workspace's client, directory, bridge and sender, by team id."""

    def __init__(self, core: App, make_client: Callable[[str], AsyncWebClient], *,
                 ack_budget: float, directory_ttl: float, send_wait: float,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.core = core
        self.make_client = make_client
        self.ack_budget = ack_budget
        self.directory_ttl = directory_ttl
        self.send_wait = send_wait
        self.now = now
        self.installations: StoredInstallations | None = None
        # `[slack] allowed_workspaces`: empty means any workspace.
        self.allowed: frozenset[str] = frozenset()
        self._open: dict[str, Workspace] = {}
        self._retired: list[Bridge] = []

    def offered(self, team_id: str) -> bool:
        """Whether the bot is offered to this workspace (`[slack] allowed_workspaces`)."""
        return not self.allowed or team_id in self.allowed

    def forget(self, team_id: str) -> None:
        """Drop a workspace's client (its installation changed or is gone)."""
        gone = self._open.pop(team_id, None)
        self._retired = [bridge for bridge in self._retired if bridge.busy]
        if gone is not None and gone.bridge.busy:
            self._retired.append(gone.bridge)  # its answers in progress still finish

    async def get(self, team_id: str) -> Workspace | None:
        """The workspace's bundle, or None if it has no installation or is not offered
        the bot (installed before `allowed_workspaces` left it out)."""
        if self.installations is None or not team_id or not self.offered(team_id):
            return None
        known = self._open.get(team_id)
        if known is not None and self.now() - known.checked < RECHECK_SECONDS:
            return known
        bot = await self.installations.async_find_bot(enterprise_id=None, team_id=team_id)
        token = str(bot.bot_token or "") if bot is not None else ""
        if known is not None and known.token == token:
            known.checked = self.now()
            return known
        self.forget(team_id)
        if not token:
            return None
        client = self.make_client(token)
        directory = Directory(client, ttl=self.directory_ttl)
        bridge = Bridge(self.core, client, directory, ack_budget=self.ack_budget)
        sender = SlackSender(client, directory, bridge.names, wait_seconds=self.send_wait)
        bridge.sender = sender
        workspace = Workspace(team_id, token, client, directory, bridge, sender, self.now())
        self._open[team_id] = workspace
        return workspace

    async def settle(self, limit_seconds: float = 10.0) -> None:
        """Let every workspace's answers in progress finish (bounded)."""
        bridges = [w.bridge for w in self._open.values()] + self._retired
        await asyncio.gather(*(b.settle(limit_seconds) for b in bridges))


class WorkspaceSender:
    """The dispatcher's sender: each delivery through its group's workspace."""

    def __init__(self, workspaces: Workspaces) -> None:
        self.workspaces = workspaces

    async def send(self, destination: Destination, message: Message, key: str) -> str:
        """Send through the group's workspace; refused for good if it is not installed."""
        workspace = await self.workspaces.get(destination.group_id)
        if workspace is None:
            raise Forbidden(NOT_INSTALLED if self.workspaces.offered(destination.group_id)
                            else NOT_OFFERED)
        try:
            return await workspace.sender.send(destination, message, key)
        except Forbidden as refused:
            if any(f"slack {code} " in str(refused) for code in TOKEN_REFUSED):
                # Uninstalled, and another process heard of it: read the install again.
                self.workspaces.forget(destination.group_id)
            raise


class WorkspacePeople:
    """The core's `People` port, answered by each group's workspace."""

    def __init__(self, workspaces: Workspaces) -> None:
        self.workspaces = workspaces

    async def _directory(self, group_id: str) -> Directory:
        workspace = await self.workspaces.get(group_id)
        if workspace is None:
            raise PeopleUnavailable("the Slack app is not installed in this workspace")
        return workspace.directory

    async def holders(self, group_id: str, roles: Sequence[str]) -> list[Person]:
        """Who holds these roles in the group's workspace."""
        return await (await self._directory(group_id)).holders(group_id, roles)

    async def person(self, group_id: str, user_id: str) -> Person | None:
        """Someone's names in the group's workspace."""
        return await (await self._directory(group_id)).person(group_id, user_id)


class WorkspaceListeners:
    """Bolt's listeners for many workspaces: each request handed to the bridge of the
    workspace it came from (Bolt passes arguments by name, so these keep the bridge's).
    A request from a workspace with no installation, or one not offered the bot, is
    acknowledged and dropped (Bolt's authorization refuses those with no installation
    before they get here)."""

    def __init__(self, workspaces: Workspaces) -> None:
        self.workspaces = workspaces

    async def _bridge(self, context: Mapping[str, Any], body: Mapping[str, Any]
                      ) -> Bridge | None:
        team = group_of(context, body)
        workspace = await self.workspaces.get(team)
        if workspace is None:
            log_event(log, logging.WARNING, "slack.not_installed"
                      if self.workspaces.offered(team) else "slack.not_offered", team=team)
            return None
        return workspace.bridge

    async def _acked_bridge(self, ack: Any, context: Mapping[str, Any],
                            body: Mapping[str, Any]) -> Bridge | None:
        """The workspace's bridge; with none, the request is acknowledged here (Slack
        wants an answer to every command, form and button) and dropped."""
        bridge = await self._bridge(context, body)
        if bridge is None:
            await ack()
        return bridge

    async def on_command(self, ack: Any, body: dict[str, Any], respond: Any,
                         context: Mapping[str, Any]) -> None:
        """A slash command, in its workspace."""
        if (bridge := await self._acked_bridge(ack, context, body)) is not None:
            await bridge.on_command(ack, body, respond, context)

    async def on_view_submission(self, ack: Any, body: dict[str, Any],
                                 context: Mapping[str, Any]) -> None:
        """A form sent, in its workspace."""
        if (bridge := await self._acked_bridge(ack, context, body)) is not None:
            await bridge.on_view_submission(ack, body, context)

    async def on_action(self, ack: Any, body: dict[str, Any], action: dict[str, Any],
                        respond: Any, context: Mapping[str, Any]) -> None:
        """A button or a choice, in its workspace."""
        if (bridge := await self._acked_bridge(ack, context, body)) is not None:
            await bridge.on_action(ack, body, action, respond, context)

    async def on_shortcut(self, ack: Any, body: dict[str, Any], respond: Any,
                          context: Mapping[str, Any]) -> None:
        """A message shortcut, in its workspace."""
        if (bridge := await self._acked_bridge(ack, context, body)) is not None:
            await bridge.on_shortcut(ack, body, respond, context)

    async def on_home_opened(self, event: dict[str, Any], context: Mapping[str, Any],
                             body: dict[str, Any]) -> None:
        """Someone opened the Home tab, in its workspace."""
        bridge = await self._bridge(context, body)
        if bridge is not None:
            await bridge.on_home_opened(event, context, body)

    async def on_team_join(self, event: dict[str, Any], context: Mapping[str, Any],
                           body: dict[str, Any]) -> None:
        """Someone joined a workspace."""
        bridge = await self._bridge(context, body)
        if bridge is not None:
            await bridge.on_team_join(event, context, body)

    async def on_message(self, event: dict[str, Any], context: Mapping[str, Any],
                         body: dict[str, Any]) -> None:
        """A direct message to the bot, in its workspace."""
        bridge = await self._bridge(context, body)
        if bridge is not None:
            await bridge.on_message(event, context, body)
