"""Slack's installation and OAuth-state stores (slack-sdk's `AsyncInstallationStore` and
`AsyncOAuthStateStore`) kept in our own database, through storage's
`SlackInstallStore` port, so every process sharing the database knows every workspace
and can finish an install another process began.

Only the bot's part of an installation is kept (its token, any refresh token, scopes
and ids): the bot acts as itself in each workspace, never as the person who installed
it, so no user token or installer id is stored. Tokens are sealed at rest by storage.
An OAuth state is random, used once, and kept only as its digest until it expires.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from slack_bolt.error import BoltError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.logs import log_event
from storage.slack_installs import SlackInstall
from storage.slack_installs import SlackInstallStore

log = logging.getLogger(__name__)

# How long someone has between opening the install page and allowing the app in Slack.
STATE_SECONDS = 10 * 60
_BOT_FIELDS = ("app_id", "enterprise_id", "enterprise_name", "team_id", "team_name",
               "bot_token", "bot_id", "bot_user_id", "bot_scopes", "bot_refresh_token",
               "bot_token_expires_at", "is_enterprise_install", "installed_at")


class NotOffered(BoltError):
    """An install from a workspace not in `[slack] allowed_workspaces`: refused before
    its token is kept."""


def workspace_key(enterprise_id: str | None, team_id: str | None,
                  is_enterprise_install: bool | None = False) -> str:
    """The one id an installation is kept under: the team, or the organisation for an
    organisation-wide install."""
    if is_enterprise_install and enterprise_id:
        return enterprise_id
    return team_id or enterprise_id or ""


def _plain(value: Any) -> Any:
    """A value as JSON can hold it (slack-sdk gives times as datetimes)."""
    return value.timestamp() if isinstance(value, datetime) else value


def _now() -> datetime:
    return datetime.now(UTC)


class StoredInstallations(AsyncInstallationStore):
    """Bolt's installation store over our database (bot installations only). `changed`
    is told the workspace whose installation was saved or deleted, so cached clients
    are rebuilt."""

    def __init__(self, store: SlackInstallStore,
                 changed: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.changed = changed

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await self.async_save_bot(installation.to_bot())

    async def async_save_bot(self, bot: Bot) -> None:
        key = workspace_key(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        details = {name: _plain(value) for name, value in bot.to_dict().items()
                   if name in _BOT_FIELDS}
        try:
            await self.store.save_slack_install(SlackInstall(key, details, _now()))
        except Exception as exc:
            log_event(log, logging.ERROR, "slack.install_not_saved",
                      error=type(exc).__name__)
            raise BoltError("the installation could not be saved") from None
        if self.changed is not None:
            self.changed(key)
        log_event(log, logging.INFO, "slack.installed", team=key)

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        key = workspace_key(enterprise_id, team_id, is_enterprise_install)
        install = await self.store.slack_install(key) if key else None
        if install is None:
            return None
        fields: dict[str, Any] = {name: install.details.get(name) for name in _BOT_FIELDS
                                  if install.details.get(name) is not None}
        return Bot(**fields)

    async def async_find_installation(self, *, enterprise_id: str | None,
                                      team_id: str | None, user_id: str | None = None,
                                      is_enterprise_install: bool | None = False,
                                      ) -> Installation | None:
        bot = await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                        is_enterprise_install=is_enterprise_install)
        if bot is None:
            return None
        return Installation(
            app_id=bot.app_id, enterprise_id=bot.enterprise_id, team_id=bot.team_id,
            team_name=bot.team_name, bot_token=bot.bot_token, bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id, bot_scopes=bot.bot_scopes,
            bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at, user_id="",
            is_enterprise_install=bot.is_enterprise_install, installed_at=bot.installed_at)

    async def async_delete_bot(self, *, enterprise_id: str | None,
                               team_id: str | None) -> None:
        await self.forget(workspace_key(enterprise_id, team_id) or "")

    async def async_delete_installation(self, *, enterprise_id: str | None,
                                        team_id: str | None,
                                        user_id: str | None = None) -> None:
        if user_id is None:  # no user installations are kept
            await self.forget(workspace_key(enterprise_id, team_id) or "")

    async def forget(self, workspace: str) -> bool:
        """Delete a workspace's installation (its tokens); whether there was one."""
        if not workspace:
            return False
        gone = await self.store.delete_slack_install(workspace)
        if self.changed is not None:
            self.changed(workspace)
        return gone


class StoredStates(AsyncOAuthStateStore):
    """Bolt's OAuth state store over our database: each state random, used once, and
    only within `expiration_seconds` of being issued."""

    def __init__(self, store: SlackInstallStore, expiration_seconds: int = STATE_SECONDS,
                 now: Callable[[], datetime] = _now) -> None:
        self.store = store
        self.expiration_seconds = expiration_seconds
        self.now = now

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        now = self.now()
        await self.store.issue_slack_oauth_state(
            _digest(state), now, now + timedelta(seconds=self.expiration_seconds))
        return state

    async def async_consume(self, state: str) -> bool:
        if not state:
            return False
        return await self.store.consume_slack_oauth_state(_digest(state), self.now())


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8")).hexdigest()
