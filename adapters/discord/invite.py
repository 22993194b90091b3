"""The OAuth2 link that adds the bot to a server, with the least it needs."""

from __future__ import annotations

from urllib.parse import urlencode

import discord

SCOPES = ("bot", "applications.commands")


def permissions() -> discord.Permissions:
    """What the bot needs in a server, and nothing more: see channels, send messages
    (with images) in them. Replies to commands, DMs and editing its own messages need no
    server permission."""
    return discord.Permissions(view_channel=True, send_messages=True, attach_files=True)


def invite_url(client_id: str) -> str:
    """The link a server admin opens to add the bot."""
    query = urlencode({"client_id": client_id, "scope": " ".join(SCOPES),
                       "permissions": str(permissions().value)})
    return f"https://discord.com/oauth2/authorize?{query}"
