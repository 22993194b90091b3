"""Turning the core's neutral markup into Slack mrkdwn, and Slack's text back into plain text.

The core writes light markdown (`**bold**`, `*italic*`, `~~struck~~`, `` `code` ``,
`[label](https://...)`, `> quote`) and escapes member-written characters with a
backslash (`bot.text.neutralise`). Slack has no backslash escapes, so:

- `&`, `<` and `>` are always written as `&amp;`, `&lt;`, `&gt;` (Slack's own rule), so no
  text can form a mention (`<!channel>`, `<@U1>`, `<!subteam^S1>`), a link or a date;
- an escaped `*`, `_`, `~` or `` ` `` becomes a lookalike character (∗ ＿ ∼ ˋ) that Slack
  never reads as formatting: readers see the same text, and it can never turn bold,
  italic, struck or code. Other escaped characters have no meaning in mrkdwn and stay;
- an escaped `>` gets a zero-width space in front, so it can never start a quote;
- a bare `@channel`, `@here` or `@everyone` gets a zero-width space after the `@`;
- the core's channel references (`bot.text.channel_ref`) become channel links, `<#C123>`,
  which Slack shows with the channel's name (names are made ids first, in `people`).
"""

from __future__ import annotations

import html
import re

from bot.text import plain_channels
from bot.text import render_channels

ZWSP = "\u200b"

# Lookalikes for the characters mrkdwn formats with (decision: readable, never markup).
LOOKALIKE = {"*": "\u2217", "_": "\uff3f", "~": "\u223c", "`": "\u02cb"}
_ESCAPABLE = set("\\*_~`|[]()>#")
_BROADCAST = re.compile(r"@(?=(channel|here|everyone)\b)", re.IGNORECASE)
_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((https?://[^\s)]{1,2000})\)")

# Placeholders for escaped characters and channel links while formatting is converted
# (supplementary private-use areas A and B).
_PH_BASE = 0xF0000
_LINK_BASE = 0x100000
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")


def escape(text: str) -> str:
    """Slack's three control characters, escaped (and broadcast words broken)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("@" + ZWSP, text)


def plain(text: str) -> str:
    """Text for places Slack shows as plain text (buttons, titles, labels, fallbacks).

    Backslash escapes are dropped (plain text is never formatted); mentions stay inert
    because plain text is not parsed for them, but broadcasts are still broken. Channel
    references read `#name`.
    """
    text = plain_channels(text)
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPABLE:
            out.append(text[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return _BROADCAST.sub("@" + ZWSP, "".join(out))


def channel_link(channel: str) -> str:
    """A channel reference in mrkdwn: `<#C123>` for a channel id (Slack shows the name as
    a link), or `#name` as plain characters where only a name is known."""
    if CHANNEL_ID.match(channel):
        return f"<#{channel}>"
    return "#" + "".join(LOOKALIKE.get(ch, ch) for ch in escape(channel))


def to_mrkdwn(text: str) -> str:
    """Neutral markup to mrkdwn that cannot mention anyone or be formatted by members;
    the core's channel references become channel links."""
    protected, escaped = _protect(text)
    links: list[str] = []

    def hold(channel: str) -> str:  # a placeholder, so no formatting rule touches it
        links.append(channel_link(channel))
        return chr(_LINK_BASE + len(links) - 1)

    body = escape(render_channels(protected, hold))
    body = _LINK.sub(_link, body)
    body = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", "\x01\\1\x01", body)
    body = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"_\1_", body)
    body = body.replace("\x01", "*")
    body = re.sub(r"~~(?=\S)(.+?)(?<=\S)~~", r"~\1~", body)
    body = re.sub(r"(?m)^&gt; ", "> ", body)
    body = _restore(body, escaped)
    if not links:
        return body
    return "".join(links[ord(c) - _LINK_BASE] if _LINK_BASE <= ord(c) < _LINK_BASE + len(links)
                   else c for c in body)


def _link(match: re.Match[str]) -> str:
    label, url = match.group(1), match.group(2)
    return f"<{url.replace('|', '%7C')}|{label.replace('|', '｜')}>"


def _protect(text: str) -> tuple[str, list[str]]:
    """Swap each backslash-escaped character for a placeholder, so no rule touches it."""
    out: list[str] = []
    escaped: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPABLE:
            out.append(chr(_PH_BASE + len(escaped)))
            escaped.append(text[i + 1])
            i += 2
            continue
        if ord(ch) >= _PH_BASE:
            ch = "\ufffd"  # a stray private-use character can never pose as a placeholder
        out.append(ch)
        i += 1
    return "".join(out), escaped


def _restore(body: str, escaped: list[str]) -> str:
    def one(ch: str) -> str:
        if ch in LOOKALIKE:
            return LOOKALIKE[ch]
        if ch == ">":
            return ZWSP + "&gt;"
        if ch == "\\":
            return "\\"
        return ch

    if not escaped:
        return body
    return "".join(
        one(escaped[ord(c) - _PH_BASE]) if _PH_BASE <= ord(c) < _PH_BASE + len(escaped)
        else c
        for c in body)


# ---- incoming -------------------------------------------------------------------------

_USER_REF = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL_REF = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>")
_OTHER_REF = re.compile(r"<([^<>|]*)\|([^<>]*)>|<([^<>]*)>")
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def _reference(match: re.Match[str]) -> str:
    target = match.group(1) if match.group(1) is not None else match.group(3)
    label = match.group(2)
    if label:
        return label
    return "@" + target[1:] if target.startswith("!") else target


def from_slack(text: str) -> str:
    """Slack's escaped message text (slash commands, DMs) as the plain text a person typed.

    User and channel references keep their ids (`<@U123>`, `<#C123>`) so typed USER and
    CHANNEL options can read them; links become their URL; smart quotes become straight
    quotes so quoted option values work from phones and Macs.
    """
    text = _USER_REF.sub(lambda m: f"\x02@{m.group(1)}\x03", text)
    text = _CHANNEL_REF.sub(lambda m: f"\x02#{m.group(1)}\x03", text)
    text = _OTHER_REF.sub(_reference, text)
    text = html.unescape(text) if "&" in text else text
    return text.replace("\x02", "<").replace("\x03", ">").translate(_SMART_QUOTES)
