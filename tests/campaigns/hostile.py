"""Hostile input for the campaigns, and the checks that what the bot says is inert.

The values: arbitrary unicode, control characters, right-to-left and zero-width
characters, 10,000-character strings, mention and markdown injection for both
platforms, SQL- and template-looking text, lone surrogates (which JSON can carry).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from hypothesis import strategies as st

from bot.messages import Message
from bot.text import neutralise

PIECES = [
    # mentions, both platforms
    "@everyone", "@here", "@channel", "<@123456789012345678>", "<@!42>", "<@&77>",
    "<#C0123>", "<!channel>", "<!here>", "<!everyone>", "<!subteam^S1>", "</cmd:1>",
    "<@U-bob>", "<https://evil.example|click here>",
    # markdown that hides or fakes
    "```", "```py\nprint(1)\n```", "||spoiler||", "[click](http://x.y)", "# Heading",
    "-# small", "> quote", "**bold**", "__under__", "`code`", "~~gone~~", "\\", "*",
    # direction, zero-width, controls
    "\u202e", "\u202d", "\u2066", "\u2067", "\u2069", "\u061c", "\u200b", "\u200c",
    "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\x00", "\x07", "\x1b[31m", "\x7f",
    "\u0085", "\u2028", "\u2029", "\r\n", "\r", "\n", "\t", " ", "\\n",
    # scripts and emoji
    "👩‍👩‍👧", "مرحبا", "שלום", "é", "e\u0301", "ﷺ", "𝕏", "\U000e0041",
    # looks like code
    "'; DROP TABLE meetings;--", "' OR '1'='1", "\" OR \"\"=\"", "1; SELECT * FROM users",
    "%s %d %n", "{0} {name} {{x}}", "${jndi:ldap://x}", "<script>alert(1)</script>",
    "../../etc/passwd", "NaN", "-1", "0", "1e309", "99999999999999999999",
    # numbers that are not quite numbers
    "²", "٣", "1_000", "+5", " 7 ", "9223372036854775808", "-9223372036854775809",
    "0x1F", "1.5", "1" * 5000,
    # odd words for the parsers
    "=", ":", "\"", "'", "“", "”", "„", "|", ",", "#", "-", "yes", "no", "",
]
LONG = [
    "x" * 10_000, "\u200b" * 10_000, "@everyone " * 1_000, "e\u0301" * 5_000,
    "👩‍👩‍👧" * 2_000, "<@&1>" * 2_000, "```" * 3_400, ("a" * 99 + "\n") * 100,
]
SURROGATE = ["\ud800", "a\udfffb", "\udbff\udc00"]

TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=5).map("".join),
    st.tuples(st.text(max_size=12), st.sampled_from(PIECES), st.text(max_size=12)).map(
        "".join),
    st.sampled_from(LONG),
    st.sampled_from(SURROGATE),
)
NUMBERS = ["0", "-1", "²", "٣", "1_0", "9223372036854775807", "9223372036854775808",
           "1" * 30, "", " 1", "99999999999"]


def mutated(real: list[str]) -> st.SearchStrategy[str]:
    """A real value (a button's, a form's state) changed a little: a number in it
    swapped for a hostile one, cut short, doubled, or with hostile text spliced in."""
    def swap(value: str, number: str) -> str:
        return re.sub(r"\d+", number, value, count=1) if re.search(r"\d", value) else number

    base = st.sampled_from(real or [""])
    return st.one_of(
        st.builds(swap, base, st.sampled_from(NUMBERS)),
        st.builds(lambda v, n: v[:n], base, st.integers(0, 12)),
        base.map(lambda v: v + ":" + v),
        st.builds(lambda v, t: v + t, base, TEXT),
    )


# Display names: people choose their own, up to 32 (Discord) or 80 (Slack) characters.
NAMES = st.one_of(
    st.text(max_size=32),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join).map(
        lambda name: name[:80]),
    st.sampled_from(SURROGATE),
)

# Live markup: what `bot.text.neutralise` breaks (a zero-width space after "<", before a
# broadcast word) and the characters `bot.text.strip_controls` removes.
_LIVE_MENTION = re.compile(r"<(?=[@#!/:a-zA-Z])|@(?=(everyone|here|channel)\b)",
                           re.IGNORECASE)
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_FAKES = ("```", "||", "](")


def live_problems(text: str, allowed_roles: Iterable[str] = ()) -> list[str]:
    """What in a text the bot sends could ping, hide or fake content (empty: inert)."""
    problems = []
    for match in _LIVE_MENTION.finditer(text):
        problems.append(f"live mention at {match.start()}: {text[match.start():][:20]!r}")
    if _BIDI.search(text):
        problems.append("direction override")
    for ch in text:
        if ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cs"):
            problems.append(f"control character {ch!r}")
            break
    unescaped = re.sub(r"\\.", "", text, flags=re.DOTALL)
    problems += [f"unescaped {fake!r}" for fake in _FAKES if fake in unescaped]
    return problems


def plain_texts(message: Message) -> list[str]:
    """The texts of a message the platforms show as plain text, never as markup (button
    and menu labels, alt texts, file descriptions)."""
    texts = [b.label for b in message.buttons]
    if message.select is not None:
        texts.append(message.select.placeholder)
        texts += [c.label for c in message.select.choices]
    texts += [i.alt_text for i in message.images]
    texts += [f.description for f in message.files]
    return texts


def message_problems(message: Message) -> list[str]:
    """`live_problems` over a message's text, and no hidden direction or control
    character in its plain texts (which no platform reads as mentions or markup)."""
    problems = live_problems(message.text)
    for text in plain_texts(message):
        problems += [p for p in live_problems(text)
                     if p.startswith(("direction", "control"))]
    return problems


_INTERNALS = re.compile(
    r"Traceback|File \"|\b[A-Z]\w*(?:Error|Exception)\b|\bNone\b|<object at|"
    r"\bsqlite|\bNULL\b|\{'|\['")


def unclear(text: str, given: Iterable[str] = ()) -> str | None:
    """Why a message shown to a person is not a clear, plain answer (None: it is).

    Words the person typed themselves (`given`) may be echoed back, so internals are
    looked for only outside them.
    """
    if not text or not text.strip():
        return "empty message"
    bare = text
    echoes = {v for g in given for v in (g, g.strip(), neutralise(g), neutralise(g.strip()))}
    for value in sorted((e for e in echoes if e), key=len, reverse=True):
        bare = bare.replace(value, " ")
    found = _INTERNALS.search(bare)
    if found:
        return f"internal detail {found.group(0)!r} in {text[:200]!r}"
    return None
