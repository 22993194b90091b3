"""Neutral messages rendered for Discord: content, components, files, allowed mentions.

Channel references in the core's text become channel links (`<#id>`), which ping nobody.
Every message goes out with mentions switched off, unless the feature deliberately pings
a role (`Message.allow_role_mentions`). Buttons and select menus carry everything the
core needs in their `custom_id` (see `customid`), in views with no timeout. Neutral text
already escapes markup with backslashes, which Discord understands, so it is sent as is.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import discord

from adapters.discord import customid
from adapters.discord import limits
from adapters.discord.limits import cut as _cut
from adapters.discord.limits import split_text
from adapters.discord.members import Server
from adapters.discord.members import snowflake
from bot.errors import UnsupportedMessage
from bot.messages import Message
from bot.text import neutralise
from bot.text import render_channels

MAX_CONTENT = limits.MESSAGE
MAX_BUTTON_LABEL = limits.BUTTON_LABEL
MAX_SELECT_OPTIONS = limits.SELECT_OPTIONS
MAX_PLACEHOLDER = limits.SELECT_PLACEHOLDER
_STYLES = {"primary": discord.ButtonStyle.primary, "secondary": discord.ButtonStyle.secondary,
           "danger": discord.ButtonStyle.danger, "success": discord.ButtonStyle.success}


@dataclass
class Rendered:
    """One Discord message to send: keyword arguments for discord.py's send methods."""

    content: str
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)
    allowed_mentions: discord.AllowedMentions = field(
        default_factory=discord.AllowedMentions.none)

    def kwargs(self) -> dict[str, Any]:
        """Arguments for `Messageable.send`, `InteractionResponse.send_message`, ..."""
        out: dict[str, Any] = {"content": self.content,
                               "allowed_mentions": self.allowed_mentions}
        if self.view is not None:
            out["view"] = self.view
        if self.files:
            out["files"] = self.files
        return out


def no_mentions() -> discord.AllowedMentions:
    """Mentions switched off: nobody is pinged, whatever the text says."""
    return discord.AllowedMentions.none()


def mentions_for(message: Message, role_ids: Iterable[int]) -> discord.AllowedMentions:
    """Only the roles the feature deliberately pings (already resolved to ids)."""
    roles = [discord.Object(id=r) for r in role_ids]
    if not message.allow_role_mentions or not roles:
        return no_mentions()
    return discord.AllowedMentions(everyone=False, users=False, roles=roles,
                                   replied_user=False)


def view_for(message: Message) -> discord.ui.View | None:
    """Buttons and the select menu as a view with no timeout (None if there are none)."""
    if not message.buttons and message.select is None:
        return None
    view = discord.ui.View(timeout=None)
    try:
        for b in message.buttons:
            view.add_item(discord.ui.Button(
                label=_cut(b.label, MAX_BUTTON_LABEL), style=_STYLES[b.style],
                custom_id=customid.button(b.action, b.value)))
        if message.select is not None:
            s = message.select
            if not 1 <= len(s.choices) <= MAX_SELECT_OPTIONS:
                raise UnsupportedMessage("select menu needs 1 to 25 choices")
            view.add_item(discord.ui.Select(
                custom_id=customid.select(s.action),
                placeholder=_cut(s.placeholder, MAX_PLACEHOLDER),
                min_values=s.min_values, max_values=min(s.max_values, len(s.choices)),
                options=[discord.SelectOption(label=_cut(c.label, limits.SELECT_OPTION),
                                              value=c.value[:100])
                         for c in s.choices]))
    except ValueError as exc:  # too many components, or a custom id too long
        raise UnsupportedMessage(f"components do not fit Discord: {exc}") from None
    return view


def channel_links(server: Server | None) -> Callable[[str], str]:
    """How the core's channel references show on Discord: a channel id as `<#id>`, which
    Discord shows as a link with the channel's name; a name as the link to the server's
    text channel of that name, or as `#name` if it has none."""
    def show(channel: str) -> str:
        if snowflake(channel) is not None:
            return f"<#{channel}>"
        found = server.channel_id(channel) if server is not None else None
        if found is not None:
            return f"<#{found}>"
        return "#" + neutralise(channel)
    return show


def render(message: Message, role_ids: Iterable[int] = (),
           links: Callable[[str], str] | None = None) -> list[Rendered]:
    """The message as one or more Discord messages (text over 2,000 characters is split
    at line breaks; buttons and images go with the last part). `links` shows channel
    references (see `channel_links`; without one, only ids become links)."""
    text = render_channels(message.text, links or channel_links(None))
    parts = split_text(text or "\u200b")
    out = [Rendered(part, allowed_mentions=mentions_for(message, role_ids))
           for part in parts]
    out[-1].view = view_for(message)
    attachments = [(i.filename, i.data, i.alt_text) for i in message.images]
    attachments += [(f.filename, f.data, f.description)
                    for f in message.files]
    out[-1].files = [discord.File(io.BytesIO(data), filename=name,
                                  description=words[:limits.ATTACHMENT_DESCRIPTION])
                     for name, data, words in attachments]
    return out
