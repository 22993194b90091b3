"""Making text that came from a person safe to relay, and checking it says something.

`neutralise` is applied by the core to every piece of member-written text before it is
put in a message to others. Adapters additionally send with mentions disabled; the two
layers together mean a relayed text can never ping `@everyone`, a role, a user or a
channel on either platform, nor hide or fake content with markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

ZWSP = "\u200b"

# A channel reference in the core's text: the channel's name or platform id between two
# private-use characters. Nobody types these (`strip_controls`, so `neutralise` and
# `echo`, remove them from member text), so only the core can make one; each adapter
# turns it into its platform's link (`<#id>` on Discord and Slack) or `#name`.
CHANNEL_OPEN = "\ue000"
CHANNEL_CLOSE = "\ue001"
_CHANNEL_REF = re.compile("\ue000([^\ue000\ue001\\s<>|]{1,100})\ue001")

# Direction overrides, embeddings and isolates can reorder what a reader sees; the
# channel-reference markers are only ever the core's.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), *map(ord, CHANNEL_OPEN + CHANNEL_CLOSE)],
    None,
)

# Platform mention syntaxes: Discord <@id> <@!id> <@&id> <#id> </cmd:id>, Slack <@U..>
# <!here> <!channel> <!everyone> <!subteam^S..> <#C..>.
# A "<" or "@" at the very end is broken too: the bot's own words may follow it
# ("Welcome, <" + "! We are glad...").
_ANGLE_MENTION = re.compile(r"<(?=[@#!/:a-zA-Z]|\Z)")
_BROADCAST = re.compile(r"@(?=(everyone|here|channel)\b|\Z)", re.IGNORECASE)
# A user mention as the platforms write it: Discord <@id> and <@!id>, Slack <@U..> and
# <@U..|name>; the id is the group.
USER_MENTION = re.compile(r"<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>")
# Markdown that can hide (spoilers) or fake (masked links, headings, quotes) content.
_MARKDOWN = re.compile(r"([\\*_~`|\[\]()>#])")


# Unicode's control (Cc: U+0000-001F, U+007F-009F, fixed by Unicode's stability policy)
# and surrogate (Cs) characters, except newline and tab.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """Drop control characters (keeping newlines and tabs), direction overrides and the
    core's channel-reference markers."""
    if text.isprintable():
        return text  # no control, surrogate or format character (the usual case)
    return _CONTROLS.sub("", text.translate(_BIDI_CONTROLS))


def neutralise(text: str) -> str:
    """Make member-written text inert: no mentions, no markup, no hidden direction tricks.

    The result reads the same to a person; a zero-width space breaks each mention, and
    markdown characters are backslash-escaped in the core's neutral markup (adapters
    render the escapes their platform's way).
    """
    text = strip_controls(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _ANGLE_MENTION.sub("<" + ZWSP, text)
    return _BROADCAST.sub("@" + ZWSP, text)


_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Co", "Cn", "Cs"}


def has_visible_text(text: str) -> bool:
    """Whether the text holds at least one character a reader can see.

    Empty, whitespace-only, and text made only of zero-width or control characters is
    not a message.
    """
    return any(unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in text)


def quote_block(text: str) -> str:
    """Show already-neutralised text as a quotation, one `> ` per line."""
    return "\n".join("> " + line for line in text.split("\n"))


ECHO_LIMIT = 80
# Markup that could swallow or hide the rest of a message, or fake a link.
_ECHO_MARKUP = re.compile(r"([\\`|\[\]])")


def echo(text: str, limit: int = ECHO_LIMIT) -> str:
    """A person's own words shown back to them in a refusal (“… is not a time zone”):
    one line, cut to `limit` characters, mentions broken, and the markup that could
    swallow the rest of the message (code fences, spoilers, links) escaped. Lighter than
    `neutralise`, so a time zone like America/New_York reads as typed in a config error."""
    text = " ".join(strip_controls(text).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    text = _ECHO_MARKUP.sub(r"\\\1", text)
    text = _ANGLE_MENTION.sub("<" + ZWSP, text)
    return _BROADCAST.sub("@" + ZWSP, text)


def channel_ref(channel: str) -> str:
    """A reference to a channel (a configured name or a platform id, with or without `#`
    or `<#...>`) that each platform shows its own way: a link where it can."""
    name = channel.strip().removeprefix("<#").removesuffix(">").split("|", 1)[0]
    name = name.lstrip("#").strip().translate(_BIDI_CONTROLS)
    if not _CHANNEL_REF.fullmatch(CHANNEL_OPEN + name + CHANNEL_CLOSE):
        return "#" + neutralise(name)  # not a channel name or id: plain words, never a link
    return CHANNEL_OPEN + name + CHANNEL_CLOSE


def channels_in(text: str) -> list[str]:
    """The channels the text refers to (by `channel_ref`), in order, once each."""
    return list(dict.fromkeys(_CHANNEL_REF.findall(text)))


def render_channels(text: str, show: Callable[[str], str]) -> str:
    """The text with each channel reference shown as `show(name_or_id)` says."""
    return _CHANNEL_REF.sub(lambda m: show(m.group(1)), text)


def plain_channels(text: str) -> str:
    """Channel references as `#name` (where a platform has no links, and for reading)."""
    return render_channels(text, lambda channel: "#" + channel)
