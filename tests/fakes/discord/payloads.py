"""Discord object payloads in the documented v10 shapes (users, members, guilds, channels,
messages, interactions), for the fake server and the tests that inject events."""

from __future__ import annotations

import itertools
from typing import Any

EPOCH = "2026-01-01T00:00:00.000000+00:00"
_ids = itertools.count(1)


def snowflake() -> str:
    """A fresh, unique snowflake-looking id (18 digits)."""
    return str(100000000000000000 + next(_ids))


def snowflake_on_shard(shard: int, count: int) -> str:
    """A fresh snowflake whose guild would be on `shard` of `count`
    ((id >> 22) % count == shard)."""
    base = int(snowflake())
    high = (base >> 22) // count * count + shard
    return str((high << 22) | (base & ((1 << 22) - 1)))


def user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    """A user object."""
    return {"id": user_id, "username": name, "global_name": name.title(),
            "discriminator": "0", "avatar": None, "bot": bot, "public_flags": 0}


def role(role_id: str, name: str, permissions: int = 0, position: int = 1) -> dict[str, Any]:
    """A role object."""
    return {"id": role_id, "name": name, "color": 0, "colors": {"primary_color": 0},
            "hoist": False, "icon": None, "unicode_emoji": None, "position": position,
            "permissions": str(permissions), "managed": False, "mentionable": False,
            "flags": 0}


def member(user_obj: dict[str, Any], role_ids: list[str], permissions: int = 0,
           ) -> dict[str, Any]:
    """A guild member object; `permissions` is what interactions carry (resolved)."""
    return {"user": user_obj, "nick": None, "avatar": None, "roles": role_ids,
            "joined_at": EPOCH, "deaf": False, "mute": False, "flags": 0,
            "pending": False, "permissions": str(permissions)}


def text_channel(channel_id: str, guild_id: str, name: str, kind: int = 0,
                 ) -> dict[str, Any]:
    """A guild text channel, or one of another `kind` (Discord's channel type: 4
    category, 5 announcement, 15 forum) with the same fields, which discord.py reads."""
    return {"id": channel_id, "type": kind, "guild_id": guild_id, "name": name,
            "position": 0, "permission_overwrites": [], "nsfw": False, "topic": None,
            "last_message_id": None, "rate_limit_per_user": 0, "parent_id": None}


def dm_channel(channel_id: str, recipient: dict[str, Any]) -> dict[str, Any]:
    """A DM channel with one recipient."""
    return {"id": channel_id, "type": 1, "last_message_id": None,
            "recipients": [recipient]}


def guild(guild_id: str, name: str, roles: list[dict[str, Any]],
          channels: list[dict[str, Any]], owner_id: str) -> dict[str, Any]:
    """A GUILD_CREATE payload (no member list: the bot has no members intent)."""
    return {"id": guild_id, "name": name, "icon": None, "splash": None,
            "discovery_splash": None, "owner_id": owner_id, "afk_channel_id": None,
            "afk_timeout": 300, "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0,
            "roles": roles, "emojis": [], "stickers": [], "features": [],
            "mfa_level": 0, "system_channel_id": None, "system_channel_flags": 0,
            "rules_channel_id": None, "vanity_url_code": None, "description": None,
            "banner": None, "premium_tier": 0, "preferred_locale": "en-US",
            "public_updates_channel_id": None, "nsfw_level": 0,
            "premium_progress_bar_enabled": False, "joined_at": EPOCH, "large": False,
            "unavailable": False, "member_count": 3, "voice_states": [], "members": [],
            "channels": channels, "threads": [], "presences": [],
            "stage_instances": [], "guild_scheduled_events": [],
            "soundboard_sounds": []}


def message(message_id: str, channel_id: str, author: dict[str, Any], content: str,
            *, components: list[Any] | None = None, guild_id: str | None = None,
            nonce: str | None = None, flags: int = 0) -> dict[str, Any]:
    """A message object."""
    data: dict[str, Any] = {
        "id": message_id, "channel_id": channel_id, "author": author,
        "content": content, "timestamp": EPOCH, "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": False, "type": 0,
        "components": components or [], "flags": flags}
    if guild_id:
        data["guild_id"] = guild_id
    if nonce is not None:
        data["nonce"] = nonce
    return data


def interaction(kind: int, data: dict[str, Any], *, application_id: str, guild_id: str | None,
                channel: dict[str, Any], member_obj: dict[str, Any] | None = None,
                user_obj: dict[str, Any] | None = None,
                message_obj: dict[str, Any] | None = None,
                locale: str = "en-GB") -> dict[str, Any]:
    """An INTERACTION_CREATE payload of type `kind` (2 command, 3 component,
    4 autocomplete, 5 modal submit); `locale` is the member's client language."""
    payload: dict[str, Any] = {
        "id": snowflake(), "type": kind, "application_id": application_id,
        "token": f"tok-{snowflake()}", "version": 1, "data": data,
        "channel": channel, "channel_id": channel["id"], "locale": locale,
        "app_permissions": "2248473465835073", "entitlements": [],
        "authorizing_integration_owners": {"0": guild_id} if guild_id else {"1": "0"},
        "context": 0 if guild_id else 1, "attachment_size_limit": 10485760}
    if guild_id:
        payload["guild_id"] = guild_id
        payload["guild_locale"] = "en-GB"
        payload["member"] = member_obj
    else:
        payload["user"] = user_obj
    if message_obj is not None:
        payload["message"] = message_obj
    return payload
