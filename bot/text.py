"""Making text that came from a person safe to relay, and checking it says something.

`neutralise` is applied by the core to every piece of member-written text before it is
put in a message to others. Adapters additionally send with mentions disabled; the two
layers together mean a relayed text can never ping `@everyone`, a role, a user or a
channel on either platform, nor hide or fake content with markup.
"""

from __future__ import annotations

import re
import unicodedata

ZWSP = "\u200b"

# Direction overrides, embeddings and isolates can reorder what a reader sees.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A)], None
)

# Platform mention syntaxes: Discord <@id> <@!id> <@&id> <#id> </cmd:id>, Slack <@U..>
# <!here> <!channel> <!everyone> <!subteam^S..> <#C..>.
# A "<" or "@" at the very end is broken too: the bot's own words may follow it
# ("Welcome, <" + "! We are glad...").
_ANGLE_MENTION = re.compile(r"<(?=[@#!/:a-zA-Z]|\Z)")
_BROADCAST = re.compile(r"@(?=(everyone|here|channel)\b|\Z)", re.IGNORECASE)
# Markdown that can hide (spoilers) or fake (masked links, headings, quotes) content.
_MARKDOWN = re.compile(r"([\\*_~`|\[\]()>#])")


# Unicode's control (Cc: U+0000-001F, U+007F-009F, fixed by Unicode's stability policy)
# and surrogate (Cs) characters, except newline and tab.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """Drop control characters (keeping newlines and tabs) and direction overrides."""
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
