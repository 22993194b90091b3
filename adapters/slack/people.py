"""Who is who on Slack: members as the core's `Actor`, user groups as platform roles,
channel names as ids, direct-message channels, and the core's `People` port (who is in
a user group, with `usergroups.users.list`; someone's names, with `users.info`).

Lookups are cached for a short time (`ttl` seconds), so a burst of clicks costs one
`users.info` and one `usergroups.list`, and a change of user groups in Slack reaches the
bot within a minute. A failed lookup never blocks a member: they act as a plain member
until Slack answers again.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import translate
from bot import catalog
from bot.errors import Forbidden
from bot.errors import NotFound
from bot.events import Actor
from bot.logs import log_event
from bot.messages import Message
from bot.ports import PeopleUnavailable
from bot.ports import Person
from bot.text import channel_ref
from bot.text import channels_in
from bot.text import render_channels

log = logging.getLogger(__name__)

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")


@dataclass(frozen=True, slots=True)
class UserGroup:
    """A Slack user group: its id (`S0123`), handle (`facilitators`) and name."""

    id: str
    handle: str
    name: str
    users: frozenset[str]

    def names(self) -> set[str]:
        """Every way config may name this group (id, handle, @handle, display name)."""
        return {n for n in (self.id, self.handle, f"@{self.handle}", self.name) if n}


@dataclass
class _Cached:
    value: Any
    expires: float


@dataclass
class Directory:
    """Cached look-ups of people, user groups and channels through the Web API."""

    client: AsyncWebClient
    ttl: float = 60.0
    now: Callable[[], float] = time.monotonic
    _cache: dict[str, _Cached] = field(default_factory=dict)

    def _get(self, key: str) -> Any:
        hit = self._cache.get(key)
        if hit is not None and hit.expires > self.now():
            return hit.value
        return None

    def _put(self, key: str, value: Any, ttl: float | None = None) -> Any:
        self._cache[key] = _Cached(value, self.now() + (self.ttl if ttl is None else ttl))
        return value

    def forget(self) -> None:
        """Drop everything cached (tests; a config reload)."""
        self._cache.clear()

    async def actor(self, user_id: str, fallback_name: str = "") -> Actor:
        """The person as the core sees them: name, user groups (as platform roles), admin.

        Platform roles hold each of their user groups' id, handle and name, and their own
        user id, so `facilitator_roles` may list handles, group ids or (on Slack plans
        without user groups) member ids.
        """
        name, is_admin, locale = await self._user(user_id, fallback_name)
        roles: set[str] = {user_id}
        for group in await self.user_groups():
            if user_id in group.users:
                roles |= group.names()
        return Actor(user_id=user_id, display_name=name, platform_roles=frozenset(roles),
                     is_admin=is_admin, locale=locale)

    async def _user(self, user_id: str, fallback_name: str) -> tuple[str, bool, str]:
        try:
            user = await self._user_info(user_id)
        except Exception as exc:
            log_event(log, logging.WARNING, "slack.user_lookup_failed",
                      error=str(translate(exc)))
            return fallback_name or user_id, False, ""
        profile: dict[str, Any] = user.get("profile") or {}
        name = (profile.get("display_name") or profile.get("real_name")
                or user.get("real_name") or user.get("name") or fallback_name or user_id)
        is_admin = bool(user.get("is_admin") or user.get("is_owner")
                        or user.get("is_primary_owner"))
        return str(name), is_admin, str(user.get("locale") or "")[:35]

    # ---- the core's `People` port --------------------------------------------------------

    async def holders(self, group_id: str, roles: Sequence[str]) -> list[Person]:
        """Everyone in the workspace in any of these user groups (named by id, handle or
        name), or named directly by member id (plans without user groups list leads by
        id): members of a user group from `usergroups.users.list`, their names from
        `users.info`. Deactivated members and bots are left out. Raises
        `PeopleUnavailable` when Slack will not say."""
        named = [r.strip().lstrip("@") for r in roles if r.strip().lstrip("@")]
        users: list[str] = [r for r in named if USER_ID.match(r)]
        group_names = {r.casefold() for r in named if not USER_ID.match(r)}
        if group_names:
            for group in await self._groups_strict():
                names = {n.lstrip("@").casefold() for n in group.names()}
                if names & group_names:
                    users += await self._group_members(group.id)
        out: list[Person] = []
        for user_id in dict.fromkeys(users):
            person = await self.person(group_id, user_id)
            if person is not None:
                out.append(person)
        return out

    async def _groups_strict(self) -> list[UserGroup]:
        """The workspace's user groups (no members), or `PeopleUnavailable`."""
        cached = self._get("usergroups-plain")
        if cached is not None:
            return list(cached)
        try:
            response = await self.client.usergroups_list()
        except Exception as exc:
            log_event(log, logging.WARNING, "slack.usergroups_unavailable",
                      error=str(translate(exc)))
            raise PeopleUnavailable(catalog.SLACK_USERGROUPS_UNREADABLE) from exc
        groups = tuple(UserGroup(str(g.get("id", "")), str(g.get("handle", "")),
                                 str(g.get("name", "")), frozenset())
                       for g in response.get("usergroups") or [])
        return list(self._put("usergroups-plain", groups))

    async def _group_members(self, usergroup: str) -> list[str]:
        key = f"usergroup-users:{usergroup}"
        cached = self._get(key)
        if cached is not None:
            return list(cached)
        try:
            response = await self.client.usergroups_users_list(usergroup=usergroup)
        except Exception as exc:
            error = translate(exc)
            log_event(log, logging.WARNING, "slack.usergroup_members_unavailable",
                      error=str(error))
            if isinstance(error, NotFound):
                return []
            raise PeopleUnavailable(catalog.SLACK_USERGROUPS_UNREADABLE
                                    if isinstance(error, Forbidden)
                                    else catalog.SLACK_PEOPLE_UNREACHABLE) from exc
        return list(self._put(key, tuple(str(u) for u in response.get("users") or [])))

    async def person(self, group_id: str, user_id: str) -> Person | None:
        """A member's names from `users.info` (None if there is no such active member)."""
        if not USER_ID.match(user_id):
            return None
        try:
            user = await self._user_info(user_id)
        except Exception as exc:
            error = translate(exc)
            if isinstance(error, NotFound):
                return None
            raise PeopleUnavailable(catalog.SLACK_PEOPLE_UNREACHABLE) from exc
        if user.get("deleted") or user.get("is_bot"):
            return None
        profile: dict[str, Any] = user.get("profile") or {}
        display = str(profile.get("display_name") or "")
        real = str(profile.get("real_name") or user.get("real_name") or "")
        username = str(user.get("name") or "")
        return Person(user_id, display or real or username or user_id, username, display,
                      real)

    async def _user_info(self, user_id: str) -> dict[str, Any]:
        """`users.info` for a member (with their client's language), cached; Slack's
        errors are raised."""
        key = f"user-info:{user_id}"
        cached = self._get(key)
        if cached is not None:
            return dict(cached)
        response = await self.client.users_info(user=user_id, include_locale=True)
        user: dict[str, Any] = dict(response.get("user") or {})
        return dict(self._put(key, user))

    async def user_groups(self) -> list[UserGroup]:
        """The workspace's user groups with their members (cached; [] if unavailable)."""
        cached = self._get("usergroups")
        if cached is not None:
            return list(cached)
        groups: list[UserGroup] = []
        try:
            response = await self.client.usergroups_list(include_users=True)
            for raw in response.get("usergroups") or []:
                users = raw.get("users")
                if users is None:
                    listed = await self.client.usergroups_users_list(usergroup=raw["id"])
                    users = listed.get("users") or []
                groups.append(UserGroup(str(raw.get("id", "")), str(raw.get("handle", "")),
                                        str(raw.get("name", "")), frozenset(users)))
        except Exception as exc:
            # Free workspaces have no user groups; try again after the TTL, not per click.
            log_event(log, logging.WARNING, "slack.usergroups_unavailable",
                      error=str(translate(exc)))
        return list(self._put("usergroups", tuple(groups)))

    async def group_mention(self, name: str) -> str | None:
        """`<!subteam^ID>` for a user group named by id, handle or name, if it exists."""
        wanted = name.strip().lstrip("@").casefold()
        if wanted in ("here", "channel", "everyone"):
            return f"<!{wanted}>"
        for group in await self.user_groups():
            if wanted in {n.lstrip("@").casefold() for n in group.names()}:
                return f"<!subteam^{group.id}>"
        return None

    async def channel_id(self, channel: str) -> str:
        """A channel id for a configured channel id or name (`#updates`, `updates`)."""
        name = channel.strip().lstrip("#")
        if CHANNEL_ID.match(name):
            return name
        key = f"channel:{name.casefold()}"
        cached = self._get(key)
        if cached is not None:
            return str(cached)
        cursor: str | None = None
        while True:
            response = await self.client.conversations_list(
                types="public_channel,private_channel", exclude_archived=True, limit=200,
                cursor=cursor)
            for raw in response.get("channels") or []:
                if str(raw.get("name", "")).casefold() == name.casefold():
                    return str(self._put(key, str(raw["id"]), ttl=self.ttl * 10))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                raise NotFound("slack channel_not_found (by name)")

    async def link_channels(self, message: Message) -> Message:
        """The message with its channel references by name made references by id where
        the bot can see a channel of that name, so Slack shows them as links (a name it
        cannot find stays a name, and is looked up again after the TTL)."""
        names = [c for c in channels_in(message.text) if not CHANNEL_ID.match(c)]
        if not names:
            return message
        found = {name: await self._channel_id_if_any(name) for name in names}
        text = render_channels(message.text, lambda c: channel_ref(found.get(c) or c))
        return replace(message, text=text)

    async def _channel_id_if_any(self, name: str) -> str | None:
        key = f"no-channel:{name.casefold()}"
        if self._get(key) is not None:
            return None
        try:
            return await self.channel_id(name)
        except Exception as exc:
            log_event(log, logging.INFO, "slack.channel_not_linked", error=str(translate(exc)))
            self._put(key, True)
            return None

    async def dm_channel(self, user_id: str) -> str:
        """The bot's direct-message channel with a member (conversations.open)."""
        key = f"dm:{user_id}"
        cached = self._get(key)
        if cached is not None:
            return str(cached)
        response = await self.client.conversations_open(users=user_id)
        channel = str((response.get("channel") or {}).get("id", ""))
        if not channel:
            raise NotFound("slack conversations.open gave no channel")
        return str(self._put(key, channel, ttl=self.ttl * 60))
